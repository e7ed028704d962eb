"""The tables beside the log are brought up to date by each store's numbered migrations,
each applied once, on SQLite and the real PostgreSQL, however many processes start together."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

import pytest

from aixin.bootstrap import beside_the_log
from aixin.settings import Settings
from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, create
from storage.sql import Tx

pytestmark = pytest.mark.timeout(120)


def _noted(tx: Tx) -> None:
    tx.execute("INSERT INTO notes (what) VALUES ('the second step ran')")


class Notes(TablesBesideTheLog):
    """A store whose second step leaves a row each time it runs."""

    store = "notes"
    migrations: ClassVar[tuple[Migration, ...]] = (
        Migration(1, "the notes", create("CREATE TABLE IF NOT EXISTS notes (what TEXT)")),
        Migration(2, "a note", _noted),
    )

    def notes(self) -> int:
        with self._tx(commit=False) as tx:
            return int(tx.execute("SELECT COUNT(*) FROM notes").scalar())

    def version(self) -> int:
        with self._tx(commit=False) as tx:
            return int(tx.execute("SELECT version FROM schema_versions WHERE store = ?",
                                  (self.store,)).scalar())


class MoreNotes(Notes):
    """The same store, a version later."""

    migrations = (*Notes.migrations, Migration(3, "another note", _noted))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(request.param)


def test_a_store_started_again_applies_none_of_its_migrations_again(settings: Settings) -> None:
    Notes(beside_the_log(settings, "notes.sqlite3", "notes")).close()
    again = Notes(beside_the_log(settings, "notes.sqlite3", "notes"))
    assert (again.notes(), again.version()) == (1, 2)
    again.close()


def test_a_migration_added_at_the_end_is_applied_alone_at_the_next_start(
        settings: Settings) -> None:
    Notes(beside_the_log(settings, "notes.sqlite3", "notes")).close()
    later = MoreNotes(beside_the_log(settings, "notes.sqlite3", "notes"))
    assert (later.notes(), later.version()) == (2, 3)
    later.close()


def test_processes_starting_together_apply_each_migration_once(settings: Settings) -> None:
    def start(_: int) -> None:
        Notes(beside_the_log(settings, "notes.sqlite3", "notes")).close()

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(start, range(6)))
    store = Notes(beside_the_log(settings, "notes.sqlite3", "notes"))
    assert (store.notes(), store.version()) == (1, 2)
    store.close()


def test_a_list_with_a_gap_in_its_numbers_is_refused(settings: Settings) -> None:
    class Gap(Notes):
        migrations = (Notes.migrations[0], Migration(3, "a step numbered past a gap", _noted))

    with pytest.raises(ValueError, match="numbered"):
        Gap(beside_the_log(settings, "notes.sqlite3", "notes"))
