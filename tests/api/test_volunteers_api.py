"""/volunteers: the registration form, reviews level by level, and what follows."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.conftest import SIGNERS, VOLUNTEER, approved_volunteer, create


def review(client: TestClient, headers: dict[str, str], volunteer_id: str, level: str,
           decision: str = "approve", **signed: str) -> dict:
    response = client.post(f"/api/v1/volunteers/{volunteer_id}/reviews", headers=headers,
                           json={"level": level, "decision": decision, "opinion": "意见",
                                 **signed})
    return {**response.json(), "http": response.status_code}


def test_four_approvals_in_order_approve_the_volunteer(
        client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)
    body = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()
    assert (body["status"], body["level_reached"], body["version"]) == ("approved", "province", 5)
    assert [r["level"] for r in body["reviews"]] == ["unit", "county", "city", "province"]


def test_a_skipped_level_is_409_naming_the_order(
        client: TestClient, admin: dict[str, str]) -> None:
    volunteer = create(client, "/api/v1/volunteers", VOLUNTEER, admin)
    result = review(client, admin, volunteer["id"], "county", signed_by=SIGNERS["county"])
    assert (result["http"], result["rule"]) == (409, "approval_order")


def test_a_rejection_ends_the_application(client: TestClient, admin: dict[str, str]) -> None:
    volunteer = create(client, "/api/v1/volunteers", VOLUNTEER, admin)
    assert review(client, admin, volunteer["id"], "unit", "reject",
                  signed_by=SIGNERS["unit"])["http"] == 200
    assert review(client, admin, volunteer["id"], "county",
                  signed_by=SIGNERS["county"])["http"] == 409
    listed = client.get("/api/v1/volunteers?status=rejected", headers=admin).json()["items"]
    assert [item["id"] for item in listed] == [volunteer["id"]]


def test_disqualification_needs_a_reason(client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)
    path = f"/api/v1/volunteers/{volunteer_id}/disqualification"
    assert client.post(path, json={"reason": ""}, headers=admin).status_code == 422
    response = client.post(path, json={"reason": "半年未履行帮扶职责"}, headers=admin)
    assert (response.status_code, response.json()["status"]) == (200, "disqualified")


def test_suspension_and_reinstatement(client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)
    base = f"/api/v1/volunteers/{volunteer_id}"
    assert client.post(f"{base}/suspension", json={"reason": "外出"},
                       headers=admin).json()["status"] == "suspended"
    assert client.post(f"{base}/reinstatement", json={"reason": "返回"},
                       headers=admin).json()["status"] == "approved"


def test_commendations_are_listed(client: TestClient, admin: dict[str, str]) -> None:
    volunteer_id = approved_volunteer(client, admin)
    response = client.post(f"/api/v1/volunteers/{volunteer_id}/commendations", headers=admin,
                           json={"reason": "优秀爱心妈妈", "on": "2026-06-01"})
    assert response.json()["commendations"] == [{"reason": "优秀爱心妈妈", "on": "2026-06-01"}]


def test_federation_staff_review_only_in_their_region(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    volunteer = create(client, "/api/v1/volunteers", VOLUNTEER, admin)
    outside = user("federation", region_code="4209")
    assert review(client, outside, volunteer["id"], "unit")["http"] == 404
    inside = user("federation", region_code="420821")
    assert review(client, inside, volunteer["id"], "unit")["http"] == 200


def test_volunteers_are_listed_by_status_within_the_region(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    approved_volunteer(client, admin)
    create(client, "/api/v1/volunteers", {**VOLUNTEER, "region_code": "420900"}, admin)
    federation = user("federation", region_code="4208")
    listed = client.get("/api/v1/volunteers?status=approved", headers=federation).json()
    assert [item["region_code"] for item in listed["items"]] == ["420821"]
