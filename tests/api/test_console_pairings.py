"""Pairings in the console (结对管理): listed within the caller's region, formed from children
and approved volunteers found by name, shown with their duties, and ended, through the API's
own routes and messages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.console import pairing_candidates
from api.console.forms import said
from tests.api.conftest import CHILD, approved_volunteer, create, paired
from tests.api.test_console import console_login, console_user


def _form(client: TestClient, csrf: str, **fields: Any) -> Any:
    return client.post("/console/pairings/new", follow_redirects=False,
                       data={"csrf": csrf, **fields})


def test_the_form_finds_a_child_and_a_volunteer_by_name(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    volunteer_id = approved_volunteer(client, admin)
    other_child = create(client, "/api/v1/children", {**CHILD, "name": "赵小雨"}, admin)["id"]
    other_volunteer = approved_volunteer(client, admin, name="孙慧敏")
    found = _form(client, console_login(client), do="find", child_name="小花",
                  volunteer_name="爱华")
    assert found.status_code == 200
    assert f'value="{child_id}"' in found.text and f'value="{volunteer_id}"' in found.text
    assert f'value="{other_child}"' not in found.text
    assert f'value="{other_volunteer}"' not in found.text


def test_a_pairing_formed_through_the_form_is_on_the_register(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    volunteer_id = approved_volunteer(client, admin)
    answer = _form(client, console_login(client), do="pair", child_ids=[child_id],
                   volunteer_ids=[volunteer_id], principle="nearby",
                   agreement_signed_on="2026-03-05", starts_on="2026-03-10")
    assert answer.status_code == 303, answer.text
    listed = client.get(f"/api/v1/pairings?child_id={child_id}", headers=admin).json()["items"]
    assert [(p["principle"], p["volunteer_ids"]) for p in listed] == [("nearby", [volunteer_id])]
    page = client.get(answer.headers["location"]).text
    assert "已结对" in page and "王小花" in page and "刘爱华" in page


def test_a_pairing_with_no_volunteer_chosen_is_refused_keeping_the_children_chosen(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = _form(client, console_login(client), do="pair", child_ids=[child_id],
                   principle="kin", starts_on="2026-03-10")
    assert answer.status_code == 422 and 'id="volunteer_ids-error"' in answer.text
    assert re.search(rf'value="{child_id}"\s+checked', answer.text)
    assert '<option value="kin" selected>' in answer.text
    assert client.get("/api/v1/pairings", headers=admin).json()["items"] == []


def test_a_volunteer_not_yet_approved_is_refused_with_the_rules_message(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    pending = create(client, "/api/v1/volunteers", {
        "name": "陈待审", "unit": "钟祥市妇联", "address": "钟祥市", "birth_date": "1980-01-01",
        "postal_code": "431900", "political_status": "群众", "position": "职工",
        "phone": "13700000009", "education": "高中", "region_code": "420821",
        "applied_on": "2026-01-05"}, admin)["id"]
    body = {"child_ids": [child_id], "volunteer_ids": [pending], "principle": "nearby"}
    answer = _form(client, console_login(client), do="pair", **body)
    api = client.post("/api/v1/pairings", headers=admin, json=body)
    assert answer.status_code == api.status_code == 409
    assert said(api.json()["detail"]) in answer.text


def test_federation_staff_see_only_the_pairings_of_their_region(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    elsewhere = create(client, "/api/v1/children", {
        **CHILD, "name": "赵小雨", "region_code": "420902101"}, admin)["id"]
    create(client, "/api/v1/pairings", {
        "child_ids": [elsewhere], "volunteer_ids": [approved_volunteer(client, admin)],
        "principle": "nearby", "starts_on": "2026-03-10"}, admin)
    console_login(client, console_user(client, admin, "federation", region_code="4208"),
                  "password-123")
    listed = client.get("/console/pairings").text
    assert "王小花" in listed and "赵小雨" not in listed


def test_the_pairings_page_shows_the_duties_owed_to_each_child(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    console_login(client)
    page = client.get(f"/console/pairings/{pairing_id}").text
    titles = {d["title"] for d in client.get(f"/api/v1/pairings/{pairing_id}/duties",
                                              headers=admin).json()["duties"]}
    assert titles and all(title in page for title in titles)


def test_a_pairing_outside_the_region_is_not_found(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    console_login(client, console_user(client, admin, "federation", region_code="4209"),
                  "password-123")
    assert client.get(f"/console/pairings/{pairing_id}").status_code == 404


def test_a_pairing_ended_through_the_form_is_ended_with_its_reason(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    answer = client.post(f"/console/pairings/{pairing_id}/end", follow_redirects=False, data={
        "reason": "孩子随父母迁出", "on": "2026-06-30", "csrf": console_login(client)})
    assert answer.status_code == 303
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert (pairing["status"], pairing["end_reason"]) == ("ended", "孩子随父母迁出")


def test_an_end_without_a_reason_is_refused_and_the_pairing_goes_on(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    answer = client.post(f"/console/pairings/{pairing_id}/end", data={
        "reason": "", "on": "2026-06-30", "csrf": console_login(client)})
    assert answer.status_code == 422 and 'id="reason-error"' in answer.text
    assert 'value="2026-06-30"' in answer.text
    assert client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()["status"] == "active"


def test_an_end_without_its_csrf_token_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    console_login(client)
    answer = client.post(f"/console/pairings/{pairing_id}/end",
                         data={"reason": "迁出", "csrf": "forged"})
    assert answer.status_code == 403
    assert client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()["status"] == "active"


def test_a_school_may_not_form_a_pairing(client: TestClient, admin: dict[str, str]) -> None:
    console_login(client, console_user(client, admin, "school", school="石牌镇中心小学",
                                       region_code="420821101"), "password-123")
    assert client.get("/console/pairings/new").status_code == 403


def test_a_child_chosen_outside_the_region_is_not_named_on_the_form(
        client: TestClient, admin: dict[str, str]) -> None:
    elsewhere = create(client, "/api/v1/children", {
        **CHILD, "name": "赵小雨", "region_code": "420902101"}, admin)["id"]
    csrf = console_login(client, console_user(client, admin, "federation", region_code="4208"),
                         "password-123")
    page = _form(client, csrf, do="find", child_ids=[elsewhere])
    assert page.status_code == 200
    assert "赵小雨" not in page.text and f'value="{elsewhere}"' not in page.text


def _shared_across_townships(client: TestClient, admin: dict[str, str]) -> tuple[str, str]:
    """A pairing of a child of 石牌镇 and one of the next township; its id and the latter's."""
    here = create(client, "/api/v1/children", {**CHILD, "name": "王小花",
                                               "region_code": "420821101001"}, admin)["id"]
    there = create(client, "/api/v1/children", {**CHILD, "name": "赵小雨", "id_number": "",
                                                "region_code": "420821102001"}, admin)["id"]
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [here, there], "volunteer_ids": [approved_volunteer(client, admin)],
        "principle": "nearby", "starts_on": "2026-03-10"}, admin)["id"]
    return pairing, here


