"""The child's page's forms of dynamic management (升学、转学, 迁出, 更正) on a 390 px phone:
opened, every field is on the screen and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, County, log_in

pytestmark = pytest.mark.xdist_group("browser")


@pytest.mark.parametrize("form", ["schooling", "transfer", "correction"])
def test_a_dynamic_management_form_opened_on_a_phone_stays_on_its_screen(
        phone: Page, county: County, form: str) -> None:
    log_in(phone)
    phone.goto(f"/console/children/{county.child_id}")
    phone.locator(f"details#{form} > summary").click()
    fields = phone.locator(f"details#{form} form input:visible, details#{form} form select,"
                           f" details#{form} form textarea")
    expect(fields.first).to_be_visible()
    for box in (fields.nth(i).bounding_box() for i in range(fields.count())):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
