"""OWASP API2:2023 Broken Authentication.

A bearer token is accepted only if it is an HS256 JWT signed with the service's key, not
expired, and names an active account and the credentials the account has now (``cred``):
expired, tampered, unsigned (``alg: none``), other-algorithm (HS512 with the same key, RS256
with any key) tokens are 401. Repeated wrong passwords lock the username (and the address)
for a while: 429 with ``Retry-After``, even for the right password, and the failures are
kept without the password.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15
from eventsourcing.sqlite import SQLiteDatastore
from fastapi.testclient import TestClient

from aixin.bootstrap import build_idempotency_store
from storage.throttle import LoginThrottle
from tests.api.conftest import ADMIN_PASSWORD
from tests.security.conftest import SECRET

ME = "/api/v1/users/me"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(client: TestClient, admin: dict[str, str], **changes: Any) -> dict[str, Any]:
    """The claims of a token for the admin, with its credentials' stamp as issued."""
    now = datetime.now(UTC)
    subject = client.get(ME, headers=admin).json()["id"]
    issued = jwt.decode(admin["Authorization"][7:], options={"verify_signature": False})
    return {"sub": subject, "name": "admin", "iat": now, "exp": now + timedelta(hours=1),
            "cred": issued["cred"], **changes}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _rs256(claims: dict[str, Any]) -> str:
    """A token signed RS256 with a key of the caller's own (algorithm confusion)."""
    key = RSA.generate(2048)
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims, default=lambda d: int(d.timestamp())).encode())
    signature = pkcs1_15.new(key).sign(SHA256.new(f"{header}.{payload}".encode()))
    return f"{header}.{payload}.{_b64(signature)}"


def test_a_token_signed_with_the_service_key_is_accepted(
        client: TestClient, admin: dict[str, str]) -> None:
    token = jwt.encode(_claims(client, admin), SECRET, algorithm="HS256")
    assert client.get(ME, headers=_bearer(token)).status_code == 200


def test_an_expired_token_is_401(client: TestClient, admin: dict[str, str]) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    token = jwt.encode(_claims(client, admin, exp=past), SECRET, algorithm="HS256")
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_a_token_without_an_expiry_is_401(client: TestClient, admin: dict[str, str]) -> None:
    claims = _claims(client, admin)
    del claims["exp"]
    assert client.get(ME, headers=_bearer(jwt.encode(claims, SECRET,
                                                     algorithm="HS256"))).status_code == 401


