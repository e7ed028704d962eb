"""A child's national ID number is of the resident ID's shape wherever it is accepted: its
registration and its correction (更正) refuse a number whose check character disagrees with
its digits, in Chinese, naming the field, and record nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create

WRONG = "420821201605200021"  # the check character of 42082120160520002 is 7
RIGHT = "420821201605200027"


def test_a_registration_with_a_mistyped_id_number_is_refused_naming_it(
        client: TestClient, admin: dict[str, str]) -> None:
    refused = client.post("/api/v1/children", headers=admin, json={**CHILD, "id_number": WRONG})

    assert refused.status_code == 422
    fault = refused.json()["detail"][0]
    assert fault["loc"] == ["body", "id_number"] and "校验码" in fault["msg"]
    assert create(client, "/api/v1/children", {**CHILD, "id_number": WRONG[:17] + "7"},
                  admin)["id_number"] == RIGHT  # the same child, its number right


def test_a_correction_to_a_mistyped_id_number_is_refused_naming_the_value(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", {**CHILD, "id_number": ""}, admin)

    refused = client.post(f"/api/v1/children/{child['id']}/corrections", headers=admin, json={
        "field": "id_number", "value": WRONG, "reason": "补录身份证号"})

    assert refused.status_code == 422
    fault = refused.json()["detail"][0]
    assert fault["loc"] == ["body", "value"] and "校验码" in fault["msg"]
    record = client.get(f"/api/v1/children/{child['id']}", headers=admin).json()
    assert record["id_number"] == "" and record["version"] == child["version"]
