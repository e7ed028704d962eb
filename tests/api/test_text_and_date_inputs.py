"""What a request may say: texts without control or invisible characters, dates written
YYYY-MM-DD from 1900 on, a child who was a minor when registered, a suspension after the
approval. Each refusal is 422 naming the field, and records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create, paired


def refusal(response: Any) -> tuple[int, list[Any]]:
    """The status and the location of each field at fault."""
    detail = response.json()["detail"]
    return response.status_code, [fault["loc"] for fault in detail]


def children(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/children", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_a_school_holding_a_nul_byte_is_422_naming_the_field_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "school": "石牌\u0000小学"})
    assert refusal(response) == (422, [["body", "school"]])
    assert "U+0000" in response.json()["detail"][0]["msg"]
    assert children(client, admin) == []


@pytest.mark.parametrize("character", [
    "\u0001", "\u001b", "\u007f", "\u0085", "\u009f", "\u200b", "\u200d", "\u200e",
    "\u202a", "\u202e", "\u2060", "\u2066", "\u2069", "\ufeff"])
def test_control_invisible_and_direction_characters_are_refused_in_a_name(
        client: TestClient, admin: dict[str, str], character: str) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "name": f"王{character}小花"})
    assert refusal(response) == (422, [["body", "name"]])


def test_a_text_in_a_nested_part_of_the_record_is_checked_too(
        client: TestClient, admin: dict[str, str]) -> None:
    guardian = {**CHILD["guardian"], "phone": "139\u202e00000003"}
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "guardian": guardian})
    assert refusal(response) == (422, [["body", "guardian", "phone"]])


def test_a_text_of_one_line_cannot_hold_a_line_break(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "address": "彭墩村\n三组"})
    assert refusal(response) == (422, [["body", "address"]])


def test_notes_keep_their_line_breaks_and_tabs(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    notes = "家访，辅导作业。\n下次带字典。\t（奶奶在家）"
    create(client, f"/api/v1/pairings/{pairing_id}/contacts",
           {"kind": "home_visit", "occurred_on": "2026-04-02", "notes": notes}, admin)
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert [contact["notes"] for contact in pairing["contacts"]] == [notes]


def test_notes_refuse_a_nul_byte(client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                           json={"kind": "phone", "occurred_on": "2026-04-02",
                                 "notes": "电话\u0000询问"})
    assert refusal(response) == (422, [["body", "notes"]])


@pytest.mark.parametrize("parameter", ["school", "category", "region_code"])
def test_a_nul_byte_in_a_query_parameter_is_422_naming_it(
        client: TestClient, admin: dict[str, str], parameter: str) -> None:
    response = client.get("/api/v1/children", headers=admin,
                          params={parameter: "石牌\u0000小学"})
    assert refusal(response) == (422, [["query", parameter]])


def test_an_as_of_date_before_1900_is_422(client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}?on=0001-01-01", headers=admin)
    assert refusal(response) == (422, [["query", "on"]])


@pytest.mark.parametrize("written", ["0", "1774915200", "20260331", "2026-03-31T00:00:00"])
def test_a_date_in_a_query_is_written_yyyy_mm_dd_only(
        client: TestClient, admin: dict[str, str], written: str) -> None:
    response = client.get("/api/v1/children", headers=admin, params={"on": written})
    assert refusal(response) == (422, [["query", "on"]])


def test_a_history_as_of_a_day_before_1900_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}/history?as_of=1899-12-31",
                          headers=admin)
    assert refusal(response) == (422, [["query", "as_of"]])


def test_the_duties_of_a_pairing_on_a_day_before_1900_are_422(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    response = client.get(f"/api/v1/pairings/{pairing_id}/duties?on=0001-01-01",
                          headers=admin)
    assert refusal(response) == (422, [["query", "on"]])


@pytest.mark.parametrize("written", [0, 1774915200, "0", "20260331", "2026-03-31T00:00:00"])
def test_a_date_in_a_body_is_written_yyyy_mm_dd_only(
        client: TestClient, admin: dict[str, str], written: object) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "registered_on": written})
    assert refusal(response) == (422, [["body", "registered_on"]])
    assert children(client, admin) == []


def test_a_child_born_before_1900_is_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "birth_date": "0001-01-01"})
    assert refusal(response) == (422, [["body", "birth_date"]])
    assert children(client, admin) == []


def test_a_child_who_was_of_age_when_registered_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, "birth_date": "2008-03-02",
                                 "registered_on": "2026-03-02"})
    assert refusal(response) == (422, [["body", "birth_date"]])
    assert "未成年人" in response.json()["detail"][0]["msg"]
    assert children(client, admin) == []


def test_a_child_registered_the_day_before_turning_18_is_a_minor(
        client: TestClient, admin: dict[str, str]) -> None:
    create(client, "/api/v1/children", {**CHILD, "birth_date": "2008-03-03",
                                        "registered_on": "2026-03-02"}, admin)


def test_a_suspension_dated_before_the_approval_is_422_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)  # applied 2026-01-05, approved 2026-02-01
    base = f"/api/v1/volunteers/{volunteer_id}"
    response = client.post(f"{base}/suspension", headers=admin,
                           json={"reason": "外出学习", "on": "2025-12-31"})
    assert refusal(response) == (422, [["body", "on"]])
    assert "approved" in response.json()["detail"][0]["msg"]
    assert client.get(base, headers=admin).json()["status"] == "approved"


def test_a_suspension_on_the_day_of_the_approval_is_taken(
        client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)
    response = client.post(f"/api/v1/volunteers/{volunteer_id}/suspension", headers=admin,
                           json={"reason": "外出学习", "on": "2026-02-01"})
    assert (response.status_code, response.json()["status"]) == (200, "suspended")
