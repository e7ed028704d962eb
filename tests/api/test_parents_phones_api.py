"""A volunteer who must phone the parents sees their phones (三个一: "每三个月与孩子父母通一次
电话"): when a duty set in force, or one of her pairings with the child, has a duty met by
speaking with the parents (``parent_contact``). Only the phones: never the parents' work
locations nor the child's ID number."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import ADMIN_PASSWORD, CHILD, approved_volunteer, create, login

SECRET = "a-test-signing-key-of-enough-length-0123456789"
ID_NUMBER = "420821201605201230"
PHONES = ["13800000001", "13800000002"]


@pytest.fixture
def serve(make_settings: Callable[..., Any]) -> Iterator[Callable[..., TestClient]]:
    """Start the service with the given duty sets in force (AIXIN_DUTY_SETS)."""
    running: list[TestClient] = []

    def start(*duty_sets: str) -> TestClient:
        settings = make_settings("sqlite", admin_password=ADMIN_PASSWORD, secret_key=SECRET,
                                 projections_poll_interval=0.02, duty_sets=duty_sets)
        client = TestClient(create_app(settings))
        running.append(client.__enter__())
        return client

    yield start
    for client in running:
        client.__exit__(None, None, None)


def volunteers_view(client: TestClient, **pairing: Any) -> tuple[dict[str, Any], str]:
    """A child paired with a volunteer (the pairing's fields as given), read by her account:
    the record she reads and the response's text."""
    admin = login(client, "admin", ADMIN_PASSWORD)
    child_id = create(client, "/api/v1/children", {**CHILD, "id_number": ID_NUMBER}, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10", **pairing}, admin)
    create(client, "/api/v1/users", {"username": "mother", "password": "password-123",
                                     "role": "volunteer", "volunteer_id": volunteer_id}, admin)
    response = client.get(f"/api/v1/children/{child_id}",
                          headers=login(client, "mother", "password-123"))
    assert response.status_code == 200, response.text
    return response.json(), response.text


def test_a_volunteer_under_the_three_ones_sees_the_parents_phones(
        serve: Callable[..., TestClient]) -> None:
    record, _ = volunteers_view(serve("three_ones"))

    assert (record["view"], [p.get("phone") for p in record["parents"]]) == ("volunteer", PHONES)


def test_a_volunteer_who_must_phone_the_parents_still_sees_no_work_location_nor_id_number(
        serve: Callable[..., TestClient]) -> None:
    record, text = volunteers_view(serve("five_ones", "three_ones"))

    assert record["parents"][0] == {"role": "father", "status": "away", "name": "王建国",
                                    "phone": "13800000001"}
    for secret in (ID_NUMBER, "广东省东莞市", "浙江省义乌市"):
        assert secret not in text


def test_a_volunteer_under_the_five_ones_does_not_see_the_parents_phones(
        serve: Callable[..., TestClient]) -> None:
    record, text = volunteers_view(serve("five_ones", "two_visits"))

    assert [sorted(p) for p in record["parents"]] == [["name", "role", "status"]] * 2
    assert not any(phone in text for phone in PHONES)


def test_a_pairing_under_the_three_ones_shows_its_volunteer_the_parents_phones(
        serve: Callable[..., TestClient]) -> None:
    record, _ = volunteers_view(serve("five_ones"), duty_sets=["five_ones", "three_ones"])

    assert [p.get("phone") for p in record["parents"]] == PHONES


def test_the_openapi_document_names_the_parent_a_volunteer_may_phone(
        serve: Callable[..., TestClient]) -> None:
    schemas = serve("five_ones").get("/openapi.json").json()["components"]["schemas"]

    assert "phone" in schemas["ParentToCall"]["properties"]
    assert "work_location" not in schemas["ParentToCall"]["properties"]
