"""A merged record's page (合并重复档案) on a 390 px phone: 已合并到 at the top, its link leading
to the record kept, and the page never scrolling sideways."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import CHILD
from tests.browser.conftest import ADMIN_PASSWORD, PHONE, County, log_in

pytestmark = pytest.mark.xdist_group("browser")
#: Another county's boy, registered twice (the shared county's own figures stay as they are).
TWICE = {**CHILD, "name": "赵小军", "sex": "male", "region_code": "420822101",
         "school": "沙洋县实验小学"}


def merged_twice(county: County) -> tuple[str, str]:
    """(the record kept, the duplicate merged into it), through the API."""
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    ids = []
    for registered_on in ("2026-03-02", "2026-03-09"):
        response = httpx.post(f"{county.url}/api/v1/children", headers=auth,
                              json={**TWICE, "registered_on": registered_on})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    kept, duplicate = ids
    response = httpx.post(f"{county.url}/api/v1/children/{kept}/merges", headers=auth,
                          json={"duplicate_id": duplicate, "reason": "同一儿童登记两次"})
    assert response.status_code == 200, response.text
    return kept, duplicate


def test_a_merged_records_page_leads_to_the_record_kept_on_a_phone(
        phone: Page, county: County, shoot: Any) -> None:
    kept, duplicate = merged_twice(county)
    log_in(phone, then=f"/console/children/{duplicate}")
    notice = phone.locator("#merged")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("已合并到")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "merged-record-phone")

    phone.locator("#merged-into").click()

    expect(phone).to_have_url(f"{county.url}/console/children/{kept}")
    expect(phone.locator("#merged")).to_have_count(0)
