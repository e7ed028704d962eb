"""A refusal says in Chinese which rule or field it is (the contract's second part: "Chinese
messages that name the rule"), on each store: a contact on an ended pairing, a review out of
order, a date ahead of today, a kind the programme does not know, and a role that may not."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, VOLUNTEER, create, paired

Headers = dict[str, str]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def test_a_contact_on_an_ended_pairing_is_refused_in_chinese_naming_the_rule(
        client: TestClient, admin: Headers) -> None:
    _, _, pairing_id = paired(client, admin)
    ended = client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin,
                        json={"reason": "孩子随父母迁出", "on": "2026-04-01"})
    assert ended.status_code == 200, ended.text
    refused = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                          json={"kind": "phone", "occurred_on": "2026-04-02", "notes": ""})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "pairing_ended"
    assert "已结束" in refused.json()["detail"]


def test_a_review_out_of_order_is_refused_in_chinese_naming_the_level_due(
        client: TestClient, admin: Headers) -> None:
    volunteer = create(client, "/api/v1/volunteers", VOLUNTEER, admin)
    refused = client.post(f"/api/v1/volunteers/{volunteer['id']}/reviews", headers=admin,
                          json={"level": "city", "decision": "approve", "opinion": "同意",
                                "on": "2026-02-01", "signed_by": "荆门市妇联 陈静"})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "approval_order"
    assert "逐级" in refused.json()["detail"] and "所在单位" in refused.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "phone", "occurred_on": "2099-01-01"}, "occurred_on"),
    ({"kind": "nonsense", "occurred_on": "2026-04-02"}, "kind"),
])
def test_a_contact_with_a_bad_value_is_refused_in_chinese_naming_the_field(
        client: TestClient, admin: Headers, body: dict[str, str], field: str) -> None:
    _, _, pairing_id = paired(client, admin)
    refused = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                          json={**body, "notes": ""})
    assert refused.status_code == 422
    [fault] = refused.json()["detail"]
    assert fault["loc"] == ["body", field]
    assert CHINESE.search(fault["msg"])


def test_a_volunteer_recording_on_a_childs_own_record_is_refused_in_chinese(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    volunteer = user("volunteer", volunteer_id=volunteer_id)
    refused = client.post(f"/api/v1/children/{child_id}/contacts", headers=volunteer,
                          json={"kind": "talk", "occurred_on": "2026-04-02", "notes": ""})
    assert refused.status_code == 403
    assert "爱心妈妈" in refused.json()["detail"]


@pytest.mark.parametrize(("given", "field"), [
    ({"child_ids": "twice"}, "child_ids"),
    ({"amount_yuan": "1.234"}, "amount_yuan"),
])
def test_a_group_activity_with_a_bad_value_is_refused_in_chinese_naming_the_field(
        client: TestClient, admin: Headers, given: dict[str, str], field: str) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    body = {"kind": "festival", "title": "中秋慰问", "occurred_on": "2026-04-02",
            "child_ids": [child_id], "organiser": "石牌镇妇联", "amount_yuan": "200.50"}
    refused = client.post("/api/v1/activities", headers=admin, json={
        **body, **given, "child_ids": [child_id] * (2 if "child_ids" in given else 1)})
    assert refused.status_code == 422
    [fault] = refused.json()["detail"]
    assert fault["loc"] == ["body", field]
    assert CHINESE.search(fault["msg"])


def test_an_idempotency_key_sent_again_with_another_body_is_refused_in_chinese(
        client: TestClient, admin: Headers) -> None:
    key = {**admin, "Idempotency-Key": "concern-2026-04-02-1"}
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    concern = {"kind": "health", "description": "发烧", "occurred_on": "2026-04-02"}
    first = client.post(f"/api/v1/children/{child_id}/concerns", headers=key, json=concern)
    assert first.status_code == 201, first.text
    refused = client.post(f"/api/v1/children/{child_id}/concerns", headers=key,
                          json={**concern, "description": "咳嗽"})
    assert refused.status_code == 422
    assert "Idempotency-Key" in str(refused.json()["detail"])
    assert CHINESE.search(str(refused.json()["detail"]))


def test_a_request_of_the_wrong_shape_is_refused_in_chinese_naming_the_field(
        client: TestClient, admin: Headers) -> None:
    _, _, pairing_id = paired(client, admin)
    refused = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                          json={"kind": "phone", "occurred_on": "2026-04-02", "notes": "",
                                "child_ids": []})
    assert refused.status_code == 422
    (fault,) = refused.json()["detail"]
    assert fault["loc"] == ["body", "child_ids"]
    assert fault["msg"].startswith("至少 1 项")


def test_a_missing_field_is_refused_in_chinese(client: TestClient, admin: Headers) -> None:
    refused = client.post("/api/v1/volunteers", headers=admin,
                          json={key: value for key, value in VOLUNTEER.items() if key != "name"})
    assert refused.status_code == 422
    (fault,) = refused.json()["detail"]
    assert (fault["loc"], fault["msg"][:2]) == (["body", "name"], "必填")


def test_a_list_filter_of_no_allowed_value_is_refused_in_chinese(
        client: TestClient, admin: Headers) -> None:
    refused = client.get("/api/v1/pairings", headers=admin, params={"status": "paused"})
    assert refused.status_code == 422
    (fault,) = refused.json()["detail"]
    assert fault["loc"] == ["query", "status"]
    assert fault["msg"].startswith("须为以下之一") and "active" in fault["msg"]


def test_an_unknown_page_cursor_is_refused_in_chinese(client: TestClient, admin: Headers) -> None:
    _, _, pairing_id = paired(client, admin)
    refused = client.get(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                         params={"after": "nothing"})
    assert refused.status_code == 422
    (fault,) = refused.json()["detail"]
    assert fault["loc"] == ["query", "after"] and CHINESE.search(fault["msg"])
