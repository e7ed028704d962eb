"""Break-glass access (紧急调阅) over HTTP: asked for with a reason that says something, and
never extended while it holds."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BREAK_GLASS_REASON as REASON
from tests.api.conftest import break_glass

Headers = dict[str, str]


@pytest.mark.parametrize("reason", ["紧急查看!", "查看档案。。。。。。。", "!!!!!!!!!!!!",
                                    "urgent   ?"])
def test_a_reason_of_fewer_than_ten_letters_or_digits_opens_nothing(
        client: TestClient, child_id: str, outsider: Headers, reason: str) -> None:
    response = break_glass(client, child_id, outsider, reason)
    assert response.status_code == 422, response.text
    assert client.get(f"/api/v1/children/{child_id}", headers=outsider).status_code == 404


def test_the_refusal_says_the_rule_in_chinese(
        client: TestClient, child_id: str, outsider: Headers) -> None:
    response = break_glass(client, child_id, outsider, "查看档案。。。。。。。")
    assert "紧急调阅须写明具体事由" in response.json()["detail"][0]["msg"]


def test_asking_again_while_the_grant_holds_is_409_and_its_end_stays(
        client: TestClient, admin: Headers, child_id: str, outsider: Headers) -> None:
    first = break_glass(client, child_id, outsider)
    assert first.status_code == 201, first.text
    again = break_glass(client, child_id, outsider, "再次核实该儿童监护人的联系方式")
    assert (again.status_code, again.json()["rule"]) == (409, "break_glass_not_extended")
    assert "紧急调阅不可延长" in again.json()["detail"]
    uses = client.get("/api/v1/audit/break-glass", headers=admin).json()["items"]
    assert [(u["grant_id"], u["reason"], datetime.fromisoformat(u["expires_at"]))
            for u in uses] == [
        (first.json()["id"], REASON, datetime.fromisoformat(first.json()["expires_at"]))]
