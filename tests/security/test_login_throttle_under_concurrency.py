"""The login throttle counts atomically: wrong passwords sent all at once, to one API process
or to several, get no more password checks than the limit.

A login is counted before its password is checked, in the same step as the count that admits
it, so 40 wrong passwords released together against a limit of 5 are 5 answers of 401 (each
a password checked) and 35 of 429 (refused unchecked). Driven through real ``aixin serve``
processes (the embedded SQLite store; two API processes on PostgreSQL), and through the
throttle itself from eight stores of their own on one database, as eight processes would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from fastapi.testclient import TestClient

from aixin.bootstrap import build_idempotency_store
from storage.throttle import LoginThrottle, Throttled
from tests.api.conftest import ADMIN_PASSWORD
from tests.conftest import postgres_params
from tests.e2e.server import running

PASSWORD = "throttle-admin-password"
SECRET = "throttle-signing-key-0123456789-0123456789"
CALLERS, LIMIT, PROCESSES = 40, 5, 8


def _all_at_once(calls: int, call: Callable[[int], Any]) -> list[Any]:
    """``call(n)`` for each n from ``calls`` threads released together."""
    start = threading.Barrier(calls)

    def released(n: int) -> Any:
        start.wait(timeout=30)
        return call(n)

    with ThreadPoolExecutor(max_workers=calls) as pool:
        return list(pool.map(released, range(calls)))


def _serve(tmp_path: Path, store: str, schema: str | None) -> AbstractContextManager[str]:
    settings = {"AIXIN_DATA_DIR": str(tmp_path / "data"), "AIXIN_ADMIN_PASSWORD": PASSWORD,
                "AIXIN_SECRET_KEY": SECRET}
    if store == "postgres":
        params = postgres_params()
        settings.update(AIXIN_STORE="postgres", AIXIN_WEB_WORKERS="2",
                        AIXIN_POSTGRES_HOST=params["host"], AIXIN_POSTGRES_PORT=params["port"],
                        AIXIN_POSTGRES_USER=params["user"],
                        AIXIN_POSTGRES_DBNAME=params["dbname"],
                        AIXIN_POSTGRES_SCHEMA=str(schema),
                        AIXIN_PROJECTIONS_IN_PROCESS="true")
    return running(tmp_path, **settings)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A real ``aixin serve``: one process on SQLite, two API processes on PostgreSQL."""
    schema = request.getfixturevalue("postgres_schema") if request.param == "postgres" else None
    with _serve(tmp_path, request.param, schema) as url:
        yield url


def test_forty_wrong_passwords_at_once_get_five_password_checks(served: str) -> None:
    def wrong(n: int) -> int:
        return httpx.post(f"{served}/api/v1/auth/token", timeout=60, data={
            "username": "admin", "password": f"wrong-{n}"}).status_code

    statuses = _all_at_once(CALLERS, wrong)
    assert (statuses.count(401), statuses.count(429)) == (LIMIT, CALLERS - LIMIT)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def processes(request: pytest.FixtureRequest, tmp_path: Path,
              make_settings: Callable[..., Any]) -> Iterator[list[LoginThrottle]]:
    """A throttle in each of several processes: each its own store on the same database."""
    stores: list[Any] = []
    if request.param == "sqlite":
        path = str(tmp_path / "throttle.sqlite3")
        datastores: list[SQLiteDatastore | PostgresDatastore] = [
            SQLiteDatastore(path, lock_timeout=30) for _ in range(PROCESSES)]
        stores.extend(datastores)
    else:
        settings = make_settings("postgres", postgres_pool_size=2)
        stores.extend(build_idempotency_store(settings) for _ in range(PROCESSES))
        datastores = [store.datastore for store in stores]
    try:
        yield [LoginThrottle(datastore, max_failures=LIMIT, max_per_address=1000, window=600)
               for datastore in datastores]
    finally:
        for store in stores:
            store.close()


def test_attempts_at_once_from_several_processes_admit_no_more_than_the_limit(
        processes: list[LoginThrottle]) -> None:
    def attempt(n: int) -> bool:
        try:
            processes[n % PROCESSES].attempt("admin", f"10.0.0.{n}")
        except Throttled:
            return False
        return True

    assert sum(_all_at_once(CALLERS, attempt)) == LIMIT


def test_successful_logins_do_not_count_against_the_address(
        service: Callable[..., AbstractContextManager[TestClient]]) -> None:
    with service(login_max_failures_per_address=3) as client:
        logins = [client.post("/api/v1/auth/token", data={
            "username": "admin", "password": ADMIN_PASSWORD}).status_code
            for _ in range(5)]
    assert logins == [200] * 5
