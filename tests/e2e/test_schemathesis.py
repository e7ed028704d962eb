"""Generated requests from /openapi.json against the real server: never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import fresh_schema, postgres_params
from tests.e2e.server import running

PASSWORD = "fuzz-admin-password"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The real server, on the embedded store and on PostgreSQL, with an admin's token."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with ExitStack() as stack:
        store: dict[str, str] = {}
        if request.param == "postgres":
            params = postgres_params()
            store = {"AIXIN_STORE": "postgres", "AIXIN_POSTGRES_HOST": params["host"],
                     "AIXIN_POSTGRES_PORT": params["port"],
                     "AIXIN_POSTGRES_USER": params["user"],
                     "AIXIN_POSTGRES_DBNAME": params["dbname"],
                     "AIXIN_POSTGRES_SCHEMA": stack.enter_context(fresh_schema()),
                     "AIXIN_PROJECTIONS_IN_PROCESS": "true",
                     "AIXIN_SECRET_KEY": "fuzz-signing-key-0123456789-0123456789"}
        url = stack.enter_context(running(folder, AIXIN_DATA_DIR=str(folder / "data"),
                                          AIXIN_ADMIN_PASSWORD=PASSWORD, **store))
        token = httpx.post(f"{url}/api/v1/auth/token", data={
            "username": "admin", "password": PASSWORD}).json()["access_token"]
        yield url, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def api_schema(served: tuple[str, dict[str, str]]) -> schemathesis.schemas.BaseSchema:
    url, _ = served
    return schemathesis.openapi.from_url(f"{url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=20, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_gets_a_server_error(
        case: schemathesis.Case, served: tuple[str, dict[str, str]]) -> None:
    _, auth = served
    response = case.call(headers=auth, timeout=30)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
