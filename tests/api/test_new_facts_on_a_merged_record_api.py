"""A record merged into another (合并重复档案) takes no new facts: a clerk who records one on
it is told that it was merged, into which record, and to record it on the record kept; a
child who left the programme is still told that she left it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create
from tests.api.test_merging_api import AGAIN, merge, register

Headers = dict[str, str]
CONCERN = {"kind": "absence", "description": "连续三天缺课", "occurred_on": "2026-11-20"}


def test_a_concern_on_a_merged_record_is_refused_naming_the_record_kept(
        client: TestClient, admin: Headers) -> None:
    survivor = register(client, admin)
    duplicate = register(client, admin, **AGAIN)
    assert merge(client, admin, survivor, duplicate).status_code == 200

    response = client.post(f"/api/v1/children/{duplicate}/concerns", headers=admin,
                           json=CONCERN)

    assert response.status_code == 409, response.text
    detail = str(response.json()["detail"])
    assert "合并到另一份档案" in detail and survivor in detail
    assert "请在保留的档案上登记" in detail and "退出帮扶" not in detail


def test_a_concern_on_an_exited_record_still_says_the_child_left(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    exited = client.post(f"/api/v1/children/{child_id}/exit", headers=admin,
                         json={"reason": "随父母外出就读", "on": "2026-10-01"})
    assert exited.status_code == 200, exited.text

    response = client.post(f"/api/v1/children/{child_id}/concerns", headers=admin,
                           json=CONCERN)

    assert response.status_code == 409, response.text
    assert "退出帮扶" in str(response.json()["detail"])
