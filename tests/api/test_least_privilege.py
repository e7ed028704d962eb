"""Least privilege in responses (最小必要): every role reads the same child, each sees only
what its work needs. A caring mother (volunteer) gets the ``volunteer`` view: the child, its
school, home and guardian's phone, the parents' names and whether they are away; never the
ID number, the parents' phones or work locations, the family's income or the consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, paired

Headers = dict[str, str]
ID_NUMBER = "420821201605201230"
HIDDEN_FROM_VOLUNTEERS = ("id_number", "ethnicity", "income_source", "consent", "concerns",
                          "exit_reason", "registered_on")


@pytest.fixture
def child_and_readers(client: TestClient, admin: Headers,
                      user: Callable[..., Headers]) -> tuple[str, dict[str, Headers]]:
    """One child, paired with a volunteer, and a reader in every role who may read it."""
    child_id, volunteer_id, _ = paired(client, admin, id_number=ID_NUMBER,
                                       income_source="父母务工收入")
    return child_id, {
        "admin": admin,
        "federation": user("federation", region_code="4208"),
        "school": user("school", school=CHILD["school"], region_code="420821101"),
        "volunteer": user("volunteer", volunteer_id=volunteer_id),
        "auditor": user("auditor"),
    }


def read(client: TestClient, child_id: str, headers: Headers) -> dict[str, Any]:
    response = client.get(f"/api/v1/children/{child_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("role", ["admin", "federation", "school", "auditor"])
def test_staff_and_auditors_read_the_whole_record(
        client: TestClient, child_and_readers: tuple[str, dict[str, Headers]],
        role: str) -> None:
    child_id, readers = child_and_readers
    record = read(client, child_id, readers[role])
    assert record["view"] == "full"
    assert record["id_number"] == ID_NUMBER
    assert [p["phone"] for p in record["parents"]] == ["13800000001", "13800000002"]
    assert record["parents"][0]["work_location"] == "广东省东莞市"
    assert record["income_source"] == "父母务工收入"
    assert record["consent"]["by"] == "王建国"


def test_a_caring_mother_reads_what_her_duties_need(
        client: TestClient, child_and_readers: tuple[str, dict[str, Headers]]) -> None:
    child_id, readers = child_and_readers
    record = read(client, child_id, readers["volunteer"])
    assert record["view"] == "volunteer"
    assert (record["name"], record["school"], record["class_name"]) == (
        "王小花", "石牌镇中心小学", "四年级二班")
    assert record["guardian"] == {"name": "张桂兰", "relation": "grandmother",
                                  "phone": "13900000003"}
    assert record["parents"] == [{"role": "father", "status": "away", "name": "王建国"},
                                 {"role": "mother", "status": "away", "name": "李秀英"}]


def test_a_caring_mother_never_sees_the_id_number_nor_the_parents_phones(
        client: TestClient, child_and_readers: tuple[str, dict[str, Headers]]) -> None:
    child_id, readers = child_and_readers
    response = client.get(f"/api/v1/children/{child_id}", headers=readers["volunteer"])
    record = response.json()
    assert not set(HIDDEN_FROM_VOLUNTEERS) & set(record)
    for secret in (ID_NUMBER, "13800000001", "13800000002", "广东省东莞市", "父母务工收入"):
        assert secret not in response.text


def test_the_history_shows_its_readers_the_same_view_of_the_record(
        client: TestClient, child_and_readers: tuple[str, dict[str, Headers]]) -> None:
    child_id, readers = child_and_readers
    for role in ("admin", "federation", "school", "auditor"):
        response = client.get(f"/api/v1/children/{child_id}/history", headers=readers[role])
        assert response.status_code == 200, response.text
        assert response.json()["state"] == read(client, child_id, readers[role])


def test_caring_mothers_do_not_read_the_history(
        client: TestClient, child_and_readers: tuple[str, dict[str, Headers]]) -> None:
    child_id, readers = child_and_readers
    response = client.get(f"/api/v1/children/{child_id}/history", headers=readers["volunteer"])
    assert response.status_code == 403


def test_the_openapi_document_names_each_view_of_the_record(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    answer = document["paths"]["/api/v1/children/{child_id}"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert sorted(ref["$ref"].rsplit("/", 1)[1] for ref in schema["oneOf"]) == [
        "ChildForVolunteer", "ChildPublic"]
    assert schema["discriminator"]["propertyName"] == "view"
    volunteer_view = document["components"]["schemas"]["ChildForVolunteer"]["properties"]
    assert "id_number" not in volunteer_view
    assert "phone" not in document["components"]["schemas"]["ParentForVolunteer"]["properties"]


def test_a_volunteer_not_paired_with_the_child_reads_nothing(
        client: TestClient, admin: Headers, user: Callable[..., Headers],
        child_and_readers: tuple[str, dict[str, Headers]]) -> None:
    child_id, _ = child_and_readers
    _, volunteer_id, _ = paired(client, admin, name="李小明")  # paired with another child
    stranger = user("volunteer", volunteer_id=volunteer_id)
    assert client.get(f"/api/v1/children/{child_id}", headers=stranger).status_code == 404
