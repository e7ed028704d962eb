"""A clerk reviews a volunteer at her own level in headless Chromium, at desktop and phone
sizes: offered only the level due (never one out of turn); the township clerk gives 所在单位意见,
then the county clerk 县妇联意见, after which the
city's level is not hers to give; and the county's work-lists (待办清单)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import CHILD, VOLUNTEER
from tests.browser.conftest import ADMIN_PASSWORD, PHONE, County, log_in

#: One served county and one Chromium for every browser test (session fixtures): one process.
pytestmark = pytest.mark.xdist_group("browser")

COUNTY, TOWNSHIP = "420881", "420881101"
COUNTY_CLERK = ("xian-fulian", "county-clerk-password-1")
TOWNSHIP_CLERK = ("zhen-fulian", "township-clerk-password-1")


def _created(client: httpx.Client, path: str, body: dict[str, Any]) -> str:
    response = client.post(f"/api/v1{path}", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def applicants(county: County) -> dict[str, str]:
    """Two volunteers of the township awaiting review (one for each screen size), an
    unpaired left-behind child there, and the two clerks' accounts."""
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    with httpx.Client(base_url=county.url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        for (username, password), region in ((COUNTY_CLERK, COUNTY),
                                             (TOWNSHIP_CLERK, TOWNSHIP)):
            assert client.post("/api/v1/users", json={
                "username": username, "password": password, "role": "federation",
                "region_code": region}).status_code == 201
        _created(client, "/children", {**CHILD, "name": "周小雨", "region_code": TOWNSHIP,
                                       "school": "洋梓镇中心小学"})
        return {size: _created(client, "/volunteers", {
            **VOLUNTEER, "name": name, "unit": "洋梓镇中心小学", "region_code": TOWNSHIP})
            for size, name in (("desktop", "陈春梅"), ("phone", "黄秋菊"))}


def _as(page: Page, clerk: tuple[str, str], volunteer_id: str) -> None:
    page.context.clear_cookies()
    log_in(page, *clerk, then=f"/console/volunteers/{volunteer_id}")
    expect(page.locator("h1")).to_be_visible()


def _offered(page: Page) -> list[str]:
    return page.locator("#review select[name=level] option").evaluate_all(
        "options => options.map(o => o.value)")


def _is_offered_the_level_due_and_approves_at_her_level(page: Page, volunteer_id: str,
                                                    shoot: Any, size: str) -> None:
    _as(page, COUNTY_CLERK, volunteer_id)
    assert _offered(page) == ["unit"]  # the level due, never one out of turn
    shoot(page, f"review-offered-{size}")

    _as(page, TOWNSHIP_CLERK, volunteer_id)
    assert _offered(page) == ["unit"]
    page.fill("#review textarea[name=opinion]", "同意（洋梓镇中心小学）")
    page.click("#review button[type=submit]")
    expect(page.locator("#notice")).to_have_text("审核意见已记录")

    _as(page, COUNTY_CLERK, volunteer_id)
    assert _offered(page) == ["county"]
    page.fill("#review textarea[name=opinion]", "同意推荐")
    page.click("#review button[type=submit]")
    expect(page.locator("#notice")).to_have_text("审核意见已记录")
    expect(page.locator("#approvals .steps li.approve")).to_have_count(2)
    expect(page.locator("#review")).to_have_count(0)  # the city's level is not hers
    expect(page.locator("#review-none")).to_contain_text("市州妇联")
    shoot(page, f"review-given-{size}")


def test_a_county_clerk_is_offered_only_the_level_due_then_approves_at_her_level(
        page: Page, applicants: dict[str, str], shoot: Any) -> None:
    _is_offered_the_level_due_and_approves_at_her_level(page, applicants["desktop"], shoot,
                                                    "desktop")


def test_on_a_phone_a_county_clerk_is_offered_only_the_level_due_then_approves_at_her_level(
        phone: Page, applicants: dict[str, str], shoot: Any) -> None:
    _is_offered_the_level_due_and_approves_at_her_level(phone, applicants["phone"], shoot, "phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_county_clerks_work_lists_show_the_unpaired_child_of_her_county(
        request: pytest.FixtureRequest, applicants: dict[str, str], shoot: Any,
        size: str) -> None:
    screen: Page = request.getfixturevalue("page" if size == "desktop" else "phone")
    screen.context.clear_cookies()
    log_in(screen, *COUNTY_CLERK, then="/console/work")
    expect(screen.locator("#unpaired")).to_contain_text("周小雨")
    expect(screen.locator("#unpaired")).not_to_contain_text("王小花")  # another county's
    assert screen.evaluate("document.documentElement.scrollWidth") <= screen.viewport_size[
        "width"]  # type: ignore[index]
    shoot(screen, f"work-{size}")
