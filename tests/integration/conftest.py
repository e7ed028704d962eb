"""The register on a real store: SQLite, or both SQLite and PostgreSQL for what depends on
the store itself (concurrency, the tables as stored, how rows are written).

The views' behaviour is tested on SQLite; ``test_stores_agree`` applies one log holding every
kind of event to every view on both stores and compares every row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aixin.bootstrap import build_register
from domain.application import CareRegister
from projections.catalog import ALL_VIEWS
from projections.runner import ViewRunner
from storage.views import PostgresParams, ViewStore
from tests.builders import TODAY
from tests.conftest import postgres_params

STORES = [pytest.param("sqlite", id="sqlite")]
#: For a test of the store itself:
#: ``@pytest.mark.parametrize("store", EACH_STORE, indirect=True)``.
EACH_STORE = [pytest.param("sqlite", id="sqlite"),
              pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def register(store: str, make_settings: Callable[..., object]) -> Iterator[CareRegister]:
    """A register on a fresh store whose 'today' is fixed."""
    app = build_register(make_settings(store), clock=lambda: TODAY)  # type: ignore[arg-type]
    yield app
    app.close()


@pytest.fixture
def view_store(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ViewStore]:
    """Where views live on the same kind of store as ``register`` (fresh for each test)."""
    if store == "sqlite":
        views = ViewStore("sqlite", sqlite_dir=tmp_path / "views")
        yield views
        views.close()
        return
    params = postgres_params()
    prefix = request.getfixturevalue("postgres_schema")  # dropped with its views below
    views = ViewStore("postgres", postgres=PostgresParams(
        dbname=params["dbname"], host=params["host"], port=int(params["port"]),
        user=params["user"], password="", schema_prefix=prefix))
    yield views
    views.close()  # its schemas are dropped with ``postgres_schema``


@pytest.fixture
def runner(register: CareRegister, view_store: ViewStore) -> ViewRunner:
    """Applies the register's log to every view, in small batches to cross boundaries."""
    return ViewRunner(register, view_store, ALL_VIEWS, batch_size=3)