def test_a_token_whose_claims_were_changed_after_signing_is_401(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    auditor_id = client.get(ME, headers=user("auditor")).json()["id"]
    header, _, signature = admin["Authorization"][7:].split(".")
    forged = _b64(json.dumps({"sub": auditor_id, "exp": 4102444800}).encode())
    assert client.get(ME, headers=_bearer(f"{header}.{forged}.{signature}")).status_code == 401


def test_an_unsigned_alg_none_token_is_401(client: TestClient, admin: dict[str, str]) -> None:
    token = jwt.encode(_claims(client, admin), None, algorithm="none")  # type: ignore[arg-type]
    assert client.get(ME, headers=_bearer(token)).status_code == 401


@pytest.mark.filterwarnings("ignore:The HMAC key")  # short for SHA-512, on purpose
def test_a_token_signed_hs512_with_the_right_key_is_401(
        client: TestClient, admin: dict[str, str]) -> None:
    token = jwt.encode(_claims(client, admin), SECRET, algorithm="HS512")
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_a_token_signed_rs256_is_401(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get(ME, headers=_bearer(_rs256(_claims(client, admin)))).status_code == 401


def test_a_token_signed_with_another_key_is_401(
        client: TestClient, admin: dict[str, str]) -> None:
    token = jwt.encode(_claims(client, admin), "another-key-of-enough-length-0123456789",
                       algorithm="HS256")
    assert client.get(ME, headers=_bearer(token)).status_code == 401


def test_the_token_of_a_deactivated_account_stops_working(
        client: TestClient, admin: dict[str, str]) -> None:
    made = client.post("/api/v1/users", headers=admin, json={
        "username": "leaving", "password": "password-123", "role": "auditor"}).json()
    token = client.post("/api/v1/auth/token", data={
        "username": "leaving", "password": "password-123"}).json()["access_token"]
    client.post(f"/api/v1/users/{made['id']}/deactivation", headers=admin,
                json={"reason": "调离岗位"})
    client.app.state.accounts.clear()  # type: ignore[attr-defined]  # past the 2 s cache
    assert client.get(ME, headers=_bearer(token)).status_code == 401


# -- login throttling (登录限流) ----------------------------------------------------------


def _login(client: TestClient, password: str, username: str = "admin") -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_with_retry_after(client: TestClient) -> None:
    refused = [_login(client, f"wrong-{n}").status_code for n in range(5)]
    locked = _login(client, "wrong-again")
    assert refused == [401] * 5
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 900


def test_the_right_password_is_refused_while_the_username_is_locked(
        client: TestClient) -> None:
    for n in range(5):
        _login(client, f"wrong-{n}")
    assert _login(client, ADMIN_PASSWORD).status_code == 429


def test_the_lock_is_per_username(client: TestClient, admin: dict[str, str]) -> None:
    client.post("/api/v1/users", headers=admin, json={
        "username": "teacher", "password": "password-123", "role": "auditor"})
    for n in range(5):
        _login(client, f"wrong-{n}")
    assert _login(client, "password-123", username="teacher").status_code == 200


def test_a_successful_login_forgives_earlier_failures(client: TestClient) -> None:
    for n in range(4):
        _login(client, f"wrong-{n}")
    assert _login(client, ADMIN_PASSWORD).status_code == 200
    assert [_login(client, f"again-{n}").status_code for n in range(4)] == [401] * 4


def test_unknown_usernames_from_one_address_lock_the_address(
        service: Callable[..., AbstractContextManager[TestClient]]) -> None:
    with service(login_max_failures_per_address=3) as client:
        tried = [_login(client, "x", username=f"guess{n}").status_code for n in range(3)]
        assert tried == [401] * 3
        assert _login(client, ADMIN_PASSWORD).status_code == 429


@pytest.fixture
def throttle(tmp_path: Path) -> Iterator[tuple[LoginThrottle, list[float], Path]]:
    """A throttle on a real SQLite file, with a clock the test moves."""
    now = [1_000_000.0]
    path = tmp_path / "throttle.sqlite3"
    datastore = SQLiteDatastore(str(path))
    yield LoginThrottle(datastore, max_failures=2, max_per_address=100, window=600,
                        clock=lambda: now[0]), now, path
    datastore.close()


def test_the_lock_lifts_when_the_failures_age_out_of_the_window(
        throttle: tuple[LoginThrottle, list[float], Path]) -> None:
    limiter, now, _ = throttle
    limiter.failed("admin", "10.0.0.1")
    now[0] += 100
    limiter.failed("admin", "10.0.0.1")
    assert limiter.wait("admin", "10.0.0.1") == 500  # the first failure ages out then
    now[0] += 500
    assert limiter.wait("admin", "10.0.0.1") is None


def test_failures_are_recorded_without_the_password_or_the_username(
        client: TestClient, tmp_path: Path) -> None:
    _login(client, "hunter2-secret-guess", username="someone-named")
    (database,) = tmp_path.glob("var/idempotency.sqlite3")
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT subject FROM login_failures").fetchall()
    assert len(rows) == 2  # the username's and the address's
    stored = " ".join(subject for (subject,) in rows)
    assert "hunter2" not in stored and "someone-named" not in stored


@pytest.mark.postgres
def test_api_processes_on_postgresql_share_the_failure_count(
        make_settings: Callable[..., Any]) -> None:
    settings = make_settings("postgres")
    stores = [build_idempotency_store(settings) for _ in range(2)]  # as two processes would
    first, second = (LoginThrottle(store.datastore, max_failures=2, max_per_address=100,
                                   window=600) for store in stores)
    try:
        first.failed("admin", "10.0.0.1")
        second.failed("admin", "10.0.0.2")
        assert first.wait("admin", "10.0.0.3") is not None
    finally:
        for store in stores:
            store.close()
