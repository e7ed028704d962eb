"""Benchmark: how a view's rows are best sent, per engine.

Rows shaped as the timeline's (ten columns of text and whole numbers) are added to a table in
one transaction, each way timed over the same rows, best of ``--repeat``:

- PostgreSQL, in pipeline mode as the recorders' batches are: psycopg's own ``executemany``
  (pipelined, one statement per row) and ``Tx.insert`` (multi-row statements); and, outside
  pipeline mode, ``Tx.append``'s COPY, the ceiling;
- SQLite: ``executemany`` and ``Tx.insert`` (multi-row statements).

    .venv/bin/python bench/sql_writes.py [--rows 20000] [--repeat 5]

Uses the PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, db test), in a
throwaway schema dropped at the end.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.sql import Tx
from tests.conftest import postgres_params

COLUMNS = ("child_id", "position", "aggregate_id", "aggregate_version", "event_type",
           "actor_id", "actor_role", "occurred_on", "recorded_at", "details")
TABLE = ("CREATE TABLE entries (child_id TEXT, position BIGINT, aggregate_id TEXT,"
         " aggregate_version INTEGER, event_type TEXT, actor_id TEXT, actor_role TEXT,"
         " occurred_on TEXT, recorded_at TEXT, details TEXT)")


def rows_of(count: int) -> list[tuple[Any, ...]]:
    return [(str(uuid.uuid4()), n, str(uuid.uuid4()), n % 50, "ContactRecorded", "u-17",
             "volunteer", "2026-03-01", "2026-03-01T08:00:00.000000+00:00",
             '{"kind": "phone", "summary": "电话联系 一切都好"}') for n in range(count)]


def best(repeat: int, once: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    return min(times)


def postgres(rows: list[tuple[Any, ...]], repeat: int) -> dict[str, float]:
    p = postgres_params()
    schema = f"bench_sql_writes_{uuid.uuid4().hex[:8]}"
    marks = ", ".join(["%s"] * len(COLUMNS))
    statement = f"INSERT INTO entries ({', '.join(COLUMNS)}) VALUES ({marks})"
    with psycopg.connect(host=p["host"], port=p["port"], user=p["user"],
                         dbname=p["dbname"], autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute(TABLE)
        try:
            def way(send: Callable[[psycopg.Cursor[Any]], None]) -> Callable[[], None]:
                def once() -> None:
                    with conn.transaction(force_rollback=True), conn.cursor() as cursor:
                        send(cursor)
                return once

            def executemany(cursor: psycopg.Cursor[Any]) -> None:
                with conn.pipeline():
                    cursor.executemany(statement, rows)

            def insert(cursor: psycopg.Cursor[Any]) -> None:
                with conn.pipeline() as pipeline:
                    tx = Tx(cursor, "postgres", deferred=True, sync=pipeline.sync)
                    tx.insert("entries", COLUMNS, rows)
                    tx.flush()

            def append(cursor: psycopg.Cursor[Any]) -> None:
                tx = Tx(cursor, "postgres", deferred=True)
                tx.append("entries", COLUMNS, rows)
                tx.flush()

            return {name: best(repeat, way(send)) for name, send in (
                ("executemany, pipelined", executemany), ("Tx.insert, multi-row", insert),
                ("Tx.append, COPY (ceiling)", append))}
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def sqlite(rows: list[tuple[Any, ...]], repeat: int) -> dict[str, float]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(TABLE)
    marks = ", ".join(["?"] * len(COLUMNS))
    statement = f"INSERT INTO entries ({', '.join(COLUMNS)}) VALUES ({marks})"

    def way(send: Callable[[sqlite3.Cursor], None]) -> Callable[[], None]:
        def once() -> None:
            cursor = conn.cursor()
            cursor.execute("BEGIN")
            send(cursor)
            cursor.execute("ROLLBACK")
        return once

    def insert(cursor: sqlite3.Cursor) -> None:
        tx = Tx(cursor, "sqlite", deferred=True)
        tx.insert("entries", COLUMNS, rows)
        tx.flush()

    return {name: best(repeat, way(send)) for name, send in (
        ("executemany", lambda cursor: cursor.executemany(statement, rows)),
        ("Tx.insert, multi-row", insert))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = rows_of(args.rows)
    for engine, figures in (("postgres", postgres(rows, args.repeat)),
                            ("sqlite", sqlite(rows, args.repeat))):
        fastest = min(figures.values())
        print(f"{engine}: {args.rows:,} rows of {len(COLUMNS)} columns, one transaction,"
              f" best of {args.repeat}")
        for name, seconds in figures.items():
            print(f"  {name:<28} {args.rows / seconds:>10,.0f} rows/s"
                  f"  ({seconds / fastest:.2f}x the fastest's time)")


if __name__ == "__main__":
    main()
