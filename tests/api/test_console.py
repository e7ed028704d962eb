"""The console's pages over HTTP (in process): login, CSRF, scope, and reads on record.

What a browser does with them is in tests/browser; here, the rules behind the pages.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_PASSWORD, approved_volunteer, break_glass, login, paired

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def console_login(client: TestClient, username: str = "admin",
                  password: str = ADMIN_PASSWORD) -> str:
    """Log in through the console's form; the CSRF token of the session."""
    csrf = _CSRF.search(client.get("/console/login").text).group(1)  # type: ignore[union-attr]
    response = client.post("/console/login", follow_redirects=False, data={
        "username": username, "password": password, "csrf": csrf})
    assert response.status_code == 303, response.text
    return csrf


def console_user(client: TestClient, admin: dict[str, str], role: str, **scope: str) -> str:
    """An account of ``role`` (its username; the password is password-123)."""
    name = f"console-{role}"
    body = {"username": name, "password": "password-123", "role": role, **scope}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    return name


def test_a_page_without_a_session_sends_you_to_log_in_and_back(client: TestClient) -> None:
    response = client.get("/console/children?name=王", follow_redirects=False)
    location = urlsplit(response.headers["location"])
    assert (response.status_code, location.path, parse_qs(location.query)["next"]) == (
        303, "/console/login", ["/console/children?name=%E7%8E%8B"])


def test_after_logging_in_you_go_only_to_a_console_page(client: TestClient) -> None:
    csrf = _CSRF.search(client.get("/console/login").text).group(1)  # type: ignore[union-attr]
    response = client.post("/console/login", follow_redirects=False, data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf": csrf,
        "next": "//evil.example/console/"})
    assert response.headers["location"] == "/console"


def test_a_login_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/console/login")
    response = client.post("/console/login", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf": "forged"})
    assert response.status_code == 403
    assert "aixin_session" not in client.cookies


def test_a_report_form_without_its_csrf_token_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    console_login(client)
    response = client.post("/console/reports", data={
        "region_code": "420821", "year": "2026", "quarter": "1", "csrf": "forged"})
    assert response.status_code == 403
    assert client.get("/api/v1/reports", headers=admin).json()["items"] == []


def test_a_report_request_with_a_bad_region_code_names_the_field_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    csrf = console_login(client)
    response = client.post("/console/reports", data={
        "region_code": "42-08", "year": "2026", "quarter": "1", "csrf": csrf})
    assert response.status_code == 422
    assert "行政区划代码" in response.text
    assert client.get("/api/v1/reports", headers=admin).json()["items"] == []


def test_a_child_outside_the_callers_region_is_not_found(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "federation", region_code="4209"),
                  "password-123")
    response = client.get(f"/console/children/{child_id}")
    assert response.status_code == 404
    assert "王小花" not in response.text


def test_a_break_glass_grant_opens_the_childs_page_and_the_reads_name_it(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)
    outsider = console_user(client, admin, "federation", region_code="4209")
    grant = break_glass(client, child_id, login(client, outsider, "password-123")).json()
    console_login(client, outsider, "password-123")
    assert client.get(f"/console/children/{child_id}").status_code == 200
    timeline = client.get(f"/api/v1/children/{child_id}/history",
                          headers=admin).json()["timeline"]
    assert [(e["details"]["what"], e["details"].get("break_glass")) for e in timeline
            if e["type"] == "RecordWasRead"] == [("record", grant["id"]),
                                                 ("history", grant["id"])]


def test_the_search_shows_only_children_within_the_callers_region(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    console_login(client, console_user(client, admin, "federation", region_code="4209"),
                  "password-123")
    assert "王小花" not in client.get("/console/children").text


def test_a_school_sees_the_page_of_a_volunteer_who_teaches_there(
        client: TestClient, admin: dict[str, str]) -> None:
    teacher = approved_volunteer(client, admin, unit="石牌镇中心小学", region_code="420821101")
    elsewhere = approved_volunteer(client, admin)
    console_login(client, console_user(client, admin, "school", school="石牌镇中心小学",
                                       region_code="420821101"), "password-123")
    assert client.get(f"/console/volunteers/{teacher}").status_code == 200
    assert client.get(f"/console/volunteers/{elsewhere}").status_code == 404


def test_a_volunteer_sees_the_record_but_not_the_history(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "volunteer", volunteer_id=volunteer_id),
                  "password-123")
    page = client.get(f"/console/children/{child_id}?as_of=2026-03-20").text
    assert "王小花" in page and 'id="timeline"' not in page
    assert "不能查看历史回溯" in page


def test_a_volunteer_reads_on_the_childs_page_only_what_her_duties_need(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "volunteer", volunteer_id=volunteer_id),
                  "password-123")
    page = client.get(f"/console/children/{child_id}").text
    assert "张桂兰" in page and "13900000003" in page  # the guardian, whom she contacts
    withheld_age = "<dd>68</dd>"  # the guardian's age cell ("68" alone is found in ids)
    for withheld in ("广东省东莞市", "13800000001", withheld_age, "良好", "家庭收入来源",
                     "情况报告"):
        assert withheld not in page, withheld


def test_schools_may_not_open_the_reports(client: TestClient, admin: dict[str, str]) -> None:
    console_login(client, console_user(client, admin, "school", school="石牌镇中心小学",
                                       region_code="420821101"), "password-123")
    assert client.get("/console/reports").status_code == 403


def test_an_auditors_page_view_is_recorded_as_the_api_records_reads(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "auditor"), "password-123")
    assert client.get(f"/console/children/{child_id}").status_code == 200
    timeline = client.get(f"/api/v1/children/{child_id}/history",
                          headers=admin).json()["timeline"]
    assert [(e["details"]["what"], e["actor"]["role"]) for e in timeline
            if e["type"] == "RecordWasRead"] == [("record", "auditor"), ("history", "auditor")]


def test_an_admins_page_view_is_not_recorded(client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)
    console_login(client)
    client.get(f"/console/children/{child_id}")
    timeline = client.get(f"/api/v1/children/{child_id}/history",
                          headers=admin).json()["timeline"]
    assert all(e["type"] != "RecordWasRead" for e in timeline)


def test_logging_out_ends_the_session(client: TestClient) -> None:
    csrf = console_login(client)
    client.post("/console/logout", data={"csrf": csrf})
    assert client.get("/console/children", follow_redirects=False).status_code == 303


def test_the_console_is_in_the_document_under_its_own_tag(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    pages = {path: operations for path, operations in paths.items()
             if path.startswith("/console")}
    assert {"/console/children", "/console/login", "/console/reports"} <= set(pages)
    assert {operation["tags"][0] for operations in pages.values()
            for operation in operations.values()} == {"console"}


def test_the_pages_load_no_inline_script(client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)
    console_login(client)
    page = client.get(f"/console/children/{child_id}").text
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/console/static/console.js" defer>']
