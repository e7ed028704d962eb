"""/pairings: who can be paired, contacts dated late but never ahead, duties and why."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, VOLUNTEER, create, paired


def contact(client: TestClient, headers: dict[str, str], pairing_id: str,
            **body: object) -> dict:
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=headers,
                           json={"kind": "phone", "occurred_on": "2026-04-02",
                                 "notes": "电话询问学习情况", **body})
    return {**response.json(), "http": response.status_code}


def test_pairing_a_volunteer_not_yet_approved_is_409_naming_the_rule(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    volunteer = create(client, "/api/v1/volunteers", VOLUNTEER, admin)
    response = client.post("/api/v1/pairings", headers=admin, json={
        "child_ids": [child["id"]], "volunteer_ids": [volunteer["id"]], "principle": "need"})
    assert (response.status_code, response.json()["rule"]) == (409, "pairing_eligibility")


def test_a_late_contact_is_recorded_with_its_own_date(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    assert contact(client, admin, pairing_id, kind="home_visit")["http"] == 201
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert [(c["kind"], c["occurred_on"]) for c in pairing["contacts"]] == [
        ("home_visit", "2026-04-02")]


def test_a_contact_dated_in_the_future_is_422(client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    result = contact(client, admin, pairing_id, occurred_on="2999-01-01")
    assert (result["http"], result["detail"][0]["loc"]) == (422, ["body", "occurred_on"])


def test_an_unknown_contact_kind_names_the_field(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    result = contact(client, admin, pairing_id, kind="telepathy")
    assert (result["http"], result["detail"][0]["loc"]) == (422, ["body", "kind"])


def test_no_contact_on_an_ended_pairing(client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    ended = client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin,
                        json={"reason": "孩子随父母迁出", "on": "2026-06-01"})
    assert (ended.status_code, ended.json()["status"]) == (200, "ended")
    result = contact(client, admin, pairing_id)
    assert (result["http"], result["rule"]) == (409, "pairing_ended")


def test_duties_say_met_due_or_overdue_and_why(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    contact(client, admin, pairing_id, occurred_on="2026-04-02")
    body = client.get(f"/api/v1/pairings/{pairing_id}/duties?on=2026-04-15",
                      headers=admin).json()
    monthly = next(d for d in body["duties"] if d["name"] == "monthly_contact")
    assert (body["on"], monthly["status"], monthly["last_qualifying_contact"]) == (
        "2026-04-15", "met", "2026-04-02")
    later = client.get(f"/api/v1/pairings/{pairing_id}/duties?on=2026-06-10",
                       headers=admin).json()
    overdue = next(d for d in later["duties"] if d["name"] == "monthly_contact")
    assert (overdue["status"], overdue["overdue_since"]) == ("overdue", "2026-06-01")
    assert "2026-04-02" in overdue["reason"]


def test_a_volunteer_records_contacts_on_its_own_pairing_only(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, pairing_id = paired(client, admin)
    _, _, other_pairing = paired(client, admin, name="李明")
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert contact(client, mother, pairing_id)["http"] == 201
    assert contact(client, mother, other_pairing)["http"] == 404


def test_a_contact_with_a_stale_if_match_is_412(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    first = client.post(f"/api/v1/pairings/{pairing_id}/contacts",
                        headers={**admin, "If-Match": '"1"'},
                        json={"kind": "phone", "occurred_on": "2026-04-02", "notes": ""})
    second = client.post(f"/api/v1/pairings/{pairing_id}/contacts",
                         headers={**admin, "If-Match": '"1"'},
                         json={"kind": "phone", "occurred_on": "2026-04-03", "notes": ""})
    assert (first.status_code, first.headers["ETag"], second.status_code) == (201, '"2"', 412)


def test_an_unknown_duty_set_names_the_field(client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.post("/api/v1/pairings", headers=admin, json={
        "child_ids": [child["id"]], "volunteer_ids": [child["id"]], "principle": "kin",
        "duty_sets": ["seven_wonders"]})
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["body", "duty_sets"])


def test_a_duty_entry_carries_its_period_in_words_beside_its_code(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    body = client.get(f"/api/v1/pairings/{pairing_id}/duties?on=2026-04-15",
                      headers=admin).json()
    monthly = next(d for d in body["duties"] if d["name"] == "monthly_contact")
    assert (monthly["period"]["label"], monthly["period_title"]) == ("2026-04", "2026年4月")
