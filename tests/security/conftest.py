"""The service in process for the OWASP API Top 10 modules: the API tests' callers, and a
service built with settings of the test's own (tighter limits, production headers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from tests.api.conftest import ADMIN_PASSWORD, admin, client, user

__all__ = ["admin", "client", "user"]  # the API tests' fixtures, used here as they are

SECRET = "a-test-signing-key-of-enough-length-0123456789"  # tests.api.conftest's key


@pytest.fixture
def service(tmp_path: Path) -> Callable[..., AbstractContextManager[TestClient]]:
    """A service with the given settings on top of the API tests' (a fresh data folder)."""
    made = iter(range(100))

    @contextmanager
    def build(**overrides: Any) -> Iterator[TestClient]:
        values: dict[str, Any] = {
            "data_dir": tmp_path / f"var{next(made)}", "admin_password": ADMIN_PASSWORD,
            "secret_key": SECRET, "projections_poll_interval": 0.02,
            "password_hashing": "cheapest", **overrides}
        with TestClient(create_app(Settings(**values))) as test_client:
            yield test_client

    return build


#: Settings production accepts (each test of a refusal changes one thing).
PRODUCTION: dict[str, Any] = {
    "environment": "production", "password_hashing": "standard", "secret_key": "k" * 40,
    "cipher_key": "AAAAAAAAAAAAAAAAAAAAAA==",
    "key_encryption_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "redis_url": "redis://127.0.0.1:6379/0",
}
