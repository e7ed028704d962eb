"""OWASP API8:2023 Security Misconfiguration.

- Production refuses to start on a missing or weak token-signing key, without the keys
  that encrypt children's records, or without Redis: the settings fail at start, and
  ``aixin serve`` exits before listening.
- No debug: an unexpected error is a bare 500, without a traceback or the error's text.
- Every response carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
  Content-Security-Policy forbidding framing, ``Referrer-Policy: no-referrer`` and
  ``Cache-Control: no-store`` (answers carry children's personal data); over TLS or in
  production ``Strict-Transport-Security`` too.
- CORS is closed: no origin is allowed, so browsers keep other sites' scripts out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from aixin.settings import Settings
from api.app import create_app
from api.middleware import MAX_BODY
from tests.api.conftest import CHILD
from tests.e2e.server import AIXIN
from tests.security.conftest import PRODUCTION

HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
           "referrer-policy": "no-referrer"}


def test_the_production_settings_used_here_are_accepted() -> None:
    assert Settings(**PRODUCTION).environment == "production"


@pytest.mark.parametrize(("change", "named"), [
    ({"secret_key": None}, "AIXIN_SECRET_KEY"),
    ({"secret_key": "change-me"}, "AIXIN_SECRET_KEY"),
    ({"secret_key": "short-but-not-default"}, "AIXIN_SECRET_KEY"),
    ({"cipher_key": None}, "AIXIN_CIPHER_KEY"),
    ({"key_encryption_key": None}, "AIXIN_KEY_ENCRYPTION_KEY"),
    ({"redis_url": None}, "AIXIN_REDIS_URL"),
], ids=["no-secret", "default-secret", "short-secret", "no-cipher", "no-kek", "no-redis"])
def test_production_refuses_unsafe_settings(change: dict[str, Any], named: str) -> None:
    values = {key: value for key, value in {**PRODUCTION, **change}.items() if value is not None}
    with pytest.raises(ValidationError, match=named):
        Settings(**values)


def test_the_service_does_not_start_in_production_with_a_weak_secret(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIXIN_")}
    env.update({f"AIXIN_{key.upper()}": value for key, value in PRODUCTION.items()})
    env.update(AIXIN_SECRET_KEY="changeme", AIXIN_DATA_DIR=str(tmp_path))
    started = subprocess.run([str(AIXIN), "serve", "--no-worker"], env=env, cwd=tmp_path,
                             capture_output=True, timeout=60, text=True)
    assert started.returncode == 2
    assert "AIXIN_SECRET_KEY" in started.stderr
    assert "serving" not in started.stdout


def test_an_unexpected_error_is_a_bare_500(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "var"))  # type: ignore[call-arg]

    @app.get("/fails")
    def fails() -> None:
        raise RuntimeError("王小花 13800000001 internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/fails")
    assert not app.debug
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def answers(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """One answer of each kind: success, created, each error, and pages outside the API."""
    child = client.post("/api/v1/children", json=CHILD, headers=admin)
    return {
        "200": client.get(f"/api/v1/children/{child.json()['id']}", headers=admin),
        "201": child,
        "401": client.get("/api/v1/children"),
        "404": client.get("/api/v1/children/00000000-0000-4000-8000-000000000000",
                          headers=admin),
        "422": client.post("/api/v1/children", json={}, headers=admin),
        "413": client.post("/api/v1/children", content=b"{}", headers={
            **admin, "Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)}),
        "health": client.get("/health"),
        "openapi": client.get("/openapi.json"),
        "docs": client.get("/docs"),
    }


def test_every_response_carries_the_security_headers(
        client: TestClient, admin: dict[str, str]) -> None:
    missing = {kind: {name for name, value in HEADERS.items()
                      if response.headers.get(name) != value}
               for kind, response in answers(client, admin).items()}
    assert missing == {kind: set() for kind in missing}


def test_every_response_forbids_framing_by_its_content_security_policy(
        client: TestClient, admin: dict[str, str]) -> None:
    policies = {kind: response.headers.get("content-security-policy", "")
                for kind, response in answers(client, admin).items()}
    assert {kind for kind, policy in policies.items()
            if "frame-ancestors 'none'" not in policy} == set()
    assert "default-src 'none'" in policies["200"]


def test_no_api_answer_is_stored_by_browsers_or_proxies(
        client: TestClient, admin: dict[str, str]) -> None:
    stored = {kind: response.headers.get("cache-control")
              for kind, response in answers(client, admin).items()}
    assert set(stored.values()) == {"no-store"}


def test_hsts_is_sent_over_tls_only(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "var"))  # type: ignore[call-arg]
    with TestClient(app) as plain, TestClient(app, base_url="https://testserver") as tls:
        assert "strict-transport-security" not in plain.get("/health").headers
        assert tls.get("/health").headers["strict-transport-security"].startswith("max-age=")


def test_hsts_is_sent_in_production_behind_a_tls_proxy(
        service: Callable[..., AbstractContextManager[TestClient]]) -> None:
    with service(**PRODUCTION) as client:
        assert "max-age=31536000" in client.get("/health").headers["strict-transport-security"]


def test_no_other_origin_is_allowed_by_cors(client: TestClient, admin: dict[str, str]) -> None:
    preflight = client.options("/api/v1/children", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    simple = client.get("/api/v1/children", headers={**admin, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers
    assert preflight.status_code in (404, 405)