def test_a_shared_pairing_names_only_the_children_of_the_clerks_township(
        client: TestClient, admin: dict[str, str]) -> None:
    pairing_id, _ = _shared_across_townships(client, admin)
    console_login(client, console_user(client, admin, "federation", region_code="420821101"),
                  "password-123")
    page = client.get(f"/console/pairings/{pairing_id}").text
    listed = client.get("/console/pairings").text
    assert "王小花" in page and "赵小雨" not in page
    assert "王小花" in listed and "赵小雨" not in listed


def test_a_childs_page_names_none_of_its_pairings_children_outside_the_clerks_township(
        client: TestClient, admin: dict[str, str]) -> None:
    _, here = _shared_across_townships(client, admin)
    console_login(client, console_user(client, admin, "federation", region_code="420821101"),
                  "password-123")
    page = client.get(f"/console/children/{here}")
    assert page.status_code == 200 and "赵小雨" not in page.text


def test_the_form_finds_every_approved_volunteer_by_name_however_many_the_region_has(
        client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pairing_candidates, "READ", 1)  # the register read one row at a time
    names = ["孙慧敏", "周晓燕", "吴春兰"]
    ids = {name: approved_volunteer(client, admin, name=name, phone=f"1370000000{n}")
           for n, name in enumerate(names)}
    csrf = console_login(client)
    for name in names:
        found = _form(client, csrf, do="find", volunteer_name=name[1:])
        assert f'value="{ids[name]}"' in found.text, name
