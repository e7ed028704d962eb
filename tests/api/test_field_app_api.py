"""GET /me/work: a caring mother's or a teacher's own work in one answer, within scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired
from tests.api.test_reminders_api import scanned

Headers = dict[str, str]


def _work(client: TestClient, headers: Headers) -> dict[str, Any]:
    response = client.get("/api/v1/me/work", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_caring_mother_sees_only_the_children_she_is_paired_with(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "李明"}, admin)  # not hers
    work = _work(client, user("volunteer", volunteer_id=volunteer_id))
    assert [(c["id"], c["name"], c["pairing_ids"]) for c in work["children"]] == [
        (child_id, "王小花", [pairing_id])]
    assert [p["id"] for p in work["pairings"]] == [pairing_id]
    assert work["records_on"] == "pairing"


def test_each_child_comes_with_its_duties_in_the_engines_words(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    work = _work(client, user("volunteer", volunteer_id=volunteer_id))
    engine = client.get(f"/api/v1/children/{child_id}/duties", headers=admin).json()["duties"]
    assert [(d["name"], d["status"], d["reason"]) for d in work["children"][0]["duties"]] == [
        (d["name"], d["status"], d["reason"]) for d in engine]
    assert work["children"][0]["duties"]


def test_a_caring_mother_never_reads_the_national_id_nor_the_work_locations(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin, id_number="420821201605200021")
    text = client.get("/api/v1/me/work",
                      headers=user("volunteer", volunteer_id=volunteer_id)).text
    assert "420821201605200021" not in text and "广东省东莞市" not in text
    assert "张桂兰" in text  # the guardian she calls


def test_a_school_sees_its_left_behind_pupils_and_no_other_schools(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    ours = create(client, "/api/v1/children", CHILD, admin)["id"]
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "school": "胡集镇中心小学"},
           admin)
    work = _work(client, user("school", region_code="420821", school=CHILD["school"]))
    assert [c["id"] for c in work["children"]] == [ours]
    assert work["records_on"] == "child" and work["contact_kinds"][0]["code"] == "talk"


def test_the_kinds_of_contact_are_in_chinese(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    kinds = _work(client, user("volunteer", volunteer_id=volunteer_id))["contact_kinds"]
    assert {"code": "home_visit", "title": "家访"} in kinds


def test_staff_and_auditors_have_no_field_work_here(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    for headers in (admin, user("federation", region_code="4208"), user("auditor")):
        assert client.get("/api/v1/me/work", headers=headers).status_code == 403


def test_without_a_token_it_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me/work").status_code == 401


def test_her_open_reminders_are_those_whose_duty_is_still_unmet(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, pairing_id = paired(client, admin)
    scanned(client)
    mother = user("volunteer", volunteer_id=volunteer_id)
    reminded = _work(client, mother)["reminders"]
    assert reminded and {r["pairing_id"] for r in reminded} == {pairing_id}
    duty = reminded[0]["duty"]
    kinds = next(d["kinds"] for s in client.get("/api/v1/duty-sets", headers=admin).json()
                 for d in s["duties"] if d["name"] == duty)
    create(client, f"/api/v1/pairings/{pairing_id}/contacts",
           {"kind": kinds[0], "notes": "补上本期的联系"}, mother)
    assert duty not in {r["duty"] for r in _work(client, mother)["reminders"]}
