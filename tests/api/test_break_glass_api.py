"""Break-glass access (紧急调阅): federation staff read a child outside their scope only by
stating a reason, for a bounded time; the grant and every read under it are on the child's
timeline, and auditors list every use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import eventsourcing.domain
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BREAK_GLASS_REASON as REASON
from tests.api.conftest import break_glass

Headers = dict[str, str]




def timeline(client: TestClient, child_id: str, admin: Headers) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/children/{child_id}/history", headers=admin)
    assert response.status_code == 200, response.text
    return response.json()["timeline"]  # type: ignore[no-any-return]


def test_outside_its_scope_a_child_does_not_exist_for_federation_staff(
        client: TestClient, child_id: str, outsider: Headers) -> None:
    assert client.get(f"/api/v1/children/{child_id}", headers=outsider).status_code == 404


def test_with_a_stated_reason_federation_staff_read_the_record_and_its_history(
        client: TestClient, child_id: str, outsider: Headers) -> None:
    granted = break_glass(client, child_id, outsider)
    assert granted.status_code == 201, granted.text
    record = client.get(f"/api/v1/children/{child_id}", headers=outsider)
    assert record.status_code == 200, record.text
    assert record.json()["name"] == "王小花"
    history = client.get(f"/api/v1/children/{child_id}/history", headers=outsider)
    assert history.status_code == 200, history.text


def test_the_grant_lasts_the_programmes_bounded_time(
        client: TestClient, child_id: str, outsider: Headers) -> None:
    before = datetime.now(UTC)
    expires_at = datetime.fromisoformat(break_glass(client, child_id, outsider).json()
                                        ["expires_at"])
    assert before + timedelta(minutes=60) <= expires_at <= datetime.now(UTC) + timedelta(
        minutes=60)


def test_after_the_grant_expires_the_child_is_hidden_again(
        client: TestClient, child_id: str, outsider: Headers,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert break_glass(client, child_id, outsider).status_code == 201
    later = datetime.now(UTC) + timedelta(minutes=61)
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: later)
    assert client.get(f"/api/v1/children/{child_id}", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/children/{child_id}/history",
                      headers=outsider).status_code == 404


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "查看"}, {"reason": "    "}])
def test_without_a_reason_of_a_few_characters_nothing_is_granted(
        client: TestClient, child_id: str, outsider: Headers, admin: Headers,
        body: dict[str, str]) -> None:
    response = client.post(f"/api/v1/children/{child_id}/break-glass", json=body,
                           headers=outsider)
    assert response.status_code == 422, response.text
    assert "reason" in response.text
    assert client.get(f"/api/v1/children/{child_id}", headers=outsider).status_code == 404
    assert "BreakGlassGranted" not in [e["type"] for e in timeline(client, child_id, admin)]


@pytest.mark.parametrize(("role", "scope"), [
    ("admin", {}), ("auditor", {}),
    ("school", {"school": "另一所小学", "region_code": "420821101"})])
def test_only_federation_staff_break_the_glass(
        client: TestClient, child_id: str, user: Callable[..., Headers], role: str,
        scope: dict[str, str]) -> None:
    assert break_glass(client, child_id, user(role, **scope)).status_code == 403


def test_a_child_within_scope_needs_no_break_glass(
        client: TestClient, child_id: str, user: Callable[..., Headers]) -> None:
    response = break_glass(client, child_id, user("federation", region_code="4208"))
    assert response.status_code == 409
    assert response.json()["rule"] == "break_glass"


def test_no_break_glass_for_a_child_that_does_not_exist(
        client: TestClient, outsider: Headers) -> None:
    response = break_glass(client, "00000000-0000-4000-8000-000000000000", outsider)
    assert response.status_code == 404


def test_the_grant_and_its_reason_are_on_the_childs_timeline(
        client: TestClient, child_id: str, outsider: Headers, admin: Headers) -> None:
    grant = break_glass(client, child_id, outsider).json()
    entries = [e for e in timeline(client, child_id, admin) if e["type"] == "BreakGlassGranted"]
    assert len(entries) == 1
    assert entries[0]["aggregate_id"] == grant["id"]
    assert entries[0]["actor"]["role"] == "federation"
    assert entries[0]["details"]["reason"] == REASON


def test_reads_under_the_grant_are_recorded_with_its_mark(
        client: TestClient, child_id: str, outsider: Headers, admin: Headers) -> None:
    grant = break_glass(client, child_id, outsider).json()
    client.get(f"/api/v1/children/{child_id}", headers=outsider)
    client.get(f"/api/v1/children/{child_id}/history", headers=outsider)
    reads = [e for e in timeline(client, child_id, admin) if e["type"] == "RecordWasRead"]
    assert [(r["details"]["what"], r["details"].get("break_glass")) for r in reads] == [
        ("record", grant["id"]), ("history", grant["id"])]
    assert all(r["details"]["reason"] == REASON for r in reads)


def test_auditors_list_every_use_with_who_why_and_the_reads_made(
        client: TestClient, child_id: str, outsider: Headers, admin: Headers,
        user: Callable[..., Headers]) -> None:
    grant = break_glass(client, child_id, outsider).json()
    client.get(f"/api/v1/children/{child_id}", headers=outsider)
    today = datetime.now(UTC).date()
    response = client.get("/api/v1/audit/break-glass", headers=user("auditor"), params={
        "from": (today - timedelta(days=1)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat()})
    assert response.status_code == 200, response.text
    [use] = response.json()["items"]
    assert (use["grant_id"], use["child_id"], use["username"], use["reason"], use["reads"]) == (
        grant["id"], child_id, "federation0", REASON, 1)


def test_uses_outside_the_period_are_not_listed(
        client: TestClient, child_id: str, outsider: Headers, admin: Headers) -> None:
    break_glass(client, child_id, outsider)
    response = client.get("/api/v1/audit/break-glass", headers=admin,
                          params={"from": "2020-01-01", "to": "2020-12-31"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_period_that_ends_before_it_starts_is_refused(
        client: TestClient, admin: Headers) -> None:
    response = client.get("/api/v1/audit/break-glass", headers=admin,
                          params={"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "to"]


def test_federation_staff_do_not_list_break_glass_uses(
        client: TestClient, outsider: Headers) -> None:
    assert client.get("/api/v1/audit/break-glass", headers=outsider).status_code == 403


def test_the_years_compliance_audit_lists_the_use_for_auditors(
        client: TestClient, child_id: str, outsider: Headers, user: Callable[..., Headers]) -> None:
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    break_glass(client, child_id, outsider)
    client.get(f"/api/v1/children/{child_id}", headers=outsider)
    response = client.get("/api/v1/audit/compliance", params={"year": year},
                          headers=user("auditor"))
    assert response.status_code == 200, response.text
    audit = response.json()
    assert audit["break_glass"]["items"][0]["reason"] == REASON
    assert [(r["username"], r["break_glass_reads"]) for r in audit["access"]["readers"]] == [
        ("federation0", 1)]
