"""For the integrity tests: a little recorded care, and the events table reached directly."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import psycopg

from aixin.bootstrap import build_register, build_runner
from aixin.settings import Settings
from domain.application import CareRegister
from projections.catalog import ALL_VIEWS
from projections.projection import View
from projections.runner import ViewRunner
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params

Store = tuple[CareRegister, ViewRunner]


@contextmanager
def opened(settings: Settings) -> Iterator[Store]:
    """The register and its views on ``settings``' store, today being the tests' TODAY."""
    register = build_register(settings, clock=lambda: TODAY)
    runner = build_runner(settings, register)
    try:
        yield register, runner
    finally:
        runner.store.close()
        register.close()


def record_some_care(register: CareRegister, children: int = 3) -> list[UUID]:
    """An approved volunteer paired with each of a few children, with contacts and a
    concern: a dozen or two events of every common kind. Returns the children's ids."""
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  on=date(2026, 2, 1), actor=REVIEWERS[level])
    ids = []
    for index in range(children):
        child = register.register_child(actor=STAFF, **child_record(name=f"王小花{index}"))
        pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                        principle="nearby", starts_on=date(2026, 3, 10),
                                        actor=STAFF)
        register.record_contact(pairing, kind="home_visit", notes="看望", actor=MOTHER,
                                occurred_on=date(2026, 4, 2))
        ids.append(child)
    register.report_concern(ids[0], kind="absence", description="缺课三天", actor=STAFF,
                            occurred_on=date(2026, 5, 6))
    return ids


@dataclass
class EventTable:
    """The register's events table, reached as someone with the database's password would:
    plain SQL on a connection of one's own, not through the application."""

    settings: Settings
    register: CareRegister

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``?`` placeholders; ``{table}`` and ``{position}`` filled in)."""
        table = self.register.recorder.events_table_name  # type: ignore[attr-defined]
        if self.settings.store == "sqlite":
            statement = sql.format(table=table, position="rowid")
            with sqlite3.connect(self.settings.sqlite_path) as connection:
                return connection.execute(statement, params).fetchall()
        statement = sql.format(table=f'"{self.settings.postgres_schema}"."{table}"',
                               position="notification_id").replace("?", "%s")
        with psycopg.connect(**postgres_params(), autocommit=True) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def row(self, position: int) -> tuple[str, int, str, bytes]:
        """The originator id (as text), version, topic and state stored at ``position``."""
        [(originator_id, version, topic, state)] = self.execute(
            "SELECT originator_id, originator_version, topic, state FROM {table}"
            " WHERE {position} = ?", (position,))
        return str(UUID(str(originator_id))), version, topic, bytes(state)

    def flip_a_byte(self, position: int) -> None:
        """Change one byte of the stored state (still bytes, the same length)."""
        state = bytearray(self.row(position)[3])
        state[len(state) // 2] ^= 0x01
        self.execute("UPDATE {table} SET state = ? WHERE {position} = ?",
                     (bytes(state), position))

    def delete(self, position: int) -> None:
        self.execute("DELETE FROM {table} WHERE {position} = ?", (position,))

    def insert(self, position: int | None, originator_id: str, version: int, topic: str,
               state: bytes) -> int:
        """Insert a row at ``position`` (None: the next one the database gives)."""
        stored_id: Any = UUID(originator_id)
        stored_id = stored_id.hex if self.settings.store == "sqlite" else stored_id
        if position is None:
            self.execute("INSERT INTO {table} (originator_id, originator_version, topic,"
                         " state) VALUES (?, ?, ?, ?)", (stored_id, version, topic, state))
            return int(self.execute("SELECT MAX({position}) FROM {table}")[0][0])
        self.execute("INSERT INTO {table} ({position}, originator_id, originator_version,"
                     " topic, state) VALUES (?, ?, ?, ?, ?)",
                     (position, stored_id, version, topic, state))
        return position

    def burn_a_position(self) -> None:
        """Take a position from PostgreSQL's sequence and give it back unused, as a write
        that failed (a concurrent change refused) does: a genuine gap in the log."""
        table = self.register.recorder.events_table_name  # type: ignore[attr-defined]
        schema = self.settings.postgres_schema
        self.execute(f"SELECT nextval(pg_get_serial_sequence('\"{schema}\".\"{table}\"',"
                     " 'notification_id'))")


def all_rows(runner: ViewRunner,
             views: Sequence[type[View]] = ALL_VIEWS) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view's tables, in a canonical order: two stores' read sides
    compare equal exactly when they hold the same rows."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for view in views:
        with runner.store.recorder(view).read() as tx:
            for name in view.tables:
                found = [tuple(sorted(row.items())) for row in
                         tx.execute(f"SELECT * FROM {name}").all()]
                rows[name] = sorted(found, key=repr)
    return rows
