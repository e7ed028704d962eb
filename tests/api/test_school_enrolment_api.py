"""POST and GET /api/v1/schools/enrolment: a school's pupils term by term (在校学生数),
recorded by the school, the federation of its region or the admin, and listed within scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create

TOWNSHIP, SCHOOL = "420821101", "石牌镇中心小学"
COUNT = {"region_code": TOWNSHIP, "school": SCHOOL, "term": "2026春", "pupils": 848}
PATH = "/api/v1/schools/enrolment"


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """The service on the embedded store and on PostgreSQL."""
    return client_on_each_store


@pytest.fixture(autouse=True)
def places(client: TestClient, admin: dict[str, str]) -> None:
    """The townships where the schools are, named in the register of places."""
    named = client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": TOWNSHIP, "name": "石牌镇"}, {"code": "420902101", "name": "新街镇"},
        {"code": "420881108", "name": "石牌镇"}]})
    assert named.status_code == 200, named.text


def listed(client: TestClient, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = client.get(PATH, params=query, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_school_records_its_own_pupils_and_sees_them_listed(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    school = user("school", school=SCHOOL, region_code=TOWNSHIP)
    response = client.post(PATH, json=COUNT, headers=school)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in ("term", "starts_on", "pupils", "recorded")} == {
        "term": "2026春", "starts_on": "2026-02-01", "pupils": 848, "recorded": True}
    [item] = listed(client, school)
    assert (item["school"], item["term"], item["pupils"], item["earlier"]) == (
        SCHOOL, "2026春", 848, [])


def test_the_same_count_again_is_200_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    first = client.post(PATH, json=COUNT, headers=admin).json()
    again = client.post(PATH, json=COUNT, headers=admin)
    assert (again.status_code, again.json()["recorded"], again.json()["version"]) == (
        200, False, first["version"])


def test_a_correction_without_a_reason_is_409_and_with_one_is_listed_over_the_old_count(
        client: TestClient, admin: dict[str, str]) -> None:
    client.post(PATH, json=COUNT, headers=admin)
    refused = client.post(PATH, json={**COUNT, "pupils": 860}, headers=admin)
    assert refused.status_code == 409
    assert "须说明原因" in refused.text
    fixed = client.post(PATH, json={**COUNT, "pupils": 860, "reason": "漏报插班生"},
                        headers=admin)
    assert fixed.status_code == 201, fixed.text
    [item] = listed(client, admin)
    assert (item["pupils"], item["reason"], [e["pupils"] for e in item["earlier"]]) == (
        860, "漏报插班生", [848])


def test_another_schools_pupils_are_refused_to_a_school(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    school = user("school", school="胡集镇中学", region_code=TOWNSHIP)
    response = client.post(PATH, json=COUNT, headers=school)
    assert response.status_code == 403
    assert "在校学生数由本校" in response.text


def test_federation_staff_list_only_the_schools_of_their_region(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    client.post(PATH, json=COUNT, headers=admin)
    client.post(PATH, json={**COUNT, "region_code": "420902101"}, headers=admin)
    county = user("federation", region_code="420821")
    assert [item["region_code"] for item in listed(client, county)] == [TOWNSHIP]
    assert listed(client, county, region_code="4209") == []


def test_a_caring_mother_neither_records_nor_lists_enrolment(
        client: TestClient, user: Callable[..., dict[str, str]], admin: dict[str, str]) -> None:
    mother = user("volunteer", volunteer_id=approved_volunteer(client, admin))
    assert client.post(PATH, json=COUNT, headers=mother).status_code == 403
    assert client.get(PATH, headers=mother).status_code == 403


def test_a_term_written_wrong_is_422_naming_the_field(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(PATH, json={**COUNT, "term": "2026-02-30"}, headers=admin)
    assert response.status_code == 422
    assert "term" in response.text


def test_a_school_at_a_place_no_register_names_is_422_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    for code in ("999999", "420821199", "420821101299"):
        response = client.post(PATH, json={**COUNT, "region_code": code}, headers=admin)
        assert response.status_code == 422, code
        assert "学校所在地" in response.text and "不在地名登记中" in response.text
        assert response.json()["detail"][0]["loc"] == ["body", "region_code"]
    assert listed(client, admin) == []


def test_a_school_of_a_county_on_the_national_list_is_recorded(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(PATH, json={**COUNT, "region_code": "420881",
                                       "school": "钟祥市实验小学"}, headers=admin)
    assert response.status_code == 201, response.text


def test_a_school_no_child_on_the_register_attends_is_recorded_with_a_warning(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(PATH, json={**COUNT, "region_code": "420881108",
                                       "school": "石牌镇中兴小学"}, headers=admin)
    assert response.status_code == 201, response.text
    warning = response.json()["warning"]
    assert "钟祥市的在册儿童中没有人就读于“石牌镇中兴小学”" in warning
    assert [item["school"] for item in listed(client, admin)] == ["石牌镇中兴小学"]


def test_a_school_a_child_on_the_register_attends_is_recorded_without_a_warning(
        client: TestClient, admin: dict[str, str]) -> None:
    create(client, "/api/v1/children", CHILD, admin)  # 石牌镇中心小学, 420821101
    response = client.post(PATH, json=COUNT, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["warning"] is None
