"""The tables beside the log, versioned: each store's migrations in one ordered list.

Each store of tables beside the log (data keys; idempotency keys; the login throttle;
produced reports; their leases) lists its migrations, numbered from 1. The datastore keeps,
in ``schema_versions``, the last one applied to each store; at start a store applies those
above it, all in one transaction with the new version, so processes that start together
apply each once: the first row written for a store locks it until that transaction ends,
on SQLite and on PostgreSQL alike, and the next process then finds the version moved.

A store made before versions were kept has no row, and its migrations all run: each is
harmless on tables already in its shape (``CREATE ... IF NOT EXISTS``, a column added only
where it is missing). Views need no migrations: a view of a new shape is a new generation,
rebuilt from the log (``storage.views``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storage.sql import Tx

_VERSIONS = ("CREATE TABLE IF NOT EXISTS schema_versions ("
             " store TEXT PRIMARY KEY, version INTEGER NOT NULL)")


@dataclass(frozen=True)
class Migration:
    """One step of a store's tables, applied once: ``version`` orders it, ``change`` runs it."""

    version: int
    purpose: str
    change: Callable[[Tx], None]


def create(*statements: str) -> Callable[[Tx], None]:
    """A step running ``CREATE TABLE|INDEX IF NOT EXISTS`` statements."""
    def change(tx: Tx) -> None:
        for statement in statements:
            tx.execute(statement)
    return change


def add_column(table: str, column: str, declaration: str) -> Callable[[Tx], None]:
    """A step adding ``column`` to ``table`` where a table made earlier lacks it."""
    def change(tx: Tx) -> None:
        if column not in _columns(tx, table):
            tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    return change


def _columns(tx: Tx, table: str) -> set[str]:
    if tx.engine == "postgres":
        rows = tx.execute("SELECT column_name AS name FROM information_schema.columns"
                          " WHERE table_schema = current_schema() AND table_name = ?",
                          (table,)).all()
    else:
        rows = tx.execute("SELECT name FROM pragma_table_info(?)", (table,)).all()
    return {row["name"] for row in rows}


def widen_real_columns(tx: Tx) -> None:
    """Widen to ``DOUBLE PRECISION`` the ``REAL`` columns of a PostgreSQL schema whose times
    were once kept as ``REAL``: a 4-byte float, which rounds a Unix time to 128 seconds (a
    claim in flight could look a minute old; two destructions of keys a minute apart, like
    one). No table beside the log declares a ``REAL`` column, so any found is such a
    leftover. SQLite's ``REAL`` is 8 bytes: nothing to do there."""
    if tx.engine != "postgres":
        return
    for row in tx.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type = 'real'"
            " ORDER BY table_name, column_name").all():
        tx.execute(f'ALTER TABLE "{row["table_name"]}" ALTER COLUMN "{row["column_name"]}"'
                   " TYPE DOUBLE PRECISION")


def check_order(migrations: Sequence[Migration]) -> None:
    """A store's list is numbered 1, 2, 3, ... in order: a gap or a repeat is a mistake."""
    numbers = [migration.version for migration in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"migrations must be numbered 1..{len(numbers)} in order: {numbers}")


def create_versions(tx: Tx) -> None:
    """The table of versions itself (before any store's transaction reads it)."""
    tx.execute(_VERSIONS)


def migrate(tx: Tx, store: str, migrations: Sequence[Migration]) -> int:
    """Apply ``store``'s migrations above its recorded version in ``tx``; the version after."""
    check_order(migrations)
    # The first write takes the store's row lock (or SQLite's write lock) before the read.
    tx.execute("INSERT INTO schema_versions (store, version) VALUES (?, 0)"
               " ON CONFLICT (store) DO NOTHING", (store,))
    done = int(tx.execute("SELECT version FROM schema_versions WHERE store = ?",
                          (store,)).scalar())
    for migration in migrations:
        if migration.version > done:
            migration.change(tx)
    latest = len(migrations)
    if latest > done:
        tx.execute("UPDATE schema_versions SET version = ? WHERE store = ?", (latest, store))
    return max(latest, done)
