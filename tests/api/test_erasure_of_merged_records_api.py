"""The erasure of a child's personal data (个人信息删除) reaches the records merged into it
(重复档案): they were the same child's, so after ``POST /children/{kept}/erasure`` nothing
personal of a merged duplicate is readable anywhere, on the embedded store and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.personal import ERASED
from tests.api.conftest import CHILD, create

Headers = dict[str, str]
ERASURE = {"reason": "监护人撤回同意，依法删除"}
MERGE_REASON = "王晓花由学校和乡镇各登记一次"
ID_NUMBER = "420821201605200027"
#: The same girl keyed in again by her school, with her ID number and the words of her school.
DUPLICATE: dict[str, Any] = {
    **CHILD, "name": "王晓花", "id_number": ID_NUMBER, "class_name": "四年级",
    "registered_on": "2026-03-09",
    "parents": [{"role": "father", "name": "王建军", "phone": "13800000071",
                 "work_location": "广东省东莞市", "status": "away"}],
    "guardian": {"name": "张桂芝", "relation": "祖母", "age": 68, "health": "良好",
                 "education": "小学", "phone": "13900000073"},
    "consent": {"by": "王建军", "relation": "父亲", "on": "2026-03-08", "method": "书面签字"},
}
#: What only the duplicate's record held.
SECRETS = ("王晓花", ID_NUMBER, "王建军", "13800000071", "张桂芝", "13900000073")


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    return client_on_each_store


def register(client: TestClient, headers: Headers, record: dict[str, Any]) -> str:
    return str(create(client, "/api/v1/children", record, headers)["id"])


def merge(client: TestClient, headers: Headers, kept: str, duplicate: str) -> None:
    response = client.post(f"/api/v1/children/{kept}/merges", headers=headers,
                           json={"duplicate_id": duplicate, "reason": MERGE_REASON})
    assert response.status_code == 200, response.text


def erase(client: TestClient, headers: Headers, child_id: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/children/{child_id}/erasure", json=ERASURE,
                           headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def history(client: TestClient, headers: Headers, child_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/children/{child_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def merged_pair(client: TestClient, admin: Headers) -> tuple[str, str]:
    """The record kept and its duplicate, merged: the duplicate with a concern reported and
    resolved and a category changed, each in words naming the child."""
    kept = register(client, admin, CHILD)
    duplicate = register(client, admin, DUPLICATE)
    concern = client.post(f"/api/v1/children/{duplicate}/concerns", headers=admin, json={
        "kind": "absence", "description": "王晓花连续三天未到校", "occurred_on": "2026-05-06"})
    assert concern.status_code == 201, concern.text
    resolved = client.post(
        f"/api/v1/children/{duplicate}/concerns/{concern.json()['id']}/resolution",
        headers=admin, json={"action": "家访后王晓花复学", "on": "2026-05-09"})
    assert resolved.status_code == 200, resolved.text
    categories = client.post(f"/api/v1/children/{duplicate}/categories", headers=admin,
                             json={"categories": ["poor_family"], "reason": "王晓花家庭困难"})
    assert categories.status_code == 200, categories.text
    merge(client, admin, kept, duplicate)
    return kept, duplicate


def test_erasing_the_kept_record_erases_the_duplicates_record_as_it_now_reads(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged_pair(client, admin)

    erase(client, admin, kept)

    state = history(client, admin, duplicate)["state"]
    assert state["name"] == state["id_number"] == ERASED
    assert state["guardian"]["name"] == state["guardian"]["phone"] == ERASED
    assert {(p["name"], p["phone"]) for p in state["parents"]} == {(ERASED, ERASED)}
    assert state["consent"]["by"] == ERASED


def test_after_the_erasure_no_answer_shows_anything_personal_of_the_duplicate(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged_pair(client, admin)

    erase(client, admin, kept)

    answers = [
        client.get(f"/api/v1/children/{duplicate}", headers=admin, follow_redirects=False),
        client.get(f"/api/v1/children/{duplicate}/history", headers=admin),
        client.get(f"/api/v1/children/{kept}/history", headers=admin),
        client.get("/api/v1/children", headers=admin),
        client.get("/api/v1/children", params={"status": "merged"}, headers=admin),
        client.get("/api/v1/duplicates", headers=admin),
    ]
    for answer in answers:
        assert answer.status_code in (200, 301), answer.text
        assert not [secret for secret in SECRETS if secret in answer.text], answer.url


def test_the_duplicates_reasons_on_both_timelines_read_as_erased(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged_pair(client, admin)

    erase(client, admin, kept)

    for child_id in (kept, duplicate):
        reasons = {entry["type"]: entry["details"]["reason"]
                   for entry in history(client, admin, child_id)["timeline"]
                   if entry["details"].get("reason") and entry["type"] != "ChildErased"}
        assert reasons["ChildMerged"] == reasons["CategoriesChanged"] == ERASED
    erasures = [entry for entry in history(client, admin, duplicate)["timeline"]
                if entry["type"] == "ChildErased" and entry["aggregate_id"] == duplicate]
    assert [entry["details"]["reason"] for entry in erasures] == [ERASURE["reason"]]


def test_the_duplicates_national_id_number_no_longer_leads_to_it(
        client: TestClient, admin: Headers) -> None:
    kept, _ = merged_pair(client, admin)

    erase(client, admin, kept)

    register_of_record = client.app.state.register  # type: ignore[attr-defined]
    index = register_of_record.national_id_index(ID_NUMBER)
    holders = [claim.holder_id for claim in register_of_record._claims(index)]
    assert holders == [None, None]  # the duplicate's tenure, then the kept record's
    again = client.post("/api/v1/children", headers=admin,
                        json={**DUPLICATE, "registered_on": "2026-06-01"})
    assert again.status_code == 201, again.text


def test_a_replayed_registration_of_the_duplicate_no_longer_shows_its_data(
        client: TestClient, admin: Headers) -> None:
    kept = register(client, admin, CHILD)
    keyed = {**admin, "Idempotency-Key": "register-the-duplicate"}
    duplicate = register(client, keyed, DUPLICATE)
    merge(client, admin, kept, duplicate)

    erase(client, admin, kept)

    replay = client.post("/api/v1/children", json=DUPLICATE, headers=keyed)
    assert (replay.status_code, replay.json()["id"]) == (201, duplicate)
    assert not [secret for secret in SECRETS if secret in replay.text]


def test_the_erasure_reaches_a_record_merged_into_a_record_merged_in_turn(
        client: TestClient, admin: Headers) -> None:
    kept = register(client, admin, CHILD)
    middle = register(client, admin, {**CHILD, "class_name": "四年级三班"})
    first = register(client, admin, DUPLICATE)
    merge(client, admin, middle, first)
    merge(client, admin, kept, middle)

    erase(client, admin, kept)

    for child_id in (middle, first):
        assert history(client, admin, child_id)["state"]["name"] == ERASED


def test_erasing_again_records_nothing_more_on_any_of_the_records(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged_pair(client, admin)
    first = erase(client, admin, kept)
    erased_duplicate = history(client, admin, duplicate)["state"]["version"]

    again = erase(client, admin, kept)

    assert (first["recorded"], again["recorded"]) == (True, False)
    assert again["version"] == first["version"]
    assert history(client, admin, duplicate)["state"]["version"] == erased_duplicate
    erasures = [entry for entry in history(client, admin, duplicate)["timeline"]
                if entry["type"] == "ChildErased" and entry["aggregate_id"] == duplicate]
    assert len(erasures) == 1


def test_erasing_the_duplicate_leaves_the_kept_record_as_it_was(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged_pair(client, admin)

    erase(client, admin, duplicate)

    assert history(client, admin, kept)["state"]["name"] == CHILD["name"]
