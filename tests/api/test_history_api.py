"""GET /children/{id}/history: the record as of a date as known at an instant, and its timeline.

"As known then" is an instant taken with ``datetime.now(UTC)`` between two requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired


def history(client: TestClient, headers: dict[str, str], child_id: str,
            **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/children/{child_id}/history", params=params,
                          headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def contact(client: TestClient, headers: dict[str, str], pairing_id: str,
            occurred_on: str, notes: str = "电话询问学习情况") -> None:
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=headers,
                           json={"kind": "phone", "occurred_on": occurred_on, "notes": notes})
    assert response.status_code == 201, response.text


def now() -> str:
    return datetime.now(UTC).isoformat()


def types(body: dict[str, Any]) -> list[str]:
    return [entry["type"] for entry in body["timeline"]]


def contacts_on(body: dict[str, Any]) -> list[str]:
    return [entry["occurred_on"] for entry in body["timeline"]
            if entry["type"] == "ContactRecorded"]


def test_a_late_recorded_contact_is_on_the_timeline_as_known_now_but_not_as_known_then(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    contact(client, admin, pairing_id, "2026-05-09")
    then = now()
    contact(client, admin, pairing_id, "2026-04-12", notes="补录")
    as_known_then = history(client, admin, child_id, as_of="2026-05-31", known_at=then)
    as_known_now = history(client, admin, child_id, as_of="2026-05-31")
    assert contacts_on(as_known_then) == ["2026-05-09"]
    assert contacts_on(as_known_now) == ["2026-05-09", "2026-04-12"]  # in the order recorded


def test_a_corrected_guardian_change_reads_differently_as_known_then_and_now(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    path = f"/api/v1/children/{child['id']}/guardian"
    client.post(path, headers=admin, json={"name": "王芳", "relation": "姑姑", "on": "2026-04-01"})
    then = now()
    client.post(path, headers=admin, json={"name": "王德福", "relation": "祖父",
                                           "on": "2026-04-01", "reason": "更正：录入有误"})
    as_known_then = history(client, admin, child["id"], as_of="2026-04-30", known_at=then)
    as_known_now = history(client, admin, child["id"], as_of="2026-04-30")
    assert (as_known_then["state"]["guardian"]["relation"], as_known_then["state"]["version"]) \
        == ("aunt", 2)
    assert (as_known_now["state"]["guardian"]["relation"], as_known_now["state"]["version"]) \
        == ("grandfather", 3)


def test_the_state_has_the_shape_of_the_childs_record(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    record = client.get(f"/api/v1/children/{child['id']}", headers=admin).json()
    assert history(client, admin, child["id"])["state"] == record


def test_timeline_entries_are_in_log_order_with_type_actor_and_both_dates(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    contact(client, admin, pairing_id, "2026-04-02")
    me = client.get("/api/v1/users/me", headers=admin).json()["id"]
    timeline = history(client, admin, child_id)["timeline"]
    assert [(e["type"], e["occurred_on"]) for e in timeline] == [
        ("ChildRegistered", "2026-03-02"), ("PairingFormed", "2026-03-10"),
        ("ContactRecorded", "2026-04-02")]
    assert {(e["actor"]["id"], e["actor"]["role"]) for e in timeline} == {(me, "admin")}
    positions = [e["position"] for e in timeline]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in timeline]
    assert positions == sorted(set(positions))
    assert recorded == sorted(recorded) and all(r.tzinfo is not None for r in recorded)


def test_as_of_leaves_out_what_happened_later_and_gives_the_state_on_that_day(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    client.post(f"/api/v1/children/{child['id']}/exit", headers=admin,
                json={"reason": "随父母迁往城市", "on": "2026-06-10"})
    before = history(client, admin, child["id"], as_of="2026-06-09")
    after = history(client, admin, child["id"], as_of="2026-06-10")
    assert (types(before), before["state"]["status"]) == (["ChildRegistered"], "active")
    assert (types(after), after["state"]["status"]) == (
        ["ChildRegistered", "ChildExited"], "exited")


def test_known_at_leaves_out_what_was_recorded_later(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    then = now()
    client.post(f"/api/v1/children/{child['id']}/profile", headers=admin,
                json={"health": "良好", "on": "2026-03-05"})
    assert types(history(client, admin, child["id"], known_at=then)) == ["ChildRegistered"]
    assert types(history(client, admin, child["id"])) == ["ChildRegistered", "ProfileUpdated"]


def test_an_instant_as_of_means_its_date_in_china(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    body = history(client, admin, child["id"], as_of="2026-05-31T20:00:00-05:00")
    assert body["as_of"] == "2026-06-01"  # 09:00 on 1 June in Beijing


def test_an_offset_whose_plus_was_not_encoded_is_still_understood(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}/history"
                          "?known_at=2999-01-01T10:00:00 08:00", headers=admin)
    assert (response.status_code, response.json()["known_at"]) == (
        200, "2999-01-01T10:00:00+08:00")


def test_the_defaults_are_today_and_now(client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    started = datetime.now(UTC)
    body = history(client, admin, child["id"])
    assert body["as_of"] == client.app.state.register.today().isoformat()  # type: ignore[attr-defined]
    assert datetime.fromisoformat(body["known_at"]) >= started


def test_an_auditors_read_of_the_record_appears_on_the_timeline(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    client.get(f"/api/v1/children/{child['id']}", headers=user("auditor"))
    read = history(client, admin, child["id"])["timeline"][-1]
    assert (read["type"], read["actor"]["role"], read["details"]["what"]) == (
        "RecordWasRead", "auditor", "record")


def test_an_auditors_read_of_the_history_is_itself_recorded(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    auditor = user("auditor")
    first = history(client, auditor, child["id"])
    second = history(client, auditor, child["id"])
    assert types(first) == ["ChildRegistered"]  # a read is recorded after it is answered
    assert (types(second), second["timeline"][-1]["details"]["what"]) == (
        ["ChildRegistered", "RecordWasRead"], "history")


def test_a_federation_users_read_of_the_history_is_recorded(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    history(client, user("federation", region_code="4208"), child["id"])
    read = history(client, admin, child["id"])["timeline"][-1]
    assert (read["type"], read["actor"]["role"]) == ("RecordWasRead", "federation")


def test_staff_reads_other_than_federation_are_not_recorded(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    history(client, user("school", school="石牌镇中心小学", region_code="420821101"),
            child["id"])
    assert types(history(client, admin, child["id"])) == ["ChildRegistered"]


@pytest.mark.parametrize("scope", [{"role": "federation", "region_code": "4209"},
                                   {"role": "school", "school": "别的小学",
                                    "region_code": "420821101"}])
def test_a_caller_outside_the_childs_scope_gets_404(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]],
        scope: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}/history", headers=user(**scope))
    assert response.status_code == 404
    assert types(history(client, admin, child["id"])) == ["ChildRegistered"]  # no read recorded


def test_a_volunteer_may_not_read_history_even_of_its_own_child(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert client.get(f"/api/v1/children/{child_id}", headers=mother).status_code == 200
    response = client.get(f"/api/v1/children/{child_id}/history", headers=mother)
    assert response.status_code == 403


def test_known_at_before_the_child_was_registered_is_404_saying_so(
        client: TestClient, admin: dict[str, str]) -> None:
    before = now()
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}/history",
                          params={"known_at": before}, headers=admin)
    assert response.status_code == 404
    assert "was recorded by" in response.json()["detail"]


@pytest.mark.parametrize(("field", "value"), [
    ("as_of", "2999-01-01"),  # in the future
    ("as_of", "2026-05-31T12:00:00"),  # an instant without its offset
    ("as_of", "yesterday"),
    ("known_at", "2026-05-31T12:00:00"),  # an instant without its offset
    ("known_at", "2026-05-31"),  # a date is not an instant
])
def test_a_bad_as_of_or_known_at_is_422_naming_the_field(
        client: TestClient, admin: dict[str, str], field: str, value: str) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.get(f"/api/v1/children/{child['id']}/history", params={field: value},
                          headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["query", field]


def test_the_timeline_pages_with_a_cursor(client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    for day in ("2026-04-02", "2026-04-09", "2026-04-16"):
        contact(client, admin, pairing_id, day)
    known_at = now()
    whole = history(client, admin, child_id, known_at=known_at)
    pages, after = [], None
    while True:
        page = history(client, admin, child_id, known_at=known_at, limit=2,
                       **({"after": after} if after else {}))
        pages.append(page["timeline"])
        after = page["next"]
        if after is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [entry for p in pages for entry in p] == whole["timeline"]
    assert whole["next"] is None


def test_the_timeline_is_empty_before_anything_happened(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    body = history(client, admin, child["id"], as_of=date(2026, 3, 1).isoformat())
    assert (body["timeline"], body["next"], body["state"]["id"]) == ([], None, child["id"])
