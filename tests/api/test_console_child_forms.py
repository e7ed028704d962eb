"""The child's forms in the console: registering a child, keeping its record, and the page
as of a past date (历史回溯) showing only what stood on that date.

Every form is the API's own use case behind a CSRF-checked POST; a refusal is the API's
message beside the form, which keeps what was typed.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape

from api.console import child_page
from api.console.forms import said
from tests.api.conftest import ADMIN_PASSWORD, CHILD, create, login, paired
from tests.api.test_console import console_login, console_user


def _contact(client: TestClient, admin: dict[str, str], pairing_id: str, on: str) -> None:
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin, json={
        "kind": "home_visit", "occurred_on": on, "notes": "家访"})
    assert response.status_code == 201, response.text


def test_the_page_as_of_a_day_before_the_pairing_does_not_show_it(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)  # the pairing starts on 2026-03-10
    _contact(client, admin, pairing_id, "2026-04-02")
    console_login(client)
    section = client.get(f"/console/children/{child_id}?as_of=2026-03-05").text.split(
        'id="pairings"')[1].split("</section>")[0]
    assert "尚未结对" in section and 'class="pairing"' not in section


def test_the_page_as_of_a_day_counts_the_contacts_made_by_that_day(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    for day in ("2026-03-15", "2026-04-02", "2026-05-06"):
        _contact(client, admin, pairing_id, day)
    console_login(client)
    section = client.get(f"/console/children/{child_id}?as_of=2026-03-20").text.split(
        'id="pairings"')[1].split("</section>")[0]
    assert "联系 1 次，最近 2026-03-15" in section
    assert "2026-05-06" not in section and "至今" not in section



FORM: dict[str, Any] = {
    "name": "李小军", "sex": "male", "birth_date": "2015-09-01", "region_code": "420821101",
    "school": "石牌镇中心小学", "class_name": "五年级一班", "id_number": "420821201509010012",
    "father_status": "away", "father_name": "李大山", "father_work_location": "广东省深圳市",
    "mother_status": "home", "mother_name": "周红",
    "guardian_name": "李奶奶", "guardian_relation": "grandmother",
    "categories": ["poor_family", "study_difficulty"],
    "consent_by": "李大山", "consent_relation": "父亲", "consent_on": "2026-03-01",
    "consent_method": "书面签字",
}


def _register(client: TestClient, csrf: str, **changed: Any) -> Response:
    return client.post("/console/children/new", data={**FORM, **changed, "csrf": csrf},
                       follow_redirects=False)


def test_a_child_registered_through_the_form_is_on_the_register(
        client: TestClient, admin: dict[str, str]) -> None:
    answer = _register(client, console_login(client))
    assert answer.status_code == 303, answer.text
    child_id = answer.headers["location"].split("/")[-1].split("?")[0]
    record = client.get(f"/api/v1/children/{child_id}", headers=admin).json()
    assert (record["name"], record["guardian"]["relation"], sorted(record["categories"]),
            [(p["role"], p["status"]) for p in record["parents"]]) == (
        "李小军", "grandmother", ["poor_family", "study_difficulty"],
        [("father", "away"), ("mother", "home")])
    assert "已登记儿童档案" in client.get(answer.headers["location"]).text


def test_a_registration_without_consent_names_the_field_and_keeps_what_was_typed(
        client: TestClient, admin: dict[str, str]) -> None:
    answer = _register(client, console_login(client), consent_by="")
    assert answer.status_code == 422
    assert 'id="consent_by-error"' in answer.text and "Field required" not in answer.text
    assert 'value="广东省深圳市"' in answer.text and 'value="poor_family" checked' in answer.text
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_a_national_id_already_on_the_register_is_refused_as_the_api_says(
        client: TestClient, admin: dict[str, str]) -> None:
    csrf = console_login(client)
    first = _register(client, csrf)
    again = _register(client, csrf, name="李小兵")
    api = client.post("/api/v1/children", headers=admin, json={
        **CHILD, "id_number": FORM["id_number"]}).json()
    assert again.status_code == 409 and escape(said(api["detail"])) in again.text
    assert 'value="李小兵"' in again.text
    assert first.headers["location"].split("?")[0] in again.text  # a link to the holder


def test_a_registration_without_its_csrf_token_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    console_login(client)
    assert _register(client, "forged").status_code == 403
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_a_volunteer_may_not_open_the_registration_form(
        client: TestClient, admin: dict[str, str]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "volunteer", volunteer_id=volunteer_id),
                  "password-123")
    assert client.get("/console/children/new").status_code == 403


def test_federation_staff_register_only_within_their_region(
        client: TestClient, admin: dict[str, str]) -> None:
    csrf = console_login(client, console_user(client, admin, "federation", region_code="4209"),
                         "password-123")
    answer = _register(client, csrf)
    assert answer.status_code == 403 and "管辖范围" in answer.text and "李小军" in answer.text
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_a_guardian_changed_on_the_childs_page_is_on_the_record(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/guardian", follow_redirects=False,
                         data={"name": "王桂芳", "relation": "aunt", "reason": "祖母住院",
                               "on": "2026-06-01", "csrf": console_login(client)})
    assert answer.status_code == 303
    record = client.get(f"/api/v1/children/{child_id}", headers=admin).json()
    assert (record["guardian"]["name"], record["guardian"]["relation"]) == ("王桂芳", "aunt")


def test_a_parent_come_home_is_on_the_record(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/parents", follow_redirects=False,
                         data={"role": "mother", "status": "home", "on": "2026-06-01",
                               "reason": "返乡", "csrf": console_login(client)})
    assert answer.status_code == 303
    parents = client.get(f"/api/v1/children/{child_id}", headers=admin).json()["parents"]
    assert {p["role"]: p["status"] for p in parents} == {"father": "away", "mother": "home"}


def test_the_profile_and_categories_changed_on_the_childs_page_are_on_the_record(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client)
    for path, data in (("profile", {"health": "近视", "on": "2026-06-01"}),
                       ("categories", {"categories": ["disabled"], "on": "2026-06-01"})):
        answer = client.post(f"/console/children/{child_id}/{path}", follow_redirects=False,
                             data={**data, "csrf": csrf})
        assert answer.status_code == 303, answer.text
    record = client.get(f"/api/v1/children/{child_id}", headers=admin).json()
    assert (record["profile"]["health"], "disabled" in record["categories"]) == ("近视", True)


def test_a_change_dated_in_the_future_is_refused_with_the_rules_message_as_typed(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/guardian", data={
        "name": "王桂芳", "relation": "aunt", "on": "2999-01-01",
        "csrf": console_login(client)})
    assert answer.status_code == 422 and "晚于今天" in answer.text
    assert 'value="王桂芳"' in answer.text
    record = client.get(f"/api/v1/children/{child_id}", headers=admin).json()
    assert record["guardian"]["name"] == "张桂兰"


def test_an_exit_needs_its_reason_and_then_records_it(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client)
    refused = client.post(f"/console/children/{child_id}/exit",
                          data={"reason": "", "on": "2026-06-01", "csrf": csrf})
    done = client.post(f"/console/children/{child_id}/exit", follow_redirects=False,
                       data={"reason": "随父母迁往广州", "on": "2026-06-01", "csrf": csrf})
    assert (refused.status_code, done.status_code) == (422, 303)
    record = client.get(f"/api/v1/children/{child_id}", headers=admin).json()
    assert (record["status"], record["exit_reason"]) == ("exited", "随父母迁往广州")


def test_a_change_to_a_child_outside_the_region_is_not_found_and_records_nothing(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client, console_user(client, admin, "federation", region_code="4209"),
                         "password-123")
    answer = client.post(f"/console/children/{child_id}/exit",
                         data={"reason": "随父母迁往广州", "csrf": csrf})
    assert answer.status_code == 404
    assert client.get(f"/api/v1/children/{child_id}", headers=admin).json()["status"] == "active"


def test_a_change_without_its_csrf_token_records_nothing(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client)
    answer = client.post(f"/console/children/{child_id}/exit",
                         data={"reason": "随父母迁往广州", "csrf": "forged"})
    assert answer.status_code == 403
    assert client.get(f"/api/v1/children/{child_id}", headers=admin).json()["status"] == "active"


def test_the_page_as_of_a_past_date_offers_no_forms(
        client: TestClient, child_id: str) -> None:
    console_login(client)
    assert 'id="keep"' in client.get(f"/console/children/{child_id}").text
    assert 'id="keep"' not in client.get(f"/console/children/{child_id}?as_of=2026-03-05").text


def test_the_registration_form_offers_the_named_townships_by_name(
        client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": "420821101", "name": "郢中街道"}]}).status_code in (200, 201)
    console_login(client)
    form = client.get("/console/children/new").text
    assert '<option value="420821101"' in form and "郢中街道" in form


def test_the_registration_form_offers_the_places_of_the_callers_children_on_each_store(
        client_on_each_store: TestClient) -> None:
    client = client_on_each_store
    admin = login(client, "admin", ADMIN_PASSWORD)
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "赵小雨", "region_code": "420902101"},
           admin)
    console_login(client, console_user(client, admin, "federation", region_code="4208"),
                  "password-123")
    form = client.get("/console/children/new").text
    assert '<option value="420821101">' in form and "420902101" not in form


def test_the_page_as_of_a_day_before_the_pairing_ended_shows_it_in_force(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    assert client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin, json={
        "reason": "迁出", "on": "2026-06-30"}).status_code == 200
    console_login(client)
    before = client.get(f"/console/children/{child_id}?as_of=2026-04-01").text
    after = client.get(f"/console/children/{child_id}?as_of=2026-07-01").text
    assert "结束：迁出" not in before.split('id="pairings"')[1].split("</section>")[0]
    assert "2026-06-30 结束：迁出" in after.split('id="pairings"')[1].split("</section>")[0]


def test_a_busy_childs_timeline_shows_its_newest_entries(
        client: TestClient, admin: dict[str, str], child_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_page, "TIMELINE_SHOWN", 2)
    for day in ("2026-06-01", "2026-06-02", "2026-06-03"):
        create(client, f"/api/v1/children/{child_id}/concerns", {
            "kind": "absence", "description": f"{day} 未到校", "occurred_on": day}, admin)
    console_login(client)
    shown = client.get(f"/console/children/{child_id}").text.split('id="timeline"')[1]
    assert "2026-06-03" in shown and "2026-06-02" in shown and "2026-06-01" not in shown
    assert "仅显示最近 2 条" in shown


def test_the_registration_form_offers_a_school_only_the_places_of_its_own_pupils(
        client: TestClient, admin: dict[str, str]) -> None:
    create(client, "/api/v1/children", {**CHILD, "region_code": "420821101001"}, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "赵小雨", "id_number": "",
                                        "school": "石牌镇第二小学",
                                        "region_code": "420821101002"}, admin)
    console_login(client, console_user(client, admin, "school", school=CHILD["school"],
                                       region_code="420821101"), "password-123")
    form = client.get("/console/children/new").text
    assert '<option value="420821101001">' in form and "420821101002" not in form
