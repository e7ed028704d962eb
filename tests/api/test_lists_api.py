"""The lists users expect (结对台账, 情况报告): pairings and concerns, filtered, a page at a
time, each caller seeing only their scope; on each store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create
from tests.waiting import wait_until

Headers = dict[str, str]


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def child_at(client: TestClient, admin: Headers, region_code: str = "420821101",
             school: str = "石牌镇中心小学", **more: Any) -> str:
    return str(create(client, "/api/v1/children",
                      {**CHILD, "region_code": region_code, "school": school, **more},
                      admin)["id"])


def pair(client: TestClient, admin: Headers, child_ids: list[str], volunteer_id: str) -> str:
    return str(create(client, "/api/v1/pairings", {
        "child_ids": child_ids, "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)["id"])


def listed(client: TestClient, path: str, headers: Headers, **params: Any) -> list[str]:
    response = client.get(f"/api/v1/{path}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def two_townships(client: TestClient, admin: Headers) -> dict[str, str]:
    """A pairing in 石牌镇 (420821101) and one in 胡集镇 (420821102), one volunteer each."""
    here, there = child_at(client, admin), child_at(client, admin, "420821102", "胡集镇小学")
    helper_here, helper_there = approved_volunteer(client, admin), approved_volunteer(client, admin)
    return {"here": pair(client, admin, [here], helper_here),
            "there": pair(client, admin, [there], helper_there),
            "child_here": here, "child_there": there,
            "helper_here": helper_here, "helper_there": helper_there}


def test_pairings_are_listed_by_the_region_of_their_children(
        client: TestClient, admin: Headers, two_townships: dict[str, str]) -> None:
    assert listed(client, "pairings", admin, region_code="420821101") == [two_townships["here"]]
    assert sorted(listed(client, "pairings", admin, region_code="420821")) == sorted(
        [two_townships["here"], two_townships["there"]])


def test_pairings_are_listed_by_volunteer_and_by_child(
        client: TestClient, admin: Headers, two_townships: dict[str, str]) -> None:
    assert listed(client, "pairings", admin, volunteer_id=two_townships["helper_there"]) == [
        two_townships["there"]]
    assert listed(client, "pairings", admin, child_id=two_townships["child_here"]) == [
        two_townships["here"]]


def test_an_ended_pairing_is_listed_as_ended_and_not_as_active(
        client: TestClient, admin: Headers, two_townships: dict[str, str]) -> None:
    ended = client.post(f"/api/v1/pairings/{two_townships['there']}/end", headers=admin,
                        json={"reason": "孩子随父母进城就读", "on": "2026-04-01"})
    assert ended.status_code == 200, ended.text
    assert listed(client, "pairings", admin, status="ended") == [two_townships["there"]]
    assert listed(client, "pairings", admin, status="active") == [two_townships["here"]]


def test_a_listed_pairing_has_its_version_and_its_contacts_in_sum(
        client: TestClient, admin: Headers, two_townships: dict[str, str]) -> None:
    pairing_id = two_townships["here"]
    recorded = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin, json={
        "kind": "home_visit", "occurred_on": "2026-03-20", "notes": "家访"})
    assert recorded.status_code == 201, recorded.text

    def item() -> dict[str, Any]:
        response = client.get("/api/v1/pairings", headers=admin, params={
            "child_id": two_townships["child_here"]})
        return response.json()["items"][0]  # type: ignore[no-any-return]

    wait_until(lambda: item()["contacts"] == 1, within=10, what="the contact in the register")
    listed_item = item()
    assert listed_item["version"] == recorded.json()["version"]
    assert listed_item["home_visits"] == 1
    assert listed_item["last_contact_on"] == "2026-03-20"
    assert listed_item["child_ids"] == [two_townships["child_here"]]


def test_federation_staff_list_only_the_pairings_of_their_region(
        client: TestClient, user: Callable[..., Headers], two_townships: dict[str, str]) -> None:
    township = user("federation", region_code="420821101")
    assert listed(client, "pairings", township) == [two_townships["here"]]
    assert listed(client, "pairings", township, region_code="420821102") == []


def test_a_school_lists_the_pairings_of_its_pupils(
        client: TestClient, user: Callable[..., Headers], two_townships: dict[str, str]) -> None:
    school = user("school", region_code="420821102", school="胡集镇小学")
    assert listed(client, "pairings", school) == [two_townships["there"]]


def test_a_caring_mother_lists_only_her_own_pairings(
        client: TestClient, user: Callable[..., Headers], two_townships: dict[str, str]) -> None:
    mother = user("volunteer", volunteer_id=two_townships["helper_here"])
    assert listed(client, "pairings", mother) == [two_townships["here"]]
    assert listed(client, "pairings", mother,
                  volunteer_id=two_townships["helper_there"]) == []


def test_the_pairings_list_goes_a_page_at_a_time(
        client: TestClient, admin: Headers, two_townships: dict[str, str]) -> None:
    first = client.get("/api/v1/pairings", headers=admin, params={"limit": 1}).json()
    second = client.get("/api/v1/pairings", headers=admin,
                        params={"limit": 1, "after": first["next"]}).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {
        two_townships["here"], two_townships["there"]}


def test_a_pairings_status_filter_names_only_active_or_ended(
        client: TestClient, admin: Headers) -> None:
    response = client.get("/api/v1/pairings", headers=admin, params={"status": "paused"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def report(client: TestClient, headers: Headers, child_id: str, kind: str = "absence") -> str:
    response = client.post(f"/api/v1/children/{child_id}/concerns", headers=headers, json={
        "kind": kind, "description": "连续三天未到校", "occurred_on": "2026-04-02"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def resolve(client: TestClient, headers: Headers, child_id: str, concern_id: str) -> None:
    response = client.post(f"/api/v1/children/{child_id}/concerns/{concern_id}/resolution",
                           headers=headers, json={"action": "家访后已返校", "on": "2026-04-03"})
    assert response.status_code == 200, response.text


def concerns(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/concerns", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_concerns_are_listed_open_or_resolved(client: TestClient, admin: Headers) -> None:
    child_id = child_at(client, admin)
    open_one, closed = report(client, admin, child_id), report(client, admin, child_id, "illness")
    resolve(client, admin, child_id, closed)
    assert [c["id"] for c in concerns(client, admin, status="open")] == [open_one]
    (resolved,) = concerns(client, admin, status="resolved")
    assert resolved["id"] == closed
    assert resolved["status"] == "resolved" and resolved["resolved_on"] == "2026-04-03"
    assert resolved["child_id"] == child_id and resolved["kind"] == "illness"


def test_a_listed_concerns_version_is_the_childs_when_it_last_changed(
        client: TestClient, admin: Headers) -> None:
    child_id = child_at(client, admin)
    concern_id = report(client, admin, child_id)
    resolve(client, admin, child_id, concern_id)
    child_version = client.get(f"/api/v1/children/{child_id}", headers=admin).json()["version"]
    (item,) = concerns(client, admin)
    assert item["version"] == child_version


def test_concerns_are_listed_by_region_and_by_child(client: TestClient, admin: Headers) -> None:
    here, there = child_at(client, admin), child_at(client, admin, "420821102", "胡集镇小学")
    concern_here, concern_there = report(client, admin, here), report(client, admin, there)
    assert [c["id"] for c in concerns(client, admin, region_code="420821101")] == [concern_here]
    assert [c["id"] for c in concerns(client, admin, child_id=there)] == [concern_there]


def test_federation_staff_list_only_the_concerns_of_their_region(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    here, there = child_at(client, admin), child_at(client, admin, "420821102", "胡集镇小学")
    concern_here = report(client, admin, here)
    report(client, admin, there)
    township = user("federation", region_code="420821101")
    assert [c["id"] for c in concerns(client, township)] == [concern_here]
    assert concerns(client, township, child_id=there) == []


def test_a_caring_mother_lists_the_concerns_of_her_children_only(
        client: TestClient, admin: Headers, user: Callable[..., Headers],
        two_townships: dict[str, str]) -> None:
    mine = report(client, admin, two_townships["child_here"])
    report(client, admin, two_townships["child_there"])
    mother = user("volunteer", volunteer_id=two_townships["helper_here"])
    assert [c["id"] for c in concerns(client, mother)] == [mine]
