"""A token is only as good as the credentials it was issued under.

A token names the account's credentials as they were when it was issued. After a change of
password every token issued before it is 401 at once in the API process that made the change,
and within the account cache's two seconds in the others; a token issued after the change
is accepted everywhere at once. A deactivated account's tokens are refused at once by the
process that deactivated it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import ADMIN_PASSWORD, login
from tests.security.conftest import SECRET
from tests.waiting import wait_until

ME = "/api/v1/users/me"
OLD, NEW = "old-password-123", "new-password-456"


def _account(client: TestClient, admin: dict[str, str], username: str = "changer") -> None:
    made = client.post("/api/v1/users", headers=admin, json={
        "username": username, "password": OLD, "role": "auditor"})
    assert made.status_code == 201, made.text


def _change_password(client: TestClient, token: dict[str, str]) -> None:
    changed = client.post(f"{ME}/password", headers=token, json={
        "current_password": OLD, "new_password": NEW})
    assert changed.status_code == 200, changed.text


def test_a_token_issued_before_a_password_change_is_refused_at_once(
        client: TestClient, admin: dict[str, str]) -> None:
    _account(client, admin)
    before = login(client, "changer", OLD)
    assert client.get(ME, headers=before).status_code == 200  # the account is cached now
    _change_password(client, before)
    assert client.get(ME, headers=before).status_code == 401


def test_every_token_issued_before_the_change_is_refused_not_only_the_one_that_made_it(
        client: TestClient, admin: dict[str, str]) -> None:
    _account(client, admin)
    stolen, own = login(client, "changer", OLD), login(client, "changer", OLD)
    assert client.get(ME, headers=stolen).status_code == 200
    _change_password(client, own)
    assert client.get(ME, headers=stolen).status_code == 401


def test_a_token_issued_after_the_password_change_is_accepted(
        client: TestClient, admin: dict[str, str]) -> None:
    _account(client, admin)
    _change_password(client, login(client, "changer", OLD))
    assert client.get(ME, headers=login(client, "changer", NEW)).status_code == 200


def test_a_new_password_equal_to_the_current_one_is_refused_and_ends_no_token(
        client: TestClient, admin: dict[str, str]) -> None:
    _account(client, admin)
    token = login(client, "changer", OLD)
    same = client.post(f"{ME}/password", headers=token, json={
        "current_password": OLD, "new_password": OLD})
    assert same.status_code == 422
    assert same.json()["detail"][0]["loc"] == ["body", "new_password"]
    assert client.get(ME, headers=token).status_code == 200


def test_a_deactivated_accounts_token_is_refused_at_once_by_the_process_that_deactivated_it(
        client: TestClient, admin: dict[str, str]) -> None:
    _account(client, admin)
    token = login(client, "changer", OLD)
    user_id = client.get(ME, headers=token).json()["id"]  # the account is cached now
    deactivated = client.post(f"/api/v1/users/{user_id}/deactivation", headers=admin,
                              json={"reason": "调离岗位"})
    assert deactivated.status_code == 200, deactivated.text
    assert client.get(ME, headers=token).status_code == 401


@pytest.fixture
def two_processes(make_settings: Callable[..., Any]) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API processes of one deployment on PostgreSQL (one log, one signing key)."""
    settings = make_settings("postgres", admin_password=ADMIN_PASSWORD, secret_key=SECRET,
                             projections_in_process=False)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        yield first, second


@pytest.mark.postgres
def test_another_api_process_refuses_the_old_token_within_the_account_cache_time(
        two_processes: tuple[TestClient, TestClient]) -> None:
    first, second = two_processes
    _account(first, login(first, "admin", ADMIN_PASSWORD))
    before = login(first, "changer", OLD)
    assert second.get(ME, headers=before).status_code == 200  # cached by the second process
    _change_password(first, before)
    wait_until(lambda: second.get(ME, headers=before).status_code == 401, within=3,
               what="the second process to refuse the token issued before the change",
               every=0.1)


@pytest.mark.postgres
def test_another_api_process_accepts_the_new_token_at_once(
        two_processes: tuple[TestClient, TestClient]) -> None:
    first, second = two_processes
    _account(first, login(first, "admin", ADMIN_PASSWORD))
    before = login(first, "changer", OLD)
    assert second.get(ME, headers=before).status_code == 200  # the old account is cached
    _change_password(first, before)
    assert second.get(ME, headers=login(first, "changer", NEW)).status_code == 200
