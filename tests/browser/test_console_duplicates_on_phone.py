"""疑似重复 on a 390 px phone: the pair's two records side by side (one above the other on a
phone), the page never scrolling sideways, and the merge done from the phone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import CHILD
from tests.browser.conftest import ADMIN_PASSWORD, PHONE, County, log_in

pytestmark = pytest.mark.xdist_group("browser")
#: Another county's girl, registered twice (the shared county's own figures stay as they are).
TWICE = {**CHILD, "name": "冯小溪", "region_code": "420822101", "school": "沙洋县实验小学"}


def registered_twice(county: County) -> None:
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    for registered_on in ("2026-03-02", "2026-03-09"):
        response = httpx.post(f"{county.url}/api/v1/children", json={
            **TWICE, "registered_on": registered_on},
            headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text


def test_a_likely_pair_reads_and_merges_on_a_phone(
        phone: Page, county: County, shoot: Any) -> None:
    registered_twice(county)
    log_in(phone, then="/console/duplicates")
    pair = phone.locator("section.pair", has_text="冯小溪")
    expect(pair).to_have_count(1)
    expect(pair.locator(".child-of-pair")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "duplicates-phone")
    pair.locator("textarea[name=reason]").first.fill("同一儿童由学校和乡镇各登记一次")
    pair.locator("button", has_text="合并").click()
    expect(phone.locator("#merged")).to_contain_text("已合并")
    expect(phone.locator("section.pair", has_text="冯小溪")).to_have_count(0)
