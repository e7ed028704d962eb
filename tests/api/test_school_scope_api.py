"""A school account's scope is its school where it is: school names repeat from county to
county (every township has its 中心小学), so the name alone opens nothing elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create
from tests.api.test_console import console_login, console_user

Headers = dict[str, str]
SHIPAI = "420821101"  # 石牌镇, 钟祥市
ELSEWHERE = "420822101"  # a township of 沙洋县, whose school has the same name


@pytest.fixture
def school(user: Callable[..., Headers]) -> Headers:
    return user("school", school=CHILD["school"], region_code=SHIPAI)


def test_a_school_reads_its_own_pupil(client: TestClient, admin: Headers,
                                      school: Headers) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    assert client.get(f"/api/v1/children/{child['id']}", headers=school).status_code == 200


def test_a_pupil_of_a_same_named_school_in_another_county_does_not_exist_for_it(
        client: TestClient, admin: Headers, school: Headers) -> None:
    child = create(client, "/api/v1/children", {**CHILD, "region_code": ELSEWHERE}, admin)
    for path in ("", "/history"):
        response = client.get(f"/api/v1/children/{child['id']}{path}", headers=school)
        assert response.status_code == 404, path


def test_a_school_changes_no_record_of_a_same_named_school_elsewhere(
        client: TestClient, admin: Headers, school: Headers) -> None:
    child = create(client, "/api/v1/children", {**CHILD, "region_code": ELSEWHERE}, admin)
    response = client.post(f"/api/v1/children/{child['id']}/profile", headers=school,
                           json={"health": "良好"})
    assert response.status_code == 404


def test_a_school_registers_no_child_outside_its_region(
        client: TestClient, school: Headers) -> None:
    beijing = client.post("/api/v1/children", headers=school,
                          json={**CHILD, "region_code": "110101001"})
    assert beijing.status_code == 403
    assert client.post("/api/v1/children", json=CHILD, headers=school).status_code == 201


def test_a_schools_list_holds_its_own_pupils_only(
        client: TestClient, admin: Headers, school: Headers) -> None:
    own = create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "region_code": ELSEWHERE},
           admin)
    for query in ("", f"?school={CHILD['school']}", "?region_code=42"):
        listed = client.get(f"/api/v1/children{query}", headers=school).json()["items"]
        assert [item["id"] for item in listed] == ([own["id"]] if query != "?region_code=42"
                                                   else []), query
    elsewhere = client.get(f"/api/v1/children?region_code={ELSEWHERE}", headers=school)
    assert elsewhere.json()["items"] == []


def test_a_school_account_is_refused_without_the_place_of_its_school(
        client: TestClient, admin: Headers) -> None:
    response = client.post("/api/v1/users", headers=admin, json={
        "username": "teacher-no-region", "password": "password-123", "role": "school",
        "school": CHILD["school"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "region_code"]


def test_a_school_account_names_a_division_code_not_a_prefix(
        client: TestClient, admin: Headers) -> None:
    response = client.post("/api/v1/users", headers=admin, json={
        "username": "teacher-province", "password": "password-123", "role": "school",
        "school": CHILD["school"], "region_code": "42"})
    assert response.status_code == 422


def test_an_account_given_a_school_scope_must_name_its_place(
        client: TestClient, admin: Headers) -> None:
    account = create(client, "/api/v1/users", {"username": "to-be-teacher",
                                               "password": "password-123", "role": "auditor"},
                     admin)
    response = client.post(f"/api/v1/users/{account['id']}/scope", headers=admin,
                           json={"role": "school", "school": CHILD["school"]})
    assert response.status_code == 422


def test_the_consoles_search_holds_the_schools_own_pupils_only(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "region_code": ELSEWHERE},
           admin)
    console_login(client, console_user(client, admin, "school", school=CHILD["school"],
                                       region_code=SHIPAI), "password-123")
    page = client.get("/console/children").text
    assert "王小花" in page and "李明" not in page
