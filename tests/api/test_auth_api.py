"""Coming in: tokens for the right password, 401 for anything else, accounts by admins."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_PASSWORD, login


def test_the_bootstrap_admin_gets_a_bearer_token(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token",
                           data={"username": "admin", "password": ADMIN_PASSWORD})
    assert (response.status_code, response.json()["token_type"]) == (200, "bearer")


def test_a_wrong_password_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "admin", "password": "x"})
    assert response.status_code == 401


def test_an_unknown_user_is_401_like_a_wrong_password(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    assert response.status_code == 401


def test_routes_need_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/children").status_code == 401


def test_a_tampered_token_is_401(client: TestClient, admin: dict[str, str]) -> None:
    tampered = {"Authorization": admin["Authorization"][:-2] + "xx"}
    assert client.get("/api/v1/children", headers=tampered).status_code == 401


def test_only_an_admin_creates_accounts(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    auditor = user("auditor")
    response = client.post("/api/v1/users", headers=auditor, json={
        "username": "someone", "password": "password-123", "role": "auditor"})
    assert response.status_code == 403


def test_a_federation_account_needs_its_region(client: TestClient,
                                               admin: dict[str, str]) -> None:
    response = client.post("/api/v1/users", headers=admin, json={
        "username": "fed", "password": "password-123", "role": "federation"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "region_code"]


def test_a_username_is_taken_once(client: TestClient, admin: dict[str, str]) -> None:
    body = {"username": "same", "password": "password-123", "role": "auditor"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 409


def test_the_caller_can_read_its_own_account(client: TestClient) -> None:
    me = client.get("/api/v1/users/me", headers=login(client, "admin", ADMIN_PASSWORD))
    assert (me.status_code, me.json()["role"]) == (200, "admin")


def test_a_deactivated_account_can_no_longer_log_in(
        client: TestClient, admin: dict[str, str]) -> None:
    made = client.post("/api/v1/users", headers=admin, json={
        "username": "leaving", "password": "password-123", "role": "auditor"}).json()
    response = client.post(f"/api/v1/users/{made['id']}/deactivation", headers=admin,
                           json={"reason": "调离岗位"})
    assert (response.status_code, response.json()["active"]) == (200, False)
    assert client.post("/api/v1/auth/token", data={
        "username": "leaving", "password": "password-123"}).status_code == 401


def test_a_user_changes_its_own_password_with_the_current_one(client: TestClient) -> None:
    me = login(client, "admin", ADMIN_PASSWORD)
    wrong = client.post("/api/v1/users/me/password", headers=me, json={
        "current_password": "nope", "new_password": "another-password"})
    right = client.post("/api/v1/users/me/password", headers=me, json={
        "current_password": ADMIN_PASSWORD, "new_password": "another-password"})
    assert (wrong.status_code, right.status_code) == (403, 200)
    assert login(client, "admin", "another-password")


def test_a_wrong_current_password_is_refused_in_chinese(client: TestClient) -> None:
    wrong = client.post("/api/v1/users/me/password",
                        headers=login(client, "admin", ADMIN_PASSWORD),
                        json={"current_password": "nope", "new_password": "another-password"})
    assert wrong.status_code == 403
    assert wrong.json()["detail"].startswith("当前密码不正确")


def test_a_new_password_equal_to_the_current_one_is_refused_in_chinese(
        client: TestClient) -> None:
    same = client.post("/api/v1/users/me/password",
                       headers=login(client, "admin", ADMIN_PASSWORD),
                       json={"current_password": ADMIN_PASSWORD, "new_password": ADMIN_PASSWORD})
    assert same.status_code == 422
    assert same.json()["detail"][0]["msg"].startswith("new_password: 新密码与当前密码相同")


def test_an_admin_changes_an_accounts_scope(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    made = client.post("/api/v1/users", headers=admin, json={
        "username": "moving", "password": "password-123", "role": "federation",
        "region_code": "4208"}).json()
    response = client.post(f"/api/v1/users/{made['id']}/scope", headers=admin,
                           json={"role": "federation", "region_code": "4209"})
    assert (response.status_code, response.json()["region_code"]) == (200, "4209")
