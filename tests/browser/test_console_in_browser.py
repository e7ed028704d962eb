"""The auditor's console in headless Chromium: log in, search, open a child, move the as-of
date and see the guardian of that date, request a report and download it; on a phone too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    ADMIN_PASSWORD,
    AUDITOR,
    GUARDIAN_AFTER,
    GUARDIAN_BEFORE,
    PHONE,
    County,
    log_in,
)

#: One served county and one Chromium for every test here (session fixtures): one process.
pytestmark = pytest.mark.xdist_group("browser")

REPORT_TIMEOUT = 120_000  # ms: the embedded worker produces the report


def test_logging_in_as_staff_opens_the_dashboard(page: Page) -> None:
    log_in(page)
    assert page.url.endswith("/console/dashboard")


def test_the_childrens_register_lists_the_county(page: Page, shoot: Any) -> None:
    log_in(page, then="/console/children")
    expect(page.locator("#children")).to_contain_text("王小花")
    shoot(page, "children-desktop")


def test_a_wrong_password_keeps_you_on_the_login_page_and_says_so(page: Page) -> None:
    log_in(page, "nobody", "wrong-password")
    assert "/console/login" in page.url
    expect(page.locator(".error")).to_contain_text("用户名或密码错误")


def test_the_session_is_kept_in_an_httponly_strict_cookie(page: Page) -> None:
    log_in(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "aixin_session")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict",
                                                                        "/console")


def test_searching_by_name_finds_only_that_child(page: Page) -> None:
    log_in(page, then="/console/children")
    page.fill("input[name=name]", "李明")
    page.click("#search button[type=submit]")
    rows = page.locator("#children tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("胡集镇中心小学")


def test_searching_for_children_not_left_behind_finds_the_one_whose_parents_are_home(
        page: Page) -> None:
    log_in(page, then="/console/children")
    page.select_option("select[name=left_behind]", "no")
    page.click("#search button[type=submit]")
    rows = page.locator("#children tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张强")


def test_a_childs_page_shows_the_record_the_pairing_its_duties_and_the_timeline(
        page: Page, shoot: Any) -> None:
    log_in(page, then="/console/children")
    page.click("#children >> text=王小花")
    expect(page.locator("h1")).to_contain_text("王小花")
    expect(page.locator("#guardian-name")).to_have_text(GUARDIAN_AFTER)
    expect(page.locator("#pairings")).to_contain_text("刘爱华")
    expect(page.locator("#pairings table.duties tbody tr")).to_have_count(5)
    expect(page.locator("#timeline")).to_contain_text("监护人变更")
    shoot(page, "child-desktop")


def test_moving_the_as_of_date_shows_the_guardian_of_that_date(
        page: Page, county: County, shoot: Any) -> None:
    log_in(page, then=f"/console/children/{county.child_id}")
    page.fill("#as-of-date", "2026-03-20")
    page.click("#as-of button[type=submit]")
    expect(page.locator("#guardian-name")).to_have_text(GUARDIAN_BEFORE)
    expect(page.locator("#as-of-notice")).to_contain_text("2026-03-20")
    shoot(page, "child-as-of-desktop")
    page.fill("#as-of-date", "2026-04-02")
    page.click("#as-of button[type=submit]")
    expect(page.locator("#guardian-name")).to_have_text(GUARDIAN_AFTER)


def test_as_known_then_a_record_entered_later_was_not_there_yet(
        page: Page, county: County) -> None:
    log_in(page, then=f"/console/children/{county.child_id}?as_of=2026-03-20")
    page.check("input[name=known][value=then]")  # the switch submits the form itself
    expect(page.locator(".error")).to_contain_text("还没有该儿童的档案")
    assert "known=then" in page.url


def test_a_requested_report_shows_its_progress_then_downloads_as_xlsx_and_docx(
        page: Page, shoot: Any, tmp_path: Path) -> None:
    log_in(page, then="/console/reports")
    _request(page, "420821", "2026", "1")
    expect(page.locator("#report-progress")).to_be_visible()
    expect(page.locator("#report-status")).to_have_text("已完成", timeout=REPORT_TIMEOUT)
    expect(page.locator("#figure-left_behind")).to_have_text("2")
    expect(page.locator("#figure-pairing_coverage")).to_have_text("50.0%")
    expect(page.locator("#figure-aid_yuan")).to_have_text("0.00")  # yuan, to the fen
    expect(page.locator("#charts svg")).to_have_count(2)  # coverage and compliance by township
    expect(page.locator("#duties .duty-title").first).to_be_visible()
    shoot(page, "report-desktop")
    workbook = _download(page, ".xlsx", tmp_path)
    assert load_workbook(workbook).sheetnames
    narrative = _download(page, ".docx", tmp_path)
    assert any("留守" in p.text for p in Document(str(narrative)).paragraphs)


def test_a_second_run_of_a_quarter_shows_what_late_records_changed(
        page: Page, county: County, shoot: Any) -> None:
    log_in(page, then="/console/reports")
    _request(page, "420821", "2026", "2")
    expect(page.locator("#report-status")).to_have_text("已完成", timeout=REPORT_TIMEOUT)
    _api(county, "post", f"/pairings/{county.pairing_id}/contacts", json={
        "kind": "home_visit", "occurred_on": "2026-05-10", "notes": "补录的家访"})
    page.goto("/console/reports")
    _request(page, "420821", "2026", "2")
    expect(page.locator("#report-status")).to_have_text("已完成", timeout=REPORT_TIMEOUT)
    expect(page.locator("#changes")).to_contain_text("家访（次）")
    shoot(page, "report-changes-desktop")


def test_a_volunteers_page_shows_approvals_pairings_and_compliance(
        page: Page, county: County, shoot: Any) -> None:
    log_in(page, then=f"/console/volunteers/{county.volunteer_id}")
    expect(page.locator("#approvals li")).to_have_count(4)
    expect(page.locator("#pairings")).to_contain_text("王小花")
    expect(page.locator("#compliance svg")).to_be_visible()
    shoot(page, "volunteer-desktop")


def test_an_auditors_reads_in_the_console_are_recorded_and_on_the_access_log(
        page: Page, county: County, shoot: Any) -> None:
    log_in(page, *AUDITOR, then=f"/console/children/{county.child_id}")
    expect(page.locator("h1")).to_contain_text("王小花")
    page.goto("/console/audit")
    expect(page.locator("#reads")).to_contain_text("王小花")
    expect(page.locator("#reads")).to_contain_text(AUDITOR[0])
    shoot(page, "access-log-desktop")
    history = _api(county, "get", f"/children/{county.child_id}/history")
    reads = {(e["details"]["what"], e["actor"]["role"]) for e in history["timeline"]
             if e["type"] == "RecordWasRead"}
    assert {("record", "auditor"), ("history", "auditor")} <= reads


def test_the_tamper_check_finds_the_log_intact(page: Page, shoot: Any) -> None:
    log_in(page, *AUDITOR, then="/console/audit/verify")
    expect(page.locator("#verification")).to_contain_text("事件日志完整")
    shoot(page, "tamper-check-desktop")


@pytest.mark.parametrize(("name", "path"), [
    ("children", "/console/children"), ("child", "/console/children/{child_id}?as_of=2026-03-20"),
    ("volunteer", "/console/volunteers/{volunteer_id}"), ("reports", "/console/reports")])
def test_the_main_pages_fit_a_phone_screen(phone: Page, county: County, shoot: Any, name: str,
                                           path: str) -> None:
    log_in(phone, then=path.format(child_id=county.child_id,
                                   volunteer_id=county.volunteer_id))
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"{name}-phone")


# -- helpers ----------------------------------------------------------------------------


def _request(page: Page, region_code: str, year: str, quarter: str) -> None:
    form = page.locator("#request-report")
    form.locator("select[name=region_code]").select_option(region_code)
    form.locator("input[name=year]").fill(year)
    form.locator("select[name=quarter]").select_option(quarter)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/console/reports/*")


def _download(page: Page, suffix: str, folder: Path) -> Path:
    with page.expect_download() as download:
        page.click(f"#files a[href$='{suffix}']")
    path = folder / f"report{suffix}"
    download.value.save_as(path)
    return path


def _api(county: County, method: str, path: str, **kwargs: Any) -> Any:
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    response = httpx.request(method, f"{county.url}/api/v1{path}", timeout=30,
                             headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()
