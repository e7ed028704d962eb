"""The console's report pages as a clerk reads them: the reports listed latest first, each by
its region's name, its files saved under that name; the region of a new report chosen by name;
no log position and no data file for a clerk; every duty by its whole title; and the
auditor's list of reads latest first."""

from __future__ import annotations

import re
from urllib.parse import quote
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.duties import duty_title
from tests.api.conftest import CHILD, create, login, paired
from tests.api.test_console import console_login, console_user
from workers.reports.generation import Reporting, produce

COUNTY = "420881"


def produced(client: TestClient, admin: dict[str, str], quarter: int) -> str:
    """The county's report of 2026's ``quarter``, produced; its id."""
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": COUNTY, "year": 2026, "quarter": quarter})
    assert response.status_code == 202, response.text
    state = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(response.json()["id"]))
    state.views.catch_up_all()
    return str(response.json()["id"])


@pytest.fixture
def reports(client: TestClient, admin: dict[str, str]) -> list[str]:
    """A paired child in county 420881 (钟祥市); its reports of 2026 Q1, then Q2."""
    paired(client, admin, region_code="420881101")
    return [produced(client, admin, 1), produced(client, admin, 2)]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html,
                                          flags=re.S))


def test_the_reports_are_listed_latest_first_with_their_files_named_by_region(
        client: TestClient, reports: list[str]) -> None:
    console_login(client)
    page = client.get("/console/reports").text
    second = page.find('download="钟祥市-2026年第2季度.xlsx">统计报表')
    first = page.find('download="钟祥市-2026年第1季度.xlsx">统计报表')
    assert -1 < second < first
    assert "钟祥市 2026 年第 2 季度" in visible(page)


def test_a_reports_file_is_saved_under_its_regions_name_with_an_ascii_fallback(
        client: TestClient, admin: dict[str, str], reports: list[str]) -> None:
    response = client.get(f"/api/v1/reports/{reports[0]}/files/{COUNTY}-2026Q1.docx",
                          headers=admin)
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{COUNTY}-2026Q1.docx\"; "
        f"filename*=UTF-8''{quote('钟祥市-2026年第1季度.docx', safe='')}")


def test_the_console_saves_a_reports_file_under_its_regions_name(
        client: TestClient, reports: list[str]) -> None:
    console_login(client)
    response = client.get(f"/console/reports/{reports[0]}/files/{COUNTY}-2026Q1.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith(
        quote("钟祥市-2026年第1季度.xlsx", safe=""))


def test_the_region_of_a_new_report_is_chosen_by_name(
        client: TestClient, reports: list[str]) -> None:
    console_login(client)
    page = client.get("/console/reports").text
    assert re.search(r'<select name="region_code"[^>]*>', page)
    assert f'<option value="{COUNTY}">钟祥市（全辖区）</option>' in page


def test_a_clerk_sees_when_the_data_were_known_without_log_position_or_data_file(
        client: TestClient, admin: dict[str, str], reports: list[str]) -> None:
    console_login(client, console_user(client, admin, "federation", region_code=COUNTY),
                  "password-123")
    page = client.get(f"/console/reports/{reports[0]}").text
    text = visible(page)
    assert "数据截至" in text and "条记录" not in text and "日志位置" not in text
    assert "数据文件" not in text and ".json" not in page
    assert 'download="钟祥市-2026年第1季度.docx">报告正文' in page


def test_an_auditor_sees_the_log_position_as_the_record_the_data_end_at(
        client: TestClient, admin: dict[str, str], reports: list[str]) -> None:
    position = client.get(f"/api/v1/reports/{reports[0]}", headers=admin).json()["position"]
    console_login(client)
    text = visible(client.get(f"/console/reports/{reports[0]}").text)
    assert f"（第 {position} 条记录）" in text and "数据文件（机器可读）" in text


def test_every_duty_is_shown_by_its_whole_title(
        client: TestClient, admin: dict[str, str], reports: list[str]) -> None:
    duties = client.get(f"/api/v1/reports/{reports[0]}", headers=admin).json()[
        "figures"]["totals"]["duties"]
    console_login(client)
    page = client.get(f"/console/reports/{reports[0]}").text
    shown = re.findall(r'<span class="duty-title">([^<]+)</span>', page)
    assert shown == [duty_title(name) for name in sorted(duties)]


def test_the_auditors_list_of_reads_is_latest_first(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    clerk = login(client, console_user(client, admin, "federation", region_code="4208"),
                  "password-123")  # a federation clerk's reads are recorded
    assert client.get(f"/api/v1/children/{child_id}", headers=clerk).status_code == 200
    assert client.get(f"/api/v1/children/{child_id}/history", headers=clerk).status_code == 200
    client.app.state.views.catch_up_all()  # type: ignore[attr-defined]
    console_login(client)
    text = visible(client.get("/console/audit").text)
    assert -1 < text.find("历史与时间线") < text.find("档案")


def test_a_second_run_names_a_schools_count_recorded_since_as_the_reason_a_figure_moved(
        client: TestClient, admin: dict[str, str], reports: list[str]) -> None:
    named = client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": "420881101", "name": "长寿镇"}]})
    assert named.status_code == 200, named.text
    counted = client.post("/api/v1/schools/enrolment", headers=admin, json={
        "region_code": "420881101", "school": CHILD["school"], "term": "2026春", "pupils": 848})
    assert counted.status_code == 201, counted.text
    again = produced(client, admin, 1)
    console_login(client)
    changes = visible(client.get(f"/console/reports/{again}").text)
    assert "原因：其间补录或更正的记录" in changes
    assert f"学校在校生人数补报：{CHILD['school']} 2026春 848人" in changes
