"""Shared fixtures: the real stores (SQLite files, a fresh PostgreSQL schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def postgres_params() -> dict[str, str]:
    """Where the real PostgreSQL is (the test command starts one if none is running)."""
    return {
        "host": os.environ.get("AIXIN_TEST_POSTGRES_HOST", "127.0.0.1"),
        "port": os.environ.get("AIXIN_TEST_POSTGRES_PORT", "5432"),
        "user": os.environ.get("AIXIN_TEST_POSTGRES_USER", "postgres"),
        "dbname": os.environ.get("AIXIN_TEST_POSTGRES_DBNAME", "test"),
    }


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the real PostgreSQL, dropped afterwards."""
    with fresh_schema() as schema:
        yield schema


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A fresh schema in the real PostgreSQL, dropped with the views' schemas named after it."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        _drop_schemas(schema)


def _drop_schemas(schema: str) -> None:
    import psycopg

    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        rows = conn.execute("SELECT schema_name FROM information_schema.schemata"
                            " WHERE schema_name = %s OR schema_name LIKE %s",
                            (schema, schema + "\\_%")).fetchall()
        for (name,) in rows:  # the schema and the views' schemas named after it
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def make_settings(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., object]:
    """Build Settings for a store: 'sqlite' (a temp file) or 'postgres' (a fresh schema)."""
    from aixin.settings import Settings

    def build(store: str, **overrides: object) -> Settings:
        values: dict[str, object] = {"store": store, "data_dir": tmp_path / "var",
                                     "password_hashing": "cheapest"}
        if store == "postgres":
            params = postgres_params()
            values.update(postgres_host=params["host"], postgres_port=int(params["port"]),
                          postgres_user=params["user"], postgres_dbname=params["dbname"],
                          postgres_schema=request.getfixturevalue("postgres_schema"))
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return build
