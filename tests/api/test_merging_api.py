"""Two records of one child (重复档案): ``GET /duplicates`` lists likely pairs, and
``POST /children/{id}/merges`` merges one into the other, on SQLite and PostgreSQL, with the
record "as known" before and after the merge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired

Headers = dict[str, str]
#: The same girl keyed in again by her school, without an ID number.
AGAIN: dict[str, Any] = {**CHILD, "class_name": "四年级", "registered_on": "2026-03-09"}
REASON = "同一儿童由学校和乡镇各登记一次"


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    return client_on_each_store


def register(client: TestClient, headers: Headers, **record: Any) -> str:
    return str(create(client, "/api/v1/children", {**CHILD, **record}, headers)["id"])


def merge(client: TestClient, headers: Headers, survivor: str, duplicate: str,
          **extra: Any) -> Any:
    return client.post(f"/api/v1/children/{survivor}/merges", headers=headers,
                       json={"duplicate_id": duplicate, "reason": REASON, **extra})


def timeline(client: TestClient, headers: Headers, child_id: str, **params: Any) -> list[Any]:
    response = client.get(f"/api/v1/children/{child_id}/history", params=params,
                          headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["timeline"]  # type: ignore[no-any-return]


def listed(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/duplicates", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_a_second_record_with_the_same_id_number_is_refused_in_chinese(
        client: TestClient, admin: Headers) -> None:
    first = register(client, admin, id_number="420821201605200027")
    response = client.post("/api/v1/children", headers=admin,
                           json={**AGAIN, "id_number": "420821201605200027"})
    assert response.status_code == 409
    assert response.json()["rule"] == "child_already_registered"
    assert "已" in response.json()["detail"] and response.json()["existing_id"] == first


def test_the_same_name_and_birth_date_in_one_county_are_listed_as_likely_duplicates(
        client: TestClient, admin: Headers) -> None:
    first = register(client, admin)
    second = register(client, admin, **{**AGAIN, "region_code": "420821102", "parents": [],
                                        "guardian": None})
    (pair,) = listed(client, admin)
    assert pair["reason"] == "同名同出生日期"
    assert {child["id"] for child in pair["children"]} == {first, second}
    assert {child["name"] for child in pair["children"]} == {"王小花"}


def test_a_close_name_with_the_guardians_phone_is_listed(
        client: TestClient, admin: Headers) -> None:
    register(client, admin)
    register(client, admin, name="王晓花", birth_date="2016-06-20", parents=[])
    (pair,) = listed(client, admin)
    assert pair["reason"] == "姓名相近且监护人电话相同"


def test_different_children_are_not_listed(client: TestClient, admin: Headers) -> None:
    register(client, admin)
    register(client, admin, name="王小花", birth_date="2016-05-21", parents=[],
             guardian=None)  # another birth date, no phone in common
    register(client, admin, name="李明", parents=[])  # the same guardian, another name
    register(client, admin, region_code="420822101", parents=[],
             guardian=None)  # the same name and birth date, in another county
    assert listed(client, admin) == []


def test_pairs_outside_the_callers_scope_are_not_listed(
        client: TestClient, admin: Headers, user: Any) -> None:
    register(client, admin)
    register(client, admin, **AGAIN)
    assert listed(client, user("federation", region_code="420822")) == []
    assert len(listed(client, user("federation", region_code="420821"))) == 1


def test_a_merge_joins_the_duplicates_history_to_the_survivor_as_known_after_it(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    concern = client.post(f"/api/v1/children/{duplicate}/concerns", headers=admin,
                          json={"kind": "absence", "description": "连续三天未到校",
                                "occurred_on": "2026-05-06"})
    assert concern.status_code == 201, concern.text
    resolved = client.post(
        f"/api/v1/children/{duplicate}/concerns/{concern.json()['id']}/resolution",
        headers=admin, json={"action": "家访后复学", "on": "2026-05-09"})
    assert resolved.status_code == 200, resolved.text
    before = datetime.now(UTC).isoformat()

    response = merge(client, admin, survivor, duplicate)

    assert response.status_code == 200, response.text
    joined = timeline(client, admin, survivor)
    assert {entry["type"] for entry in joined} >= {"ConcernReported", "ConcernResolved",
                                                   "ChildAbsorbed", "ChildMerged"}
    as_known_before = timeline(client, admin, survivor, known_at=before)
    assert [entry["type"] for entry in as_known_before] == ["ChildRegistered"]


def test_the_duplicate_reads_as_exited_into_the_survivor_with_its_etag(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    merged = merge(client, admin, survivor, duplicate)
    assert merged.status_code == 200, merged.text

    response = client.get(f"/api/v1/children/{duplicate}", headers=admin,
                          follow_redirects=False)

    assert response.status_code == 200, response.text
    record = response.json()
    assert (record["id"], record["status"], record["merged_into"]) == (
        duplicate, "exited", survivor)
    assert record["exited_on"] is not None and record["exit_reason"] == REASON
    assert response.headers["etag"] == f'"{record["version"]}"'


def test_a_record_not_merged_has_no_merged_into(client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    assert merge(client, admin, survivor, duplicate).status_code == 200
    kept = client.get(f"/api/v1/children/{survivor}", headers=admin).json()
    assert (kept["status"], kept["merged_into"]) == ("active", None)


def test_the_duplicate_reads_as_it_was_before_the_merge_as_known_before_it(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    before = datetime.now(UTC).isoformat()
    assert merge(client, admin, survivor, duplicate).status_code == 200
    as_it_was = client.get(f"/api/v1/children/{duplicate}/history", headers=admin,
                           params={"known_at": before}).json()["state"]
    assert (as_it_was["status"], as_it_was["merged_into"], as_it_was["class_name"]) == (
        "active", None, "四年级")


def test_a_merged_record_outside_the_callers_scope_is_404(
        client: TestClient, admin: Headers, user: Any) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    assert merge(client, admin, survivor, duplicate).status_code == 200
    outside = client.get(f"/api/v1/children/{duplicate}",
                         headers=user("federation", region_code="420822"))
    inside = client.get(f"/api/v1/children/{duplicate}",
                        headers=user("federation", region_code="420821"))
    assert (outside.status_code, inside.status_code) == (404, 200)
    assert inside.json()["merged_into"] == survivor


def test_the_duplicate_leaves_the_register_the_list_and_the_count(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    assert merge(client, admin, survivor, duplicate).status_code == 200
    active = client.get("/api/v1/children", params={"status": "active"},
                        headers=admin).json()["items"]
    assert [child["id"] for child in active] == [survivor]
    assert listed(client, admin) == []


def test_a_merge_sent_twice_is_recorded_once(client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    keyed = {**admin, "Idempotency-Key": "merge-once-0001"}
    first = merge(client, keyed, survivor, duplicate)
    again = merge(client, keyed, survivor, duplicate)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["version"] == first.json()["version"]
    absorbed = [entry for entry in timeline(client, admin, survivor)
                if entry["type"] == "ChildAbsorbed"]
    assert len(absorbed) == 1


def test_records_with_different_id_numbers_are_not_merged(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin, id_number="420821201605200027")
    duplicate = register(client, admin, **AGAIN, id_number="420821201605200043")
    response = merge(client, admin, survivor, duplicate)
    assert response.status_code == 409
    assert response.json()["rule"] == "merge_refused"
    assert "身份证号码不同" in response.json()["detail"]


def test_a_duplicate_still_paired_is_not_merged_until_its_pairing_ends(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate, _, _ = paired(client, admin, **AGAIN)
    response = merge(client, admin, survivor, duplicate)
    assert response.status_code == 409
    assert "请先结束其结对" in response.json()["detail"]


def test_a_record_already_merged_is_not_merged_again(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    assert merge(client, admin, survivor, duplicate).status_code == 200
    response = merge(client, admin, survivor, duplicate)
    assert response.status_code == 409
    assert "已于" in response.json()["detail"] and "并入" in response.json()["detail"]


def test_a_record_is_not_merged_into_itself(client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    response = merge(client, admin, survivor, survivor)
    assert (response.status_code, response.json()["rule"]) == (409, "merge_refused")


def test_a_record_outside_the_callers_scope_is_404(
        client: TestClient, admin: Headers, user: Any) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **{**AGAIN, "region_code": "420822101"})
    response = merge(client, user("federation", region_code="420821"), survivor, duplicate)
    assert response.status_code == 404


def test_the_survivor_without_an_id_number_takes_the_duplicates(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN, id_number="420821201605200027")
    assert merge(client, admin, survivor, duplicate).status_code == 200
    kept = client.get(f"/api/v1/children/{survivor}", headers=admin).json()
    assert kept["id_number"] == "420821201605200027"
    again = client.post("/api/v1/children", headers=admin,
                        json={**AGAIN, "id_number": "420821201605200027"})
    assert (again.status_code, again.json().get("existing_id")) == (409, survivor)


def test_a_pair_told_apart_is_not_listed_again_and_shows_on_both_timelines(
        client: TestClient, admin: Headers) -> None:
    first = register(client, admin)
    twin = register(client, admin, name="王晓花", parents=[])
    response = client.post(f"/api/v1/children/{first}/distinctions", headers=admin,
                           json={"other_id": twin, "reason": "双胞胎姐妹"})
    assert response.status_code == 201, response.text
    assert listed(client, admin) == []
    for child_id in (first, twin):
        assert "ChildrenToldApart" in {entry["type"] for entry in
                                       timeline(client, admin, child_id)}
    again = client.post(f"/api/v1/children/{twin}/distinctions", headers=admin,
                        json={"other_id": first, "reason": "双胞胎姐妹"})
    assert (again.status_code, again.json()["rule"]) == (409, "merge_refused")


def test_a_merge_at_a_version_of_the_survivor_read_before_a_change_is_412(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    read = client.get(f"/api/v1/children/{survivor}", headers=admin).headers["etag"]
    changed = client.post(f"/api/v1/children/{survivor}/categories", headers=admin,
                          json={"categories": ["poor_family"]})
    assert changed.status_code == 200, changed.text
    response = merge(client, {**admin, "If-Match": read}, survivor, duplicate)
    assert response.status_code == 412
    assert listed(client, admin) != []  # nothing recorded


def test_a_duplicate_with_an_open_concern_is_not_merged_until_it_is_resolved(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    concern = client.post(f"/api/v1/children/{duplicate}/concerns", headers=admin,
                          json={"kind": "absence", "description": "连续三天未到校"})
    assert concern.status_code == 201, concern.text
    response = merge(client, admin, survivor, duplicate)
    assert response.status_code == 409
    assert "请先办结" in response.json()["detail"]
