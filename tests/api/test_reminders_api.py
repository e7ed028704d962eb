"""/reminders: the reminders issued, each caller seeing their own; the scan on demand.

The scan itself runs in the background workers (tests/workers); here it is run in process on
the service's own register and read side, so the listing can be checked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from tests.api.conftest import ADMIN_PASSWORD, login, paired
from tests.e2e.server import free_port
from workers.reminders.scan import run_scan


def scanned(client: TestClient) -> None:
    """Run a scan for today in process, and let the registers catch up."""
    state: Any = client.app.state  # type: ignore[attr-defined]
    run_scan(state.register, state.views, state.settings, state.register.today())
    state.views.catch_up_all()


def reminders(client: TestClient, headers: dict[str, str], **query: str) -> list[dict]:
    response = client.get("/api/v1/reminders", headers=headers, params=query)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_an_admin_queues_a_scan_and_is_told_it_was_accepted(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/reminders/scan", headers=admin, json={})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and body["id"] and body["on"]


def test_only_an_admin_queues_a_scan(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    staff = user("federation", region_code="420821")
    assert client.post("/api/v1/reminders/scan", headers=staff, json={}).status_code == 403


def test_a_scan_as_of_a_day_still_to_come_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    state: Any = client.app.state  # type: ignore[attr-defined]
    tomorrow = (state.register.today() + timedelta(days=1)).isoformat()
    response = client.post("/api/v1/reminders/scan", headers=admin, json={"on": tomorrow})
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (422, ["body", "on"])


def test_reminders_name_the_duty_its_status_period_and_why(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    scanned(client)
    listed = reminders(client, admin, pairing_id=pairing_id)
    assert {r["duty"] for r in listed} == {
        "monthly_contact", "monthly_parent_call", "monthly_teacher_contact"}
    first = listed[0]
    assert (first["child_ids"], first["volunteer_ids"], first["status"]) == (
        [child_id], [volunteer_id], "overdue")
    assert first["period"] and "逾期" in first["reason"] and first["delivery"] == "pending"
    assert first["escalation"] is not None  # overdue for months


def test_scanning_again_lists_nothing_new(client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    scanned(client)
    scanned(client)
    assert len(reminders(client, admin)) == 3


def test_a_volunteer_sees_only_the_reminders_sent_to_them(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    _, other_volunteer, _ = paired(client, admin)
    scanned(client)
    mother = user("volunteer", volunteer_id=volunteer_id)
    mine = reminders(client, mother)
    assert len(mine) == 3 and {v for r in mine for v in r["volunteer_ids"]} == {volunteer_id}
    assert reminders(client, mother, volunteer_id=other_volunteer) == []


def test_federation_staff_see_the_reminders_of_their_region_only(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    paired(client, admin)
    scanned(client)
    assert len(reminders(client, user("federation", region_code="420821"))) == 3
    assert reminders(client, user("federation", region_code="4209")) == []


def test_reminders_are_filtered_by_status_and_paged(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    scanned(client)
    assert reminders(client, admin, status="due") == []
    assert len(reminders(client, admin, status="overdue")) == 3
    first = client.get("/api/v1/reminders", headers=admin, params={"limit": 2}).json()
    rest = reminders(client, admin, after=first["next"])
    assert len(first["items"]) == 2 and len(rest) == 1


def test_with_the_broker_down_a_scan_is_503_and_contacts_are_still_recorded(
        tmp_path: Path) -> None:
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings = Settings(data_dir=tmp_path / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        redis_url=nobody_listens, projections_poll_interval=0.02)
    with TestClient(create_app(settings)) as client:
        admin = login(client, "admin", ADMIN_PASSWORD)
        _, _, pairing_id = paired(client, admin)
        scan = client.post("/api/v1/reminders/scan", headers=admin, json={})
        contact = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                              json={"kind": "phone", "occurred_on": "2026-04-02"})
    assert (scan.status_code, scan.headers["Retry-After"]) == (503, "30")
    assert "broker is unreachable" in scan.json()["detail"]
    assert contact.status_code == 201


def test_a_reminder_issued_is_on_the_childs_history_recorded_by_the_system(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    scanned(client)
    history = client.get(f"/api/v1/children/{child_id}/history", headers=admin)
    assert history.status_code == 200, history.text
    issued = [e for e in history.json()["timeline"] if e["type"] == "ReminderIssued"]
    assert len(issued) == 3
    assert issued[0]["actor"] == {"id": "system", "role": "system"}
    assert (issued[0]["details"]["pairing_id"], issued[0]["details"]["volunteer_ids"]) == (
        pairing_id, [volunteer_id])
