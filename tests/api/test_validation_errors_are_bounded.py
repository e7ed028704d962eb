"""A 422 names the fields at fault and shows what was given, but never sends a large
request back whole: the value shown is cut to its first 200 characters."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, paired


def test_a_long_text_at_fault_is_shown_cut_with_its_length(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin,  # 900 KB: within the body limit
                           json={**CHILD, "name": "x" * 900_000})
    fault = response.json()["detail"][0]
    assert (response.status_code, fault["loc"]) == (422, ["body", "name"])
    assert (fault["input"], fault["input_length"]) == ("x" * 200 + "…", 900_000)
    assert len(response.content) < 5_000


def test_a_large_object_at_fault_is_shown_as_the_start_of_its_json(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                           json={"occurred_on": "2026-04-02", "notes": "x" * 900_000})
    faults = {tuple(fault["loc"]): fault for fault in response.json()["detail"]}
    assert response.status_code == 422 and ("body", "kind") in faults
    assert faults[("body", "kind")]["input"].startswith('{"occurred_on":"2026-04-02"')
    assert len(response.content) < 5_000


def test_a_short_value_at_fault_is_shown_as_given(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers=admin, json={**CHILD, "sex": "x"})
    fault = response.json()["detail"][0]
    assert (response.status_code, fault["input"], "input_length" in fault) == (422, "x", False)


def test_a_lone_surrogate_at_fault_is_answered_not_a_server_error(
        client: TestClient, admin: dict[str, str]) -> None:
    body = b'{"name": "\\ud800"}'
    response = client.post("/api/v1/volunteers", headers={
        **admin, "Content-Type": "application/json"}, content=body)
    assert response.status_code == 422
    assert ["body", "name"] in [fault["loc"] for fault in response.json()["detail"]]
