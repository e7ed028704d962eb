"""POST /pairings/{id}/contacts names the children it concerns; GET /pairings/{id}/duties gives
each duty owed to each child; a volunteer not in good standing records no contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create, paired
from tests.api.test_console import console_login
from workers.reminders.scan import run_scan


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def two_children(client: TestClient, admin: dict[str, str]) -> tuple[list[str], str, str]:
    """A one-to-two pairing (一对多): its children's ids, its volunteer's and its own."""
    children = [create(client, "/api/v1/children", {**CHILD, "name": name}, admin)["id"]
                for name in ("王小花", "王小明")]
    volunteer_id = approved_volunteer(client, admin)
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": children, "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)
    return children, volunteer_id, pairing["id"]


def contact(client: TestClient, headers: dict[str, str], pairing_id: str,
            **body: Any) -> Any:
    return client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=headers,
                       json={"kind": "phone", "occurred_on": "2026-04-02", "notes": "通话",
                             **body})


def field_at_fault(response: Any) -> tuple[int, list[str]]:
    return response.status_code, response.json()["detail"][0]["loc"]


def test_a_contact_on_a_pairing_of_one_child_names_that_child(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    assert contact(client, admin, pairing_id).status_code == 201
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    listed = client.get(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin).json()
    assert pairing["contacts"][0]["child_ids"] == [child_id]
    assert listed["items"][0]["child_ids"] == [child_id]


def test_a_contact_on_a_pairing_of_several_children_without_child_ids_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = two_children(client, admin)
    assert field_at_fault(contact(client, admin, pairing_id)) == (422, ["body", "child_ids"])
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert pairing["contacts_total"] == 0


def test_a_contact_naming_a_child_not_in_the_pairing_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    children, _, pairing_id = two_children(client, admin)
    stranger = create(client, "/api/v1/children", {**CHILD, "name": "李明"}, admin)["id"]
    response = contact(client, admin, pairing_id, child_ids=[children[0], stranger])
    assert field_at_fault(response) == (422, ["body", "child_ids"])


def test_a_contact_naming_a_child_twice_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    children, _, pairing_id = two_children(client, admin)
    response = contact(client, admin, pairing_id, child_ids=[children[0], children[0]])
    assert field_at_fault(response) == (422, ["body", "child_ids"])


def test_a_contact_naming_no_child_is_422(client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    assert field_at_fault(contact(client, admin, pairing_id, child_ids=[]))[0] == 422


def test_a_contact_keeps_the_children_it_names(
        client: TestClient, admin: dict[str, str]) -> None:
    children, _, pairing_id = two_children(client, admin)
    assert contact(client, admin, pairing_id, child_ids=[children[1]]).status_code == 201
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert pairing["contacts"][0]["child_ids"] == [children[1]]


def test_the_duties_of_a_pairing_are_one_entry_per_duty_and_child(
        client: TestClient, admin: dict[str, str]) -> None:
    children, _, pairing_id = two_children(client, admin)
    contact(client, admin, pairing_id, child_ids=[children[0]])
    body = client.get(f"/api/v1/pairings/{pairing_id}/duties?on=2026-04-15",
                      headers=admin).json()
    names = list(dict.fromkeys(d["name"] for d in body["duties"]))
    assert [(d["child_id"], d["name"]) for d in body["duties"]] == [
        (child, name) for child in children for name in names]
    monthly = {d["child_id"]: d["status"] for d in body["duties"]
               if d["name"] == "monthly_contact"}
    assert monthly == {children[0]: "met", children[1]: "due"}


def test_a_suspended_volunteer_records_no_contacts_409(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, pairing_id = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    suspended = client.post(f"/api/v1/volunteers/{volunteer_id}/suspension", headers=admin,
                            json={"reason": "外出务工", "on": "2026-04-01"})
    assert suspended.status_code == 200, suspended.text
    response = contact(client, mother, pairing_id)
    assert (response.status_code, response.json()["rule"]) == (
        409, "volunteer_not_in_good_standing")
    assert "不能记录联系" in response.json()["detail"]
    staff = contact(client, admin, pairing_id)
    assert (staff.status_code, staff.json()["rule"]) == (409, "volunteer_not_in_good_standing")
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert pairing["contacts_total"] == 0


def test_a_reinstated_volunteer_records_contacts_again(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, pairing_id = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    for change in ("suspension", "reinstatement"):
        response = client.post(f"/api/v1/volunteers/{volunteer_id}/{change}", headers=admin,
                               json={"reason": "外出务工", "on": "2026-04-01"})
        assert response.status_code == 200, response.text
    assert contact(client, mother, pairing_id).status_code == 201


def test_reminders_name_the_child_the_duty_is_owed_to(
        client: TestClient, admin: dict[str, str]) -> None:
    children, _, pairing_id = two_children(client, admin)
    state: Any = client.app.state  # type: ignore[attr-defined]
    run_scan(state.register, state.views, state.settings, state.register.today())
    state.views.catch_up_all()
    response = client.get("/api/v1/reminders", headers=admin,
                          params={"child_id": children[1], "limit": 200})
    items = response.json()["items"]
    assert items and {item["child_id"] for item in items} == {children[1]}
    assert {item["pairing_id"] for item in items} == {pairing_id}


def test_a_childs_console_page_shows_the_duties_owed_to_that_child(
        client: TestClient, admin: dict[str, str]) -> None:
    children, volunteer_id, pairing_id = two_children(client, admin)
    today = client.app.state.register.today().isoformat()  # type: ignore[attr-defined]
    contact(client, admin, pairing_id, child_ids=[children[0]], occurred_on=today)
    console_login(client)
    rows = {child: client.get(f"/console/children/{child}").text.count("每月至少联系一次孩子")
            for child in children}
    assert rows == {children[0]: 1, children[1]: 1}
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert "王小花·每月至少联系一次孩子：已完成" in page
    assert "王小明·每月至少联系一次孩子：" in page
    assert "王小明·每月至少联系一次孩子：已完成" not in page
