"""A county clerk keeps the register in headless Chromium, on a desktop and on a phone: she
registers a child, who is then found in the register; pairs a child with a caring mother
found by name; records a concern about a child and resolves it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER
from tests.browser.conftest import ADMIN_PASSWORD, County, log_in

#: One served county and one Chromium for every browser test (session fixtures): one process.
pytestmark = pytest.mark.xdist_group("browser")

#: A county of its own (沙洋县), so that what is recorded here changes no other test's county.
COUNTY, TOWNSHIP = "420822", "420822101"
CLERK = ("shayang-fulian", "shayang-clerk-password-1")
SIZES = ("desktop", "phone")
#: Per screen size: the child registered, the child paired, the caring mother, the child
#: whose concern is recorded.
NAMES = {"desktop": ("陈小雨", "吴小兰", "孙慧敏", "郑小宝"),
         "phone": ("陈小雪", "吴小梅", "钱丽娟", "郑小贝")}


def _created(client: httpx.Client, path: str, body: dict[str, Any]) -> str:
    response = client.post(f"/api/v1{path}", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def shayang(county: County) -> County:
    """The county's clerk, and for each screen size an unpaired child, an approved caring
    mother and a child to report a concern about."""
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    with httpx.Client(base_url=county.url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        assert client.post("/api/v1/users", json={
            "username": CLERK[0], "password": CLERK[1], "role": "federation",
            "region_code": COUNTY}).status_code == 201
        for _, paired, volunteer, concerned in NAMES.values():
            for name in (paired, concerned):
                _created(client, "/children", {**CHILD, "name": name, "region_code": TOWNSHIP,
                                               "school": "沙洋县实验小学"})
            volunteer_id = _created(client, "/volunteers", {
                **VOLUNTEER, "name": volunteer, "unit": "沙洋县妇联", "region_code": COUNTY})
            for level in ("unit", "county", "city", "province"):
                assert client.post(f"/api/v1/volunteers/{volunteer_id}/reviews", json={
                    "level": level, "decision": "approve", "opinion": "同意",
                    "on": "2026-02-01", "signed_by": SIGNERS[level]}).status_code == 200
    return county


@pytest.fixture(params=SIZES)
def screen(request: pytest.FixtureRequest, shayang: County) -> tuple[str, Page]:
    """The clerk's browser, desktop-sized or phone-sized."""
    return request.param, request.getfixturevalue("page" if request.param == "desktop"
                                                  else "phone")


def _open(details: Any) -> None:
    """Unfold a folded form (a phone shows each form folded)."""
    details.locator("summary").click()


def test_a_child_registered_through_the_console_appears_in_the_register(
        screen: tuple[str, Page], shoot: Any) -> None:
    size, page = screen
    name = NAMES[size][0]
    log_in(page, *CLERK, then="/console/children")
    page.click("#new-child")
    form = page.locator("#register-child")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=sex]").select_option("female")
    form.locator("input[name=birth_date]").fill("2016-04-12")
    form.locator("input[name=region_code]").fill(TOWNSHIP)
    form.locator("input[name=school]").fill("沙洋县实验小学")
    for role, parent in (("father", "陈国强"), ("mother", "刘小燕")):
        form.locator(f"select[name={role}_status]").select_option("away")
        form.locator(f"input[name={role}_name]").fill(parent)
    form.locator("input[name=guardian_name]").fill("陈奶奶")
    form.locator("select[name=guardian_relation]").select_option("grandmother")
    form.locator("input[name=categories][value=study_difficulty]").check()
    form.locator("input[name=consent_by]").fill("陈国强")
    form.locator("input[name=consent_relation]").fill("父亲")
    form.locator("input[name=consent_on]").fill("2026-11-30")
    form.locator("input[name=consent_method]").fill("书面签字")
    shoot(page, f"child-new-{size}")
    form.locator("button[type=submit]").click()
    expect(page.locator("#saved")).to_have_text("已登记儿童档案")
    expect(page.locator("h1")).to_contain_text(name)
    shoot(page, f"child-registered-{size}")
    page.goto(f"/console/children?name={name}")
    expect(page.locator("#children tbody tr")).to_have_count(1)
    expect(page.locator("#children tbody tr").first).to_contain_text("沙洋县实验小学")


def test_a_registration_refused_keeps_what_was_typed(screen: tuple[str, Page],
                                                     shoot: Any) -> None:
    size, page = screen
    log_in(page, *CLERK, then="/console/children/new")
    page.fill("#register-child input[name=name]", "没有同意书")
    page.fill("#register-child input[name=school]", "沙洋县实验小学")
    page.evaluate("document.getElementById('register-child').noValidate = true")
    page.click("#register-child button[type=submit]")
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.locator("#consent_by-error")).to_be_visible()
    expect(page.locator("#register-child input[name=name]")).to_have_value("没有同意书")
    shoot(page, f"child-new-refused-{size}")


def test_a_pairing_formed_with_a_child_and_a_caring_mother_found_by_name(
        screen: tuple[str, Page], shoot: Any) -> None:
    size, page = screen
    _, child, volunteer, _ = NAMES[size]
    log_in(page, *CLERK, then="/console/pairings")
    page.click("#new-pairing")
    page.fill("input[name=child_name]", child)
    page.fill("input[name=volunteer_name]", volunteer)
    page.locator("button[name=do][value=find]").first.click()
    expect(page.locator("#child-choices li")).to_have_count(1)  # only the child named
    expect(page.locator("#volunteer-choices li")).to_have_count(1)
    page.locator("#child-choices label", has_text=child).locator("input").check()
    page.locator("#volunteer-choices label", has_text=volunteer).locator("input").check()
    page.select_option("select[name=principle]", "nearby")
    shoot(page, f"pairing-new-{size}")
    page.click("#pair-submit")
    expect(page.locator("#saved")).to_have_text("已结对")
    expect(page.locator("h1")).to_contain_text(child)
    expect(page.locator("#pairing-facts")).to_contain_text(volunteer)
    expect(page.locator("#duties li").first).to_be_visible()
    shoot(page, f"pairing-{size}")
    page.goto("/console/pairings")
    expect(page.locator("#pairings")).to_contain_text(child)


def test_a_concern_recorded_and_resolved_on_the_childs_page(
        screen: tuple[str, Page], shoot: Any) -> None:
    size, page = screen
    child = NAMES[size][3]
    log_in(page, *CLERK, then=f"/console/children?name={child}")
    page.locator("#children a", has_text=child).click()
    concern = page.locator("details#concern")
    _open(concern)
    concern.locator("select[name=kind]").select_option("absence")
    concern.locator("textarea[name=description]").fill("连续三天未到校")
    concern.locator("button[type=submit]").click()
    expect(page.locator("#saved")).to_have_text("已记录情况报告")
    expect(page.locator("#concerns")).to_contain_text("未办结")
    page.goto("/console/concerns?status=open")
    expect(page.locator("#concerns")).to_contain_text(child)
    page.locator("#concerns a", has_text=child).click()
    resolve = page.locator("details.resolve").first
    _open(resolve)
    resolve.locator("textarea[name=action]").fill("家访后已返校")
    shoot(page, f"concern-resolving-{size}")
    resolve.locator("button[type=submit]").click()
    expect(page.locator("#saved")).to_have_text("已办结情况报告")
    expect(page.locator("#concerns")).to_contain_text("已办结：家访后已返校")
    page.goto("/console/concerns?status=resolved")
    expect(page.locator("#concerns")).to_contain_text(child)
    shoot(page, f"concerns-resolved-{size}")
