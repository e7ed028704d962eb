"""Dynamic management (动态管理) through the API, on the embedded store and on PostgreSQL: a
change of school (升学、转学), a transfer to another region (迁出), and corrections (更正)
with the record as known before and after each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired

Headers = dict[str, str]
TRANSFER = {"region_code": "420822100", "on": "2026-09-01", "reason": "随祖父母迁往沙洋县"}


@pytest.fixture
def client(client_on_each_store: TestClient) -> Iterator[TestClient]:
    yield client_on_each_store


@pytest.fixture(autouse=True)
def shayang(client: TestClient, admin: Headers) -> None:
    """The township moved to, named in the register of places."""
    named = client.post("/api/v1/places", headers=admin,
                        json={"places": [{"code": "420822100", "name": "沙洋镇"}]})
    assert named.status_code == 200, named.text


def child_path(child_id: str, what: str = "") -> str:
    return f"/api/v1/children/{child_id}" + (f"/{what}" if what else "")


def now() -> str:
    return datetime.now(UTC).isoformat()


def history(client: TestClient, child_id: str, headers: Headers,
            **params: str) -> dict[str, Any]:
    response = client.get(child_path(child_id, "history"), params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def post(client: TestClient, child_id: str, what: str, body: dict[str, Any],
         headers: Headers) -> Any:
    return client.post(child_path(child_id, what), json=body, headers=headers)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# -- schooling (升学、转学) -------------------------------------------------------------------


def test_a_change_of_school_holds_from_its_date_and_the_record_before_keeps_the_old_school(
        client: TestClient, admin: Headers, child_id: str) -> None:
    ok(post(client, child_id, "schooling", {"school": "石牌镇初级中学", "class_name": "七年级一班",
                                            "on": "2026-09-01"}, admin))
    assert ok(client.get(child_path(child_id), headers=admin))["school"] == "石牌镇初级中学"
    before = history(client, child_id, admin, as_of="2026-08-31")["state"]
    assert (before["school"], before["class_name"]) == (CHILD["school"], CHILD["class_name"])
    after = history(client, child_id, admin, as_of="2026-09-01")["state"]
    assert (after["school"], after["class_name"]) == ("石牌镇初级中学", "七年级一班")


def test_the_new_schools_account_sees_the_pupil_and_the_old_ones_no_longer_does(
        client: TestClient, admin: Headers, child_id: str,
        user: Callable[..., Headers]) -> None:
    old = user("school", school=CHILD["school"], region_code="420821")
    new = user("school", school="石牌镇初级中学", region_code="420821")
    assert client.get(child_path(child_id), headers=new).status_code == 404
    ok(post(client, child_id, "schooling", {"school": "石牌镇初级中学", "on": "2026-09-01"}, old))
    assert client.get(child_path(child_id), headers=old).status_code == 404
    assert ok(client.get(child_path(child_id), headers=new))["class_name"] == ""
    listed = ok(client.get("/api/v1/children", headers=new))["items"]
    assert [item["id"] for item in listed] == [child_id]
    assert ok(client.get("/api/v1/children", headers=old))["items"] == []


def test_a_change_of_school_entered_late_takes_its_place_in_the_history(
        client: TestClient, admin: Headers, child_id: str) -> None:
    ok(post(client, child_id, "schooling", {"school": "石牌镇初级中学", "on": "2026-09-01"}, admin))
    late = post(client, child_id, "schooling", {"school": "胡集镇中心小学", "on": "2026-05-01"},
                admin)
    assert ok(late)["school"] == "石牌镇初级中学"  # the latest date's school stays the record's
    assert history(client, child_id, admin, as_of="2026-06-30")["state"]["school"] == (
        "胡集镇中心小学")
    assert history(client, child_id, admin, as_of="2026-04-30")["state"]["school"] == (
        CHILD["school"])
    listed = ok(client.get("/api/v1/children", headers=admin, params={"school": "石牌镇初级中学"}))
    assert [item["id"] for item in listed["items"]] == [child_id]


# -- transfer (迁出) --------------------------------------------------------------------------


def test_after_a_transfer_the_new_region_sees_the_child_with_its_whole_history(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    contact = create(client, f"/api/v1/pairings/{pairing_id}/contacts", {
        "kind": "home_visit", "occurred_on": "2026-04-02", "notes": "家访"}, admin)
    ok(client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin,
                   json={"reason": "儿童随家人迁往沙洋县", "on": "2026-08-30"}))
    create(client, child_path(child_id, "concerns"), {
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-08-20"}, admin)
    old, new = user("federation", region_code="420821"), user("federation", region_code="420822")
    before = now()

    moved = ok(post(client, child_id, "transfer", TRANSFER, old))

    assert moved["region_code"] == "420822100"
    for what in ("", "history", "duties", "contacts"):
        assert client.get(child_path(child_id, what), headers=old).status_code == 404, what
    assert ok(client.get("/api/v1/children", headers=old))["items"] == []
    assert ok(client.get("/api/v1/concerns", headers=old))["items"] == []
    assert ok(client.get("/api/v1/pairings", headers=old))["items"] == []
    assert ok(client.get(child_path(child_id), headers=new))["region_code"] == "420822100"
    seen = history(client, child_id, new)
    assert {"ChildRegistered", "PairingFormed", "ContactRecorded", "PairingEnded",
            "ConcernReported", "ChildTransferred"} <= {e["type"] for e in seen["timeline"]}
    assert contact["id"] in str(seen["timeline"])
    assert [i["id"] for i in ok(client.get("/api/v1/concerns", headers=new))["items"]]
    assert [i["id"] for i in ok(client.get("/api/v1/pairings", headers=new))["items"]] == [
        pairing_id]
    assert history(client, child_id, new, as_of="2026-08-31")["state"]["region_code"] == (
        CHILD["region_code"])
    assert history(client, child_id, new, known_at=before)["state"]["region_code"] == (
        CHILD["region_code"])


def test_a_transfer_to_a_place_not_on_the_register_of_places_is_refused_and_records_nothing(
        client: TestClient, admin: Headers, child_id: str) -> None:
    for code in ("999999", "420822199", "420822100299"):
        response = post(client, child_id, "transfer", {**TRANSFER, "region_code": code}, admin)
        assert response.status_code == 422, code
        assert "迁入地" in response.text and "不在地名登记中" in response.text
        assert "region_code" in response.text
    assert ok(client.get(child_path(child_id), headers=admin))["region_code"] == "420821101"
    assert not [e for e in history(client, child_id, admin)["timeline"]
                if e["type"] == "ChildTransferred"]


def test_a_transfer_to_a_county_on_the_national_list_is_recorded(
        client: TestClient, admin: Headers, child_id: str) -> None:
    moved = ok(post(client, child_id, "transfer", {**TRANSFER, "region_code": "420822"}, admin))
    assert moved["region_code"] == "420822"


def test_a_transfer_names_the_school_there_from_the_same_day(
        client: TestClient, admin: Headers, child_id: str) -> None:
    moved = ok(post(client, child_id, "transfer", {
        **TRANSFER, "school": "沙洋县实验小学", "class_name": "四年级二班"}, admin))
    assert (moved["region_code"], moved["school"], moved["class_name"]) == (
        "420822100", "沙洋县实验小学", "四年级二班")
    before = history(client, child_id, admin, as_of="2026-08-31")["state"]
    assert (before["region_code"], before["school"]) == (CHILD["region_code"], CHILD["school"])
    timeline = history(client, child_id, admin)["timeline"]
    moves = [e for e in timeline if e["type"] in ("ChildTransferred", "SchoolChanged")]
    assert [e["type"] for e in moves] == ["ChildTransferred", "SchoolChanged"]


def test_a_transfer_entered_late_leaves_the_child_where_its_latest_move_took_it(
        client: TestClient, admin: Headers, child_id: str,
        user: Callable[..., Headers]) -> None:
    ok(post(client, child_id, "transfer", TRANSFER, admin))
    late = {**TRANSFER, "region_code": "420821102", "on": "2026-05-01", "reason": "先迁往邻镇"}
    client.post("/api/v1/places", headers=admin,
                json={"places": [{"code": "420821102", "name": "胡集镇"}]})
    assert ok(post(client, child_id, "transfer", late, admin))["region_code"] == "420822100"
    assert history(client, child_id, admin, as_of="2026-06-30")["state"]["region_code"] == (
        "420821102")
    new = user("federation", region_code="420822")
    assert ok(client.get(child_path(child_id), headers=new))["region_code"] == "420822100"
    listed = ok(client.get("/api/v1/children", headers=new))["items"]
    assert [item["id"] for item in listed] == [child_id]


def test_a_child_in_an_active_pairing_is_not_transferred_until_the_pairing_ends(
        client: TestClient, admin: Headers) -> None:
    child_id, _, _ = paired(client, admin)
    response = post(client, child_id, "transfer", TRANSFER, admin)
    assert response.status_code == 409
    assert response.json()["rule"] == "transfer_rule"
    assert "须先解除结对" in response.json()["detail"]
    assert ok(client.get(child_path(child_id), headers=admin))["region_code"] == "420821101"


def test_a_transfer_to_the_region_the_child_lives_in_is_refused(
        client: TestClient, admin: Headers, child_id: str) -> None:
    response = post(client, child_id, "transfer", {**TRANSFER, "region_code": "420821101"},
                    admin)
    assert response.status_code == 409
    assert "迁入地须是另一地区" in response.json()["detail"]


def test_a_transfer_needs_a_division_code_and_a_reason(
        client: TestClient, admin: Headers, child_id: str) -> None:
    assert post(client, child_id, "transfer", {**TRANSFER, "region_code": "4208"},
                admin).status_code == 422
    assert post(client, child_id, "transfer", {**TRANSFER, "reason": ""},
                admin).status_code == 422


def test_a_caring_mother_does_not_transfer_her_child(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert post(client, child_id, "transfer", TRANSFER, mother).status_code == 403


def test_a_transfer_sent_twice_with_one_key_is_recorded_once(
        client: TestClient, admin: Headers, child_id: str) -> None:
    keyed = {**admin, "Idempotency-Key": "transfer-0001"}
    first = ok(client.post(child_path(child_id, "transfer"), json=TRANSFER, headers=keyed))
    again = ok(client.post(child_path(child_id, "transfer"), json=TRANSFER, headers=keyed))
    assert first == again
    moves = [e for e in history(client, child_id, admin)["timeline"]
             if e["type"] == "ChildTransferred"]
    assert len(moves) == 1


# -- corrections (更正) -----------------------------------------------------------------------


def test_a_corrected_name_reads_right_on_every_date_and_as_known_before_the_old_one(
        client: TestClient, admin: Headers, child_id: str) -> None:
    before = now()
    corrected = ok(post(client, child_id, "corrections", {
        "field": "name", "value": "王晓华", "reason": "建档时姓名录入错误"}, admin))
    assert corrected["name"] == "王晓华"
    assert history(client, child_id, admin, as_of="2026-03-02")["state"]["name"] == "王晓华"
    assert history(client, child_id, admin, as_of="2026-03-02",
                   known_at=before)["state"]["name"] == CHILD["name"]
    entry = history(client, child_id, admin)["timeline"][-1]
    assert entry["type"] == "ChildCorrected"


def test_a_corrected_birth_date_follows_the_registrations_rules(
        client: TestClient, admin: Headers, child_id: str) -> None:
    future = post(client, child_id, "corrections", {
        "field": "birth_date", "value": "2099-01-01", "reason": "录入错误"}, admin)
    assert future.status_code == 422
    assert "value" in future.text or "birth_date" in future.text
    adult = post(client, child_id, "corrections", {
        "field": "birth_date", "value": "2008-01-01", "reason": "录入错误"}, admin)
    assert adult.status_code == 422 and "档案只登记未成年人" in adult.text
    assert adult.json()["detail"][0]["loc"] == ["body", "value"]
    assert post(client, child_id, "corrections", {"field": "sex", "value": "boy",
                                                  "reason": "录入错误"}, admin).status_code == 422
    assert post(client, child_id, "corrections", {"field": "name", "value": "王小明",
                                                  "reason": ""}, admin).status_code == 422
    right = ok(post(client, child_id, "corrections", {
        "field": "birth_date", "value": "2015-05-20", "reason": "户口簿为2015年"}, admin))
    assert right["birth_date"] == "2015-05-20"


def test_a_corrected_national_id_number_frees_the_old_one_and_claims_the_new(
        client: TestClient, admin: Headers) -> None:
    first = create(client, "/api/v1/children", {**CHILD, "id_number": "420821201605200027"},
                   admin)["id"]
    other = create(client, "/api/v1/children", {**CHILD, "name": "李明",
                                                "id_number": "420821201601010015"}, admin)["id"]
    taken = post(client, first, "corrections", {"field": "id_number",
                                                "value": "420821201601010015",
                                                "reason": "录入错误"}, admin)
    assert taken.status_code == 409
    assert taken.json()["rule"] == "child_already_registered"
    assert taken.json()["existing_id"] == other
    ok(post(client, first, "corrections", {"field": "id_number",
                                           "value": "420821201605200043",
                                           "reason": "身份证号码录入错误"}, admin))
    create(client, "/api/v1/children", {**CHILD, "name": "张小丽",
                                        "id_number": "420821201605200027"}, admin)
    again = client.post("/api/v1/children", json={**CHILD, "id_number": "420821201605200043"},
                        headers=admin)
    assert again.status_code == 409


def test_a_correction_sent_with_a_stale_version_is_refused_and_records_nothing(
        client: TestClient, admin: Headers, child_id: str) -> None:
    response = client.post(child_path(child_id, "corrections"), json={
        "field": "ethnicity", "value": "土家族", "reason": "录入错误"},
        headers={**admin, "If-Match": '"99"'})
    assert response.status_code == 412
    assert ok(client.get(child_path(child_id), headers=admin))["ethnicity"] == ""


def test_after_an_erasure_no_corrected_value_is_readable(
        client: TestClient, admin: Headers, child_id: str) -> None:
    ok(post(client, child_id, "corrections", {"field": "name", "value": "王晓华",
                                              "reason": "建档时姓名录入错误"}, admin))
    ok(post(client, child_id, "corrections", {"field": "id_number",
                                              "value": "420821201605200043",
                                              "reason": "录入错误"}, admin))
    erased = client.post(child_path(child_id, "erasure"), headers=admin, json={
        "reason": "监护人依法要求删除个人信息"})
    assert erased.status_code == 200, erased.text
    text = client.get(child_path(child_id), headers=admin).text + str(
        history(client, child_id, admin))
    assert "王晓华" not in text and "420821201605200043" not in text
    assert "建档时姓名录入错误" not in text
    create(client, "/api/v1/children", {**CHILD, "id_number": "420821201605200043"}, admin)
