"""Times kept beside the log are kept to the second, on SQLite and the real PostgreSQL.

PostgreSQL's ``REAL`` is a 4-byte float: a Unix time kept in it is rounded to 128 seconds,
so a claim made a moment ago could look a minute old, and two key destructions a minute
apart could look like one. These say what depends on those times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import pytest

from aixin.bootstrap import build_idempotency_store, build_key_store
from aixin.settings import Settings
from tests.conftest import postgres_params

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(request.param, data_key_cache_seconds=0.1)


def test_an_idempotency_claim_keeps_the_time_it_was_made(settings: Settings) -> None:
    store = build_idempotency_store(settings)
    before = time.time()
    assert store.claim("admin", "k", "f") is None
    stored = store.get("admin", "k")
    assert stored is not None and before - 1 <= stored.created <= time.time() + 1
    store.close()


def test_a_claim_in_flight_is_never_taken_for_one_a_dead_process_left(
        settings: Settings) -> None:
    store = build_idempotency_store(settings)
    assert store.claim("admin", "k", "f") is None
    again = store.claim("admin", "k", "f")  # a concurrent replay: the first is in flight
    assert again is not None and again.status is None
    store.close()


def test_each_of_two_erasures_in_another_process_is_followed(settings: Settings) -> None:
    here, there = build_key_store(settings), build_key_store(settings)
    first = here.key_for_sealing("k-1", ["child-1"])
    second = here.key_for_sealing("k-2", ["child-2"])
    assert first is not None and second is not None
    there.shred("child-1")
    time.sleep(0.2)
    assert here.key("k-1") is None and here.key("k-2") == second
    there.shred("child-2")  # a moment later: a later destruction than the first
    time.sleep(0.2)
    assert here.key("k-2") is None
    here.close()
    there.close()


@pytest.mark.postgres
def test_times_kept_as_real_by_an_older_store_are_widened_at_start(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings("postgres", data_key_cache_seconds=0.1)
    build_key_store(settings).close()
    build_idempotency_store(settings).close()
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        for schema, table, column in OLDER_REAL_COLUMNS:
            conn.execute(f'ALTER TABLE "{settings.postgres_schema}_{schema}".{table}'
                         f" ALTER COLUMN {column} TYPE REAL")
        for schema in {schema for schema, _, _ in OLDER_REAL_COLUMNS}:  # made before versions
            conn.execute(f'DROP TABLE "{settings.postgres_schema}_{schema}".schema_versions')
    keys, replies = build_key_store(settings), build_idempotency_store(settings)
    with psycopg.connect(**postgres_params()) as conn:
        types = {(schema, table, column): conn.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = %s"
            " AND table_name = %s AND column_name = %s",
            (f"{settings.postgres_schema}_{schema}", table, column)).fetchone()
            for schema, table, column in OLDER_REAL_COLUMNS}
    assert set(types.values()) == {("double precision",)}, types
    keys.close()
    replies.close()


#: (schema suffix, table, column) of the times an older store kept as REAL.
OLDER_REAL_COLUMNS = (("keys", "data_keys", "created"), ("keys", "data_keys", "destroyed"),
                      ("api", "idempotency_keys", "created"))
