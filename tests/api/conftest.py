"""The service in process (the embedded default) and callers in every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app

ADMIN_PASSWORD = "admin-password-for-tests"

CHILD: dict[str, Any] = {
    "name": "王小花", "sex": "female", "birth_date": "2016-05-20", "region_code": "420821101",
    "school": "石牌镇中心小学", "class_name": "四年级二班",
    "parents": [
        {"role": "father", "name": "王建国", "phone": "13800000001",
         "work_location": "广东省东莞市", "status": "away"},
        {"role": "mother", "name": "李秀英", "phone": "13800000002",
         "work_location": "浙江省义乌市", "status": "away"}],
    "guardian": {"name": "张桂兰", "relation": "祖母", "age": 68, "health": "良好",
                 "education": "小学", "phone": "13900000003"},
    "categories": ["both_parents_away"],
    "consent": {"by": "王建国", "relation": "父亲", "on": "2026-03-01", "method": "书面签字"},
    "registered_on": "2026-03-02",
}

VOLUNTEER: dict[str, Any] = {
    "name": "刘爱华", "unit": "钟祥市妇联", "address": "湖北省钟祥市郢中街道",
    "birth_date": "1975-08-01", "postal_code": "431900", "political_status": "中共党员",
    "position": "干部", "phone": "13700000004", "education": "大专",
    "region_code": "420821", "applied_on": "2026-01-05",
}

#: Who signed each level's opinion on the paper form an admin keys in: one person a level.
SIGNERS: dict[str, str] = {"unit": "钟祥市妇联 王敏", "county": "钟祥市妇联 刘芳",
                           "city": "荆门市妇联 陈静", "province": "湖北省妇联 张丽"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        secret_key="a-test-signing-key-of-enough-length-0123456789",  # type: ignore[arg-type]
                        projections_poll_interval=0.02, password_hashing="cheapest")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def client_on_each_store(request: pytest.FixtureRequest,
                         make_settings: Callable[..., Any]) -> Iterator[TestClient]:
    """The service on the embedded store and on the real PostgreSQL (a fresh schema), its
    projections kept in process on both. A module uses it as its ``client``:
    its own ``client`` fixture returns this one."""
    settings = make_settings(request.param, admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_poll_interval=0.02, projections_in_process=True)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token",
                           data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return login(client, "admin", ADMIN_PASSWORD)


@pytest.fixture
def user(client: TestClient, admin: dict[str, str]) -> Callable[..., dict[str, str]]:
    """Create an account with the given role and scope and log in as it."""
    made = iter(range(1000))

    def make(role: str, **scope: Any) -> dict[str, str]:
        name = f"{role}{next(made)}"
        body = {"username": name, "password": "password-123", "role": role, **scope}
        response = client.post("/api/v1/users", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return login(client, name, "password-123")

    return make


def create(client: TestClient, path: str, body: dict[str, Any],
           headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def approved_volunteer(client: TestClient, admin: dict[str, str], **form: Any) -> str:
    volunteer = create(client, "/api/v1/volunteers", {**VOLUNTEER, **form}, admin)
    for level in ("unit", "county", "city", "province"):
        response = client.post(f"/api/v1/volunteers/{volunteer['id']}/reviews", headers=admin,
                               json={"level": level, "decision": "approve", "opinion": "同意",
                                     "on": "2026-02-01", "signed_by": SIGNERS[level]})
        assert response.status_code == 200, response.text
    return str(volunteer["id"])


def paired(client: TestClient, admin: dict[str, str], **child: Any) -> tuple[str, str, str]:
    """A child, an approved volunteer and the pairing between them: their ids."""
    child_id = create(client, "/api/v1/children", {**CHILD, **child}, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)
    return child_id, volunteer_id, pairing["id"]


#: A reason of substance for break-glass access (紧急调阅).
BREAK_GLASS_REASON = "接到县公安局通报，该儿童离家出走，需立即联系监护人"


@pytest.fixture
def child_id(client: TestClient, admin: dict[str, str]) -> str:
    """A child registered in 钟祥市 (4208...)."""
    return str(create(client, "/api/v1/children", CHILD, admin)["id"])


@pytest.fixture
def outsider(user: Callable[..., dict[str, str]]) -> dict[str, str]:
    """Federation staff of another city (4209...)."""
    return user("federation", region_code="4209")


def break_glass(client: TestClient, child_id: str, headers: dict[str, str],
                reason: str = BREAK_GLASS_REASON) -> Any:
    return client.post(f"/api/v1/children/{child_id}/break-glass", json={"reason": reason},
                       headers=headers)
