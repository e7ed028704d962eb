"""Schools' enrolment (学校在校生人数) on a 390 px phone: the page, its form and its list fit the
screen, and a count recorded from the phone is listed."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, County, log_in


def test_a_count_recorded_on_a_phone_is_listed_and_nothing_scrolls_sideways(
        phone: Page, county: County, shoot: Any) -> None:
    log_in(phone, then="/console/schools/enrolment")
    expect(phone.locator("h1")).to_have_text("学校在校生人数")
    form = phone.locator("#record-enrolment")
    chooser = form.locator("[name=region_code]")
    if chooser.evaluate("element => element.tagName") == "SELECT":
        chooser.select_option(index=1)
    else:  # no township named yet: a county's code on the national list typed
        chooser.fill("420881")
    form.locator("input[name=school]").fill("石牌镇中心小学")
    form.locator("input[name=term]").fill("2026春")
    form.locator("input[name=pupils]").fill("848")
    form.locator("button[type=submit]").click()
    expect(phone.locator("#enrolment")).to_contain_text("848")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "enrolment-phone")


def test_the_reports_form_with_its_sender_fits_a_phone(phone: Page, county: County) -> None:
    log_in(phone, then="/console/reports")
    expect(phone.locator("#request-report input[name=preparer]")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
