"""The access register (查阅台账): every read of a child's record and every break-glass
grant (紧急调阅), in the order recorded, for auditors and the annual compliance audit.

Ids, roles, instants and the stated reasons only: what was read stays in the log.
Instants are stored as UTC ISO 8601 text, so text order is time order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import BreakGlassGranted, ChildErased, RecordWasRead
from domain.personal import ERASED
from projections.projection import View
from storage.sql import Row, Tx


def utc(moment: datetime) -> str:
    """An instant as stored here: UTC, ISO 8601 with microseconds."""
    if moment.tzinfo is None:  # the library records UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class AccessRegister(View):
    """Reads of children's records (who, which child, what, why, under which grant) and
    break-glass grants (who, which child, why, from when until when)."""

    name = "access"
    tables = ("acc_reads", "acc_break_glass")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS acc_reads ("
        " position BIGINT PRIMARY KEY, read_id TEXT NOT NULL, child_id TEXT NOT NULL,"
        " user_id TEXT NOT NULL, role TEXT NOT NULL, what TEXT NOT NULL,"
        " reason TEXT NOT NULL, break_glass TEXT, read_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS acc_reads_at ON acc_reads (read_at)",
        "CREATE INDEX IF NOT EXISTS acc_reads_grant ON acc_reads (break_glass)",
        "CREATE TABLE IF NOT EXISTS acc_break_glass ("
        " position BIGINT PRIMARY KEY, grant_id TEXT NOT NULL, version INTEGER NOT NULL,"
        " child_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,"
        " reason TEXT NOT NULL, minutes INTEGER NOT NULL, granted_at TEXT NOT NULL,"
        " expires_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS acc_break_glass_at ON acc_break_glass (granted_at)",
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _read(self, e: RecordWasRead, tx: Tx) -> None:
        grant = getattr(e, "break_glass", None)  # reads recorded before break-glass lack it
        tx.append(
            "acc_reads",
            ("position", "read_id", "child_id", "user_id", "role", "what", "reason", "break_glass",
             "read_at"),
            [(tx.position, str(e.originator_id), str(e.child_id), e.actor.id, e.actor.role,
              e.what, e.reason, None if grant is None else str(grant), utc(e.timestamp))])

    @apply.register
    def _granted(self, e: BreakGlassGranted, tx: Tx) -> None:
        tx.append(
            "acc_break_glass",
            ("position", "grant_id", "version", "child_id", "user_id", "role", "reason", "minutes",
             "granted_at", "expires_at"),
            [(tx.position, str(e.originator_id), e.originator_version, str(e.child_id),
              e.actor.id, e.actor.role, e.reason, e.minutes, utc(e.timestamp),
              utc(e.expires_at))])

    @apply.register
    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        """The reasons stated for reading the child may name it: erased with its data (who
        read what, when and under which grant stays for the audit)."""
        for table in ("acc_reads", "acc_break_glass"):
            tx.execute(f"UPDATE {table} SET reason = ? WHERE child_id = ? AND reason <> ''",
                       (ERASED, str(e.originator_id)))


def _between(column: str, since: datetime | None, until: datetime | None,
             after: int | None, position: str = "position") -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if since is not None:
        clauses.append(f"{column} >= ?")
        params.append(utc(since))
    if until is not None:
        clauses.append(f"{column} < ?")
        params.append(utc(until))
    if after is not None:
        clauses.append(f"{position} > ?")
        params.append(after)
    return " AND ".join(clauses), params


def break_glass_uses(tx: Tx, *, since: datetime | None = None, until: datetime | None = None,
                     after: int | None = None, limit: int = 1000) -> list[Row]:
    """Grants made in [since, until), in the order recorded, each with ``reads``: how many
    reads of the child the user made under it."""
    where, params = _between("g.granted_at", since, until, after, "g.position")
    return tx.execute(
        "SELECT g.*, (SELECT COUNT(*) FROM acc_reads r WHERE r.break_glass = g.grant_id"
        " AND r.read_at >= g.granted_at AND r.read_at < g.expires_at) AS reads"
        f" FROM acc_break_glass g WHERE {where}"
        " ORDER BY g.position LIMIT ?", [*params, limit]).all()


def reads(tx: Tx, *, since: datetime | None = None, until: datetime | None = None,
          after: int | None = None, limit: int = 100_000) -> list[Row]:
    """Reads of children's records made in [since, until), in the order recorded."""
    where, params = _between("read_at", since, until, after)
    return tx.execute(f"SELECT * FROM acc_reads WHERE {where} ORDER BY position LIMIT ?",
                      [*params, limit]).all()


def latest_reads(tx: Tx, *, since: datetime | None = None, until: datetime | None = None,
                 before: int | None = None, limit: int = 100) -> list[Row]:
    """Reads of children's records made in [since, until), newest first, recorded before the
    position ``before`` (the next page of an auditor's list)."""
    where, params = _between("read_at", since, until, None)
    if before is not None:
        where, params = f"{where} AND position < ?", [*params, before]
    return tx.execute(f"SELECT * FROM acc_reads WHERE {where} ORDER BY position DESC LIMIT ?",
                      [*params, limit]).all()
