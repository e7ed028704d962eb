"""/activities: group activities and aid (集体活动, 慰问) recorded once for every child they
reached, on SQLite and PostgreSQL: who may record them, the refusals, what each reader sees,
the children's timelines and erasure."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, get_args
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.console.labels import summary
from api.schemas.activities import KindOfGroup
from domain.activities import GroupActivityKind
from tests.api.conftest import CHILD, approved_volunteer, create
from workers.reports.generation import Reporting, produce

Headers = dict[str, str]

HELD: dict[str, Any] = {"kind": "festival", "title": "端午节集体活动", "occurred_on": "2026-06-19",
                        "organiser": "石牌镇妇联", "items": 12, "amount_yuan": 600.5}
OTHER_SCHOOL = {"region_code": "420821102", "school": "胡集镇中学"}


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    return client_on_each_store


def a_child(client: TestClient, admin: Headers, **record: Any) -> str:
    return str(create(client, "/api/v1/children", {**CHILD, **record}, admin)["id"])


def record(client: TestClient, headers: Headers, child_ids: list[str], **body: Any) -> Any:
    return client.post("/api/v1/activities", headers=headers,
                       json={**HELD, "child_ids": child_ids, **body})


def test_an_activity_for_three_children_is_recorded_once_with_its_money_to_the_fen(
        client: TestClient, admin: Headers) -> None:
    children = [a_child(client, admin, name=name) for name in ("王小花", "李明", "张强")]
    response = record(client, admin, children)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["version"], body["status"], body["child_ids"]) == (1, "held", children)
    assert (body["kind"], body["items"], body["amount_yuan"]) == ("festival", 12, 600.5)
    assert response.headers["ETag"] == '"1"'
    read = client.get(f"/api/v1/activities/{body['id']}", headers=admin).json()
    assert read == body


def test_federation_staff_and_a_school_record_activities_for_children_in_their_scope(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child = a_child(client, admin)
    staff = user("federation", region_code="4208")
    school = user("school", school=CHILD["school"], region_code="420821101")
    assert [record(client, caller, [child]).status_code for caller in (staff, school)] == [
        201, 201]


@pytest.mark.parametrize("role", ["volunteer", "auditor"])
def test_caring_mothers_and_auditors_do_not_record_activities(
        client: TestClient, admin: Headers, user: Callable[..., Headers], role: str) -> None:
    child = a_child(client, admin)
    scope = {"volunteer_id": approved_volunteer(client, admin)} if role == "volunteer" else {}
    response = record(client, user(role, **scope), [child])
    assert response.status_code == 403, response.text


def test_a_child_outside_the_callers_scope_is_not_found(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    ours, theirs = a_child(client, admin), a_child(client, admin, **OTHER_SCHOOL)
    school = user("school", school=CHILD["school"], region_code="420821101")
    outsider = user("federation", region_code="4209")
    assert record(client, school, [ours, theirs]).status_code == 404
    assert record(client, outsider, [ours]).status_code == 404
    assert client.get("/api/v1/activities", headers=admin).json()["items"] == []


def test_a_child_who_left_the_programme_breaks_the_rule(
        client: TestClient, admin: Headers) -> None:
    child = a_child(client, admin)
    assert client.post(f"/api/v1/children/{child}/exit", headers=admin,
                       json={"reason": "随父母迁出", "on": "2026-07-01"}).status_code == 200
    response = record(client, admin, [a_child(client, admin, name="李明"), child])
    assert response.status_code == 409, response.text
    assert response.json()["rule"] == "child_exited"


def test_an_activity_before_a_child_was_registered_breaks_the_rule(
        client: TestClient, admin: Headers) -> None:
    child = a_child(client, admin, registered_on="2026-07-01")
    response = record(client, admin, [child], occurred_on="2026-06-30")
    assert response.status_code == 409, response.text
    assert response.json()["rule"] == "activity_before_registration"
    assert "建档" in response.json()["detail"]


@pytest.mark.parametrize(("field", "change"), [
    ("child_ids", {"child_ids": []}),
    ("child_ids", "twice"),
    ("occurred_on", {"occurred_on": "2999-01-01"}),
    ("items", {"items": -1}),
    ("amount_yuan", {"amount_yuan": -0.5}),
    ("amount_yuan", {"amount_yuan": 12.345}),
    ("amount_yuan", {"amount_yuan": "1e2"}),
    ("amount_yuan", {"amount_yuan": True}),
    ("kind", {"kind": "teacher_contact"}),
    ("title", {"title": ""}),
])
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_recorded(
        client: TestClient, admin: Headers, field: str, change: Any) -> None:
    child = a_child(client, admin)
    body = {"child_ids": [child, child]} if change == "twice" else change
    response = client.post("/api/v1/activities", headers=admin,
                           json={**HELD, "child_ids": [child], **body})
    assert response.status_code == 422, response.text
    assert field in response.text
    assert client.get("/api/v1/activities", headers=admin).json()["items"] == []


def test_the_documented_kinds_are_those_held_for_a_group() -> None:
    assert set(get_args(KindOfGroup)) == {kind.value for kind in GroupActivityKind}


def test_the_console_sums_up_an_activity_on_a_timeline_in_chinese() -> None:
    assert summary({"activity_id": "a1", "kind": "festival", "title": "端午节集体活动",
                    "organiser": "石牌镇妇联", "children": 2, "items": 12,
                    "amount_yuan": "600.50"}) == (
        "共度节日 · 物品 12 件 · 端午节集体活动（石牌镇妇联，2 名儿童） · 慰问金 600.50 元")


def test_money_may_be_sent_as_a_text_of_yuan_and_fen(client: TestClient, admin: Headers) -> None:
    response = record(client, admin, [a_child(client, admin)], amount_yuan="1500.05")
    assert response.status_code == 201, response.text
    assert response.json()["amount_yuan"] == 1500.05


def test_sent_twice_with_one_idempotency_key_it_is_recorded_once(
        client: TestClient, admin: Headers) -> None:
    child = a_child(client, admin)
    headers = {**admin, "Idempotency-Key": "activity-0001"}
    first, again = record(client, headers, [child]), record(client, headers, [child])
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert len(client.get("/api/v1/activities", headers=admin).json()["items"]) == 1


def test_a_reader_sees_only_the_children_of_an_activity_within_their_scope(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    ours, theirs = a_child(client, admin), a_child(client, admin, **OTHER_SCHOOL)
    activity = record(client, admin, [ours, theirs]).json()["id"]
    school = user("school", school=CHILD["school"], region_code="420821101")
    assert client.get(f"/api/v1/activities/{activity}",
                      headers=school).json()["child_ids"] == [ours]
    listed = client.get("/api/v1/activities", headers=school).json()["items"]
    assert [(a["id"], a["child_ids"], a["children"]) for a in listed] == [
        (activity, [ours], 2)]
    outsider = user("federation", region_code="4209")
    assert client.get(f"/api/v1/activities/{activity}", headers=outsider).status_code == 404
    assert client.get("/api/v1/activities", headers=outsider).json()["items"] == []


def test_activities_are_listed_by_child_and_region(
        client: TestClient, admin: Headers) -> None:
    ours, theirs = a_child(client, admin), a_child(client, admin, **OTHER_SCHOOL)
    both = record(client, admin, [ours, theirs]).json()["id"]
    only_ours = record(client, admin, [ours], kind="material_aid").json()["id"]

    def listed(**query: str) -> list[str]:
        page = client.get("/api/v1/activities", headers=admin, params=query).json()
        return sorted(item["id"] for item in page["items"])

    assert listed(child_id=ours) == sorted([both, only_ours])
    assert listed(child_id=theirs) == [both]
    assert listed(region_code="420821102") == [both]
    assert listed(kind="material_aid") == [only_ours]


def test_every_child_named_sees_the_activity_on_its_timeline_within_both_bounds(
        client: TestClient, admin: Headers) -> None:
    first, second = a_child(client, admin), a_child(client, admin, name="李明")
    before = client.get(f"/api/v1/children/{first}/history", headers=admin).json()
    activity = record(client, admin, [first, second]).json()["id"]

    def entries(child: str, **bounds: str) -> list[dict[str, Any]]:
        history = client.get(f"/api/v1/children/{child}/history", headers=admin,
                             params=bounds).json()
        return [e for e in history["timeline"] if e["type"] == "ActivityRecorded"]

    for child in (first, second):
        (entry,) = entries(child)
        assert (entry["aggregate_id"], entry["occurred_on"]) == (activity, "2026-06-19")
        assert entry["details"]["children"] == 2
        assert entry["details"]["amount_yuan"] == "600.50"
    assert entries(first, as_of="2026-06-18") == []
    assert entries(first, known_at=before["known_at"]) == []


def test_an_erased_child_is_no_longer_read_as_reached_by_the_activity(
        client: TestClient, admin: Headers) -> None:
    kept, erased = a_child(client, admin), a_child(client, admin, name="李明")
    activity = record(client, admin, [kept, erased]).json()["id"]
    response = client.post(f"/api/v1/children/{erased}/erasure", headers=admin,
                           json={"reason": "监护人撤回同意"})
    assert response.status_code == 200, response.text
    assert client.get(f"/api/v1/activities/{activity}",
                      headers=admin).json()["child_ids"] == [kept]
    client.app.state.views.catch_up_all()  # type: ignore[attr-defined]
    listed = client.get("/api/v1/activities", headers=admin,
                        params={"child_id": erased}).json()["items"]
    assert listed == []


def test_an_activity_recorded_in_error_is_cancelled_once(
        client: TestClient, admin: Headers) -> None:
    child = a_child(client, admin)
    activity = record(client, admin, [child]).json()["id"]
    path = f"/api/v1/activities/{activity}/cancellation"
    first = client.post(path, headers=admin, json={"reason": "重复录入"})
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["version"]) == ("cancelled", 2)
    again = client.post(path, headers=admin, json={"reason": "重复录入"})
    assert (again.status_code, again.json()["rule"]) == (409, "activity_cancelled")
    timeline = client.get(f"/api/v1/children/{child}/history", headers=admin).json()["timeline"]
    assert [e["type"] for e in timeline][-2:] == ["ActivityRecorded", "ActivityCancelled"]


def test_the_quarterly_report_counts_the_activity_once_and_each_child_it_reached(
        client: TestClient, admin: Headers) -> None:
    children = [a_child(client, admin, name=name) for name in ("王小花", "李明")]
    record(client, admin, children)  # 19 June: the second quarter
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 2})
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    state: Any = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(report_id))
    report = client.get(f"/api/v1/reports/{report_id}", headers=admin).json()
    totals = report["figures"]["totals"]
    assert (totals["activities"], totals["group_activities"], totals["children_reached"],
            totals["items_given"], totals["aid_yuan"]) == (1, 1, 2, 12, 600.5)
    workbook = client.get(f"/api/v1/reports/{report_id}/files/420821-2026Q2.xlsx",
                          headers=admin).content
    shown = {cell for row in load_workbook(io.BytesIO(workbook)).worksheets[0].values
             for cell in row}
    assert {"发放慰问金（元）", "慰问（走访）儿童（人）", 600.5} <= shown
