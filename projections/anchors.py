"""Anchors of the hash chain (锚点): its head written down, beside the log, never rebuilt.

The chain is a view and can be rebuilt from zero; a rebuild over an altered log would
witness the alteration as genuine. Anchors are kept apart from it, in a table of the
event log's own database (``careregister_chain_anchors``, named after the application),
written once per position (the first anchor at a position stays), so the log as it is
now must still lead to every hash written down before. See ``projections.integrity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from storage.sql import Tx, idempotent_ddl


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a position, written down at a time; never changed afterwards."""

    position: int
    seq: int  # entries of the chain up to the position (0: not known)
    hash: str
    anchored_at: str
    reason: str  # "every 1000 entries", "on demand", or "given" (kept outside the system)


class Anchors:
    """The anchors table, beside the event log in its own database."""

    def __init__(self, app: Any) -> None:
        datastore: Any = getattr(app.recorder, "datastore", None)
        self._datastore = datastore
        table = f"{app.name.lower()}_chain_anchors"
        if isinstance(datastore, PostgresDatastore):
            self.engine: Any = "postgres"
            self.table = f'"{datastore.schema}".{table}'
        else:
            self.engine = "sqlite"
            self.table = table
        self._created = False
        #: The in-memory store of unit tests keeps its anchors beside its events.
        self._memory: dict[int, Anchor] | None = None
        if datastore is None:
            self._memory = app.recorder.__dict__.setdefault("aixin_chain_anchors", {})

    def add(self, anchors: Sequence[Anchor]) -> None:
        """Write anchors down; where one exists at a position already, it stays."""
        if self._memory is not None:
            for anchor in anchors:
                self._memory.setdefault(anchor.position, anchor)
            return
        self._create()
        with self._datastore.transaction(commit=True) as cursor:
            Tx(cursor, self.engine).insert(
                self.table, ("position", "seq", "hash", "anchored_at", "reason"),
                [(a.position, a.seq, a.hash, a.anchored_at, a.reason) for a in anchors],
                on_conflict="ON CONFLICT (position) DO NOTHING")

    def at(self, position: int) -> Anchor | None:
        found = self._select(" WHERE position = ?", (position,))
        return found[0] if found else None

    def all(self) -> list[Anchor]:
        """Every anchor, in log order (one per thousand entries or so: few)."""
        return self._select("", ())

    def _select(self, where: str, params: tuple[Any, ...]) -> list[Anchor]:
        if self._memory is not None:
            return [self._memory[position] for position in sorted(self._memory)
                    if not params or position == params[0]]
        self._create()
        with self._datastore.transaction(commit=False) as cursor:
            rows = Tx(cursor, self.engine).execute(
                f"SELECT position, seq, hash, anchored_at, reason FROM {self.table}"
                f"{where} ORDER BY position", params).all()
        return [Anchor(int(r["position"]), int(r["seq"]), str(r["hash"]),
                       str(r["anchored_at"]), str(r["reason"])) for r in rows]

    def _create(self) -> None:
        if self._created:
            return
        statement = (f"CREATE TABLE IF NOT EXISTS {self.table} (position BIGINT PRIMARY KEY,"
                     " seq BIGINT NOT NULL, hash TEXT NOT NULL, anchored_at TEXT NOT NULL,"
                     " reason TEXT NOT NULL)")
        def run() -> None:
            with self._datastore.transaction(commit=True) as cursor:
                cursor.execute(statement)

        idempotent_ddl(run)
        self._created = True


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
