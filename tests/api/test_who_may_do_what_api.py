"""Who may do what (the contract's second part), over HTTP on each store: reviews at the
reviewer's level, pairings not before approval or registration, one national ID once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER, approved_volunteer, create
from tests.waiting import wait_until

Headers = dict[str, str]
TOWNSHIP = "420821101"  # 石牌镇, in 钟祥市 (420821)
ID_NUMBER = "42082120160520022X"


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def review(client: TestClient, headers: Headers, volunteer_id: str, level: str,
           **extra: Any) -> Any:
    return client.post(f"/api/v1/volunteers/{volunteer_id}/reviews", headers=headers,
                       json={"level": level, "decision": "approve", "opinion": "同意",
                             "on": "2026-02-01", **extra})


def pair(client: TestClient, headers: Headers, child_id: str, volunteer_id: str,
         starts_on: str) -> Any:
    return client.post("/api/v1/pairings", headers=headers, json={
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": starts_on, "starts_on": starts_on})


# -- reviews at the reviewer's level -----------------------------------------------------


def test_a_township_federation_user_cannot_give_the_county_opinion(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = create(client, "/api/v1/volunteers",
                          {**VOLUNTEER, "region_code": TOWNSHIP}, admin)["id"]
    township = user("federation", region_code=TOWNSHIP)
    assert review(client, township, volunteer_id, "unit").status_code == 200
    refused = review(client, township, volunteer_id, "county")
    assert refused.status_code == 403
    assert "县妇联意见由辖区包含该志愿者的县级妇联工作人员签署" in refused.json()["detail"]


def test_an_admin_keying_in_a_paper_form_names_who_signed_it(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = create(client, "/api/v1/volunteers", VOLUNTEER, admin)["id"]
    refused = review(client, admin, volunteer_id, "unit")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "signed_by"]
    assert review(client, admin, volunteer_id, "unit",
                  signed_by=SIGNERS["unit"]).status_code == 200


def test_a_volunteer_gives_no_opinion_even_on_her_own_form(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = create(client, "/api/v1/volunteers", VOLUNTEER, admin)["id"]
    herself = user("volunteer", volunteer_id=volunteer_id)
    refused = review(client, herself, volunteer_id, "unit")
    assert refused.status_code == 403 and "所在单位意见" in refused.json()["detail"]


# -- pairings start after approval and registration --------------------------------------


def test_a_pairing_cannot_start_before_its_volunteer_was_approved(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", {**CHILD, "registered_on": "2026-01-10"},
                      admin)["id"]
    volunteer_id = approved_volunteer(client, admin)  # approved on 2026-02-01
    refused = pair(client, admin, child_id, volunteer_id, "2026-01-20")
    assert (refused.status_code, refused.json()["rule"]) == (409, "pairing_before_approval")
    assert refused.json()["detail"] == (
        f"结对不能早于志愿者获批准之日：志愿者 {volunteer_id} 于 2026-02-01 获批准，"
        "结对开始日期 2026-01-20 早于此日")
    assert pair(client, admin, child_id, volunteer_id, "2026-02-01").status_code == 201


def test_a_pairing_cannot_start_before_its_child_was_registered(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]  # on 2026-03-02
    volunteer_id = approved_volunteer(client, admin)
    refused = pair(client, admin, child_id, volunteer_id, "2026-02-20")
    assert (refused.status_code, refused.json()["rule"]) == (409,
                                                             "pairing_before_registration")
    assert f"儿童 {child_id} 于 2026-03-02 建档" in refused.json()["detail"]


# -- one national ID number once -----------------------------------------------------------


def test_a_national_id_already_on_the_register_is_409_naming_the_child_to_who_may_see_it(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    first = create(client, "/api/v1/children", {**CHILD, "id_number": ID_NUMBER}, admin)
    county = user("federation", region_code="420821")
    refused = client.post("/api/v1/children", headers=county,
                          json={**CHILD, "name": "王晓花", "id_number": ID_NUMBER.lower()})
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "child_already_registered"
    assert "已在册" in refused.json()["detail"]
    assert refused.json()["existing_id"] == first["id"]


def test_existing_id_is_not_given_to_a_caller_who_may_not_see_that_child(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    create(client, "/api/v1/children", {**CHILD, "id_number": ID_NUMBER}, admin)
    elsewhere = user("federation", region_code="420822")
    refused = client.post("/api/v1/children", headers=elsewhere, json={
        **CHILD, "region_code": "420822101", "id_number": ID_NUMBER})
    assert refused.status_code == 409, refused.text
    assert "existing_id" not in refused.json()
    assert "已在册" in refused.json()["detail"]


def test_an_exited_childs_national_id_can_be_registered_again(
        client: TestClient, admin: Headers) -> None:
    first = create(client, "/api/v1/children", {**CHILD, "id_number": ID_NUMBER}, admin)
    exited = client.post(f"/api/v1/children/{first['id']}/exit", headers=admin,
                         json={"reason": "随父母迁出", "on": "2026-04-01"})
    assert exited.status_code == 200, exited.text
    again = client.post("/api/v1/children", headers=admin, json={
        **CHILD, "id_number": ID_NUMBER, "registered_on": "2026-05-06"})
    assert again.status_code == 201, again.text


def test_a_refused_registration_lists_no_second_child(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", {**CHILD, "id_number": ID_NUMBER}, admin)
    assert client.post("/api/v1/children", headers=admin,
                       json={**CHILD, "id_number": ID_NUMBER}).status_code == 409
    create(client, "/api/v1/children", CHILD, admin)  # a child without a number: listed after

    def listed() -> list[Any]:
        return client.get("/api/v1/children", headers=admin).json()["items"]  # type: ignore[no-any-return]

    wait_until(lambda: len(listed()) >= 2, within=10, what="the children listed")
    assert len(listed()) == 2
