"""/children: registration with consent, derived status, dated changes, scope, If-Match."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired


def test_a_registration_returns_201_with_id_version_and_derived_status(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", json=CHILD, headers=admin)
    body = response.json()
    assert (response.status_code, body["version"], body["left_behind"], body["status"]) == (
        201, 1, True, "active")
    assert response.headers["ETag"] == '"1"'


def test_a_registration_without_consent_is_422_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    body = {key: value for key, value in CHILD.items() if key != "consent"}
    response = client.post("/api/v1/children", json=body, headers=admin)
    assert response.status_code == 422
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_an_unknown_field_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", json={**CHILD, "left_behind": False},
                           headers=admin)
    assert response.status_code == 422


def test_a_malformed_division_code_names_the_field(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", json={**CHILD, "region_code": "42"},
                           headers=admin)
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["body", "region_code"])


def test_chinese_text_round_trips(client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    read = client.get(f"/api/v1/children/{child['id']}", headers=admin).json()
    assert (read["name"], read["guardian"]["relation"]) == ("王小花", "grandmother")


def test_a_parent_coming_home_makes_the_child_no_longer_left_behind(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.post(f"/api/v1/children/{child['id']}/parents/mother", headers=admin,
                           json={"status": "home", "reason": "返乡就业", "on": "2026-05-01"})
    assert (response.status_code, response.json()["left_behind"]) == (200, False)
    listed = client.get("/api/v1/children?left_behind=true", headers=admin).json()
    assert listed["items"] == []


def test_a_stale_if_match_is_412_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    path = f"/api/v1/children/{child['id']}/profile"
    assert client.post(path, json={"health": "良好"},
                       headers={**admin, "If-Match": '"1"'}).status_code == 200
    stale = client.post(path, json={"health": "感冒"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(f"/api/v1/children/{child['id']}", headers=admin).json()["version"] == 2


def test_exit_keeps_the_record_with_status_exited(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.post(f"/api/v1/children/{child['id']}/exit", headers=admin,
                           json={"reason": "随父母迁往城市", "on": "2026-06-01"})
    assert (response.status_code, response.json()["status"]) == (200, "exited")
    again = client.post(f"/api/v1/children/{child['id']}/guardian", headers=admin,
                        json={"name": "王秀梅", "relation": "姑姑"})
    assert (again.status_code, again.json()["rule"]) == (409, "child_exited")


def test_a_concern_is_reported_and_resolved(client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    concern = create(client, f"/api/v1/children/{child['id']}/concerns", {
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-05-10"}, admin)
    response = client.post(
        f"/api/v1/children/{child['id']}/concerns/{concern['id']}/resolution", headers=admin,
        json={"action": "家访后已返校", "on": "2026-05-12"})
    (resolved,) = response.json()["concerns"]
    assert (resolved["resolved_on"], resolved["action"]) == ("2026-05-12", "家访后已返校")


def test_federation_staff_see_only_their_region(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    inside, outside = user("federation", region_code="4208"), user("federation",
                                                                  region_code="4209")
    assert client.get(f"/api/v1/children/{child['id']}", headers=inside).status_code == 200
    assert client.get(f"/api/v1/children/{child['id']}", headers=outside).status_code == 404
    assert client.get("/api/v1/children", headers=outside).json()["items"] == []


def test_a_school_sees_its_own_pupils_only(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    own = user("school", school="石牌镇中心小学", region_code="420821101")
    other = user("school", school="别的小学", region_code="420821101")
    assert client.get(f"/api/v1/children/{child['id']}", headers=own).status_code == 200
    assert client.get(f"/api/v1/children/{child['id']}", headers=other).status_code == 404


def test_a_volunteer_sees_only_the_children_it_is_paired_with(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    other = create(client, "/api/v1/children", {**CHILD, "name": "李明"}, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert client.get(f"/api/v1/children/{child_id}", headers=mother).status_code == 200
    assert client.get(f"/api/v1/children/{other['id']}", headers=mother).status_code == 404
    listed = client.get("/api/v1/children", headers=mother).json()["items"]
    assert [item["id"] for item in listed] == [child_id]


def test_an_auditor_reads_but_does_not_register(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    auditor = user("auditor")
    assert client.get(f"/api/v1/children/{child['id']}", headers=auditor).status_code == 200
    assert client.post("/api/v1/children", json=CHILD, headers=auditor).status_code == 403


def test_lists_are_paginated_with_a_cursor(client: TestClient, admin: dict[str, str]) -> None:
    for index in range(5):
        create(client, "/api/v1/children", {**CHILD, "name": f"孩子{index}"}, admin)
    first = client.get("/api/v1/children?limit=3", headers=admin).json()
    second = client.get(f"/api/v1/children?limit=3&after={first['next']}", headers=admin).json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert (len(ids), len(set(ids)), second["next"]) == (5, 5, None)


def test_an_auditors_read_is_itself_recorded(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    auditor = user("auditor")
    register = client.app.state.register  # type: ignore[attr-defined]
    before = register.recorder.max_notification_id()
    client.get(f"/api/v1/children/{child['id']}", headers=auditor)
    (stored,) = register.recorder.select_notifications(start=before, limit=10,
                                                      inclusive_of_start=False)
    read = register.mapper.to_domain_event(stored)
    assert (type(read).__qualname__, str(read.child_id), read.actor.role) == (
        "RecordRead.Read", child["id"], "auditor")
