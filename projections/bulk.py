"""A rebuild from zero that folds the log in a private database and writes each view once.

Rebuilding from zero, a view's incremental handlers need not send each batch's reads and
writes to the store in service: each view's own handlers run against a private SQLite *fold
database* (a file of the rebuild's own, no journal, no fsync, a bounded page cache), where
their reads and index upkeep stay in this process. At the end:

- on PostgreSQL, the fold's final rows are copied (``COPY``) into a new generation whose
  tables have no index yet; then, in one transaction, the indexes are built, the tables
  analysed, the position and shape recorded
  (:meth:`storage.views.ViewStore.install_bare`);
- on SQLite, the fold database *is* the new generation: it is written beside the view's
  files, given its position and shape, and takes its place by a rename
  (:meth:`storage.views.ViewStore.install_file`).

Once every view's new generation is whole, the pointers move together
(:meth:`storage.views.ViewStore.promote_all`, one transaction on PostgreSQL).

A view with a folding of its own in plain Python (:mod:`projections.foldings`: the hash
chain, the timeline, the report's facts, the duties and the children's and pairings'
registers) is folded in memory, keeps no fold database on PostgreSQL, and has the rows it
makes final copied into the new generation's bare tables a stretch at a time, the rows later
events could change at the end (:class:`OwnFold`); on SQLite they are inserted into its fold
database, which takes its place as above. A folding may read back, at the end, what its fold
wrote (:meth:`OwnFold.rows`).

The generation in service answers until then, so a rebuild never shows a half-built view;
one that dies half-way leaves it in service, and the next rebuild starts afresh. What was
recorded meanwhile is applied by the incremental path
(:meth:`projections.runner.ViewRunner.catch_up_together`), and the old generation dropped.

The log is read and decoded once for every view folded in the process
(:func:`decoded`); :mod:`aixin.rebuild` shares decoded stretches of it among processes.
A policy (:class:`projections.policies.PairingsFollowTheirMembers`) issues its commands as
it folds, exactly as the incremental rebuild does: each is idempotent, so one already
carried out records nothing again.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteDatastore

from projections.applying import Target
from projections.folding import Folded, Folding
from projections.foldings import folding_of
from projections.projection import View
from storage.collecting import collector_paused
from storage.recorders import PostgresViewRecorder, SQLiteViewRecorder
from storage.views import ViewStore, record_shape, table_names

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
#: A stretch of the log: the stored rows (for a view made of them, the hash chain) and
#: the (position, domain event) pairs decoded from them.
Stretch = tuple[Sequence[Any], Sequence[tuple[int, Any]]]

#: Pages of the fold database's cache, per view (negative: KiB); the rest is the OS's.
FOLD_CACHE_KIB = 64 * 1024
#: Prepared statements each fold database's connection keeps.
FOLD_STATEMENTS = 512
#: Rows per COPY read from the fold database at a time.
COPY_CHUNK = 5_000


class _FoldPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        # The library's connection, but with a statement cache (it keeps one statement): a
        # view's handlers run a few dozen statements over and over, each prepared once.
        raw = sqlite3.connect(self.db_name, uri=True, check_same_thread=False,
                              isolation_level=None, cached_statements=FOLD_STATEMENTS)
        raw.row_factory = sqlite3.Row
        raw.execute("PRAGMA journal_mode=OFF")  # rebuilt from the log if it is lost
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute(f"PRAGMA cache_size=-{FOLD_CACHE_KIB}")
        raw.execute("PRAGMA temp_store=MEMORY")
        return SQLiteConnection(sqlite_conn=raw, max_age=None)


class FoldDatastore(SQLiteDatastore):
    """A fold database: one connection, no journal and no fsync. Nothing else reads it
    until it is complete, and a fold that dies is started again from zero."""

    def __init__(self, db_name: str) -> None:
        super().__init__(db_name, pool_size=1, max_overflow=0)
        self.pool.close()
        self.pool = _FoldPool(db_name=db_name, pool_size=1, max_overflow=0)


@dataclass
class Fold:
    """One view folded into its fold database."""

    view: type[View]
    path: Path
    recorder: SQLiteViewRecorder
    projection: View
    position: int = 0

    @classmethod
    def open(cls, view: type[View], path: Path, app: Application) -> Fold:
        """The fold database at ``path`` (made with the view's tables and the indexes its
        handlers read through, if it is not there yet; see :meth:`View.fold_schema`) and the
        view folding into it."""
        recorder = SQLiteViewRecorder(FoldDatastore(str(path)), schema=view.fold_schema()[0])
        recorder.create_table()
        return cls(view, path, recorder, view.for_app(recorder, app),
                   recorder.max_tracking_id(app.name) or 0)

    def apply(self, app: Application, stretch: Stretch, more_to_come: bool) -> int:
        """Fold a stretch of the log (what lies after this fold's position), one
        transaction with its position; an event the view cannot apply is set aside as the
        incremental path sets it aside. Returns the events applied."""
        notifications, events = stretch
        if not notifications:
            return 0
        target = Target(self.recorder, self.projection, self.position, self._remake(app))
        self.projection.read_along(notifications)
        applied = target.apply(app.name, events, notifications[-1].id, more_to_come)
        self.projection, self.position = target.projection, target.position
        return applied

    def _remake(self, app: Application) -> Callable[[], View]:
        return lambda: self.view.for_app(self.recorder, app)

    def close(self) -> None:
        self.recorder.datastore.close()


@dataclass
class OwnFold:
    """One view folded by its own :class:`projections.projection.Folding`, the rows it
    makes written as it makes them, a transaction a stretch: on PostgreSQL by COPY into
    the new generation's bare tables (:meth:`ViewStore.bare_generation`), on SQLite into
    the fold database, with the position. Between the processes that fold the log one
    stretch after another, the folding's state and its position are pickled beside the
    fold (``.state``). A stretch the folding cannot fold fails the rebuild, which leaves
    the view in service as it was."""

    view: type[View]
    path: Path
    folding: Folding
    #: The fold database (SQLite) or the bare generation (PostgreSQL) the rows go to.
    recorder: SQLiteViewRecorder | PostgresViewRecorder
    position: int = 0
    closed: bool = False

    @classmethod
    def open(cls, view: type[View], path: Path, app: Application, folding: Folding,
             bare: PostgresViewRecorder | None = None) -> OwnFold:
        """The fold of ``view`` at ``path`` by ``folding``, or taken up where the last
        process left it; its rows written into ``bare`` if given, else into the fold
        database at ``path``."""
        state, position = _state_path(path), 0
        if state.exists():
            with state.open("rb") as kept, collector_paused():  # millions of objects made
                folding, position = pickle.load(kept)  # this rebuild's own file
            folding.app = app
        recorder: SQLiteViewRecorder | PostgresViewRecorder
        if bare is None:
            recorder = SQLiteViewRecorder(FoldDatastore(str(path)),
                                          schema=view.fold_schema()[0])
            recorder.create_table()
        else:
            recorder = bare
        return cls(view, path, folding, recorder, position)

    def apply(self, app: Application, stretch: Stretch, more_to_come: bool) -> int:
        """Fold a stretch of the log (what lies after this fold's position) and write the
        rows it adds; returns the events folded."""
        stored, events = stretch
        if stored and stored[0].id <= self.position:  # part of it folded before
            stored = [row for row in stored if row.id > self.position]
            events = [pair for pair in events if pair[0] > self.position]
        if not stored:
            return 0
        last = stored[-1].id
        try:
            folded = self.folding.fold(stored, events)
        except Exception as error:
            raise RuntimeError(
                f"the view {self.view.name} could not fold the log between positions "
                f"{stored[0].id} and {last} ({type(error).__name__}: {error}); the view in "
                "service stays as it was (a rebuild by the view's handlers, with bulk "
                "rebuilding off, sets such an event aside)") from error
        self._write(folded, Tracking(app.name, last))
        self.position = last
        return len(events)

    def finish(self) -> None:
        """Write the rows the folding held back until the whole log was folded."""
        self._write(self.folding.finish(self), None)

    def rows(self, table: str, columns: Sequence[str],
             by: str) -> Generator[tuple[Any, ...], None, None]:
        """``columns`` of every row of ``table`` written so far, ordered by ``by``
        (:class:`projections.folding.Written`): streamed, never all in memory. Its reader
        closes it when done with it, or when it fails (it holds a connection meanwhile)."""
        listed = ", ".join(columns)
        if isinstance(self.recorder, PostgresViewRecorder):
            schema = self.recorder.datastore.schema
            with self.recorder.datastore.transaction(commit=False) as cursor, cursor.copy(
                    f'COPY (SELECT {listed} FROM "{schema}"."{table}" ORDER BY {by} COLLATE "C")'
                    " TO STDOUT") as stream:  # by bytes: the rows of one key together, cheaply
                yield from stream.rows()
            return
        with self.recorder.datastore.transaction(commit=False) as lite, \
                lite as raw:  # the sqlite3 cursor itself: it reads as it is iterated
            raw.execute(f"SELECT {listed} FROM {table} ORDER BY {by}")
            yield from (tuple(row) for row in raw)

    def _write(self, folded: Folded, tracking: Tracking | None) -> None:
        if isinstance(self.recorder, PostgresViewRecorder):
            _copy_folded(self.recorder, folded)
        else:
            _insert_folded(self.recorder, folded, tracking)

    def keep(self) -> None:
        """Keep the folding's state and position beside the fold, for the process that
        folds the next stretches (:mod:`aixin.rebuild`)."""
        with _state_path(self.path).open("wb") as kept, collector_paused():
            pickle.dump((self.folding, self.position), kept, pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        """Close the fold; a state kept for another process is left for it."""
        if not self.closed:
            self.closed = True
            self.recorder.datastore.close()


def _copy_folded(bare: PostgresViewRecorder, folded: Folded) -> None:
    """Rows folded, into the bare generation's tables: one COPY a table, one transaction."""
    schema = bare.datastore.schema
    with bare.datastore.transaction(commit=True) as cursor:
        for table, (columns, rows) in folded.items():
            if rows:
                listed = ", ".join(columns)
                with cursor.copy(f'COPY "{schema}"."{table}" ({listed}) FROM STDIN') as stream:
                    for row in rows:
                        stream.write_row(row)


def _insert_folded(fold: SQLiteViewRecorder, folded: Folded,
                   tracking: Tracking | None) -> None:
    """Rows folded, into the fold database's tables, with the position they reach."""
    with fold.datastore.transaction(commit=True) as cursor:
        for table, (columns, rows) in folded.items():
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)})"
                               f" VALUES ({', '.join('?' * len(columns))})", rows)
        if tracking is not None:
            fold._insert_tracking(cursor, tracking)


def _state_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.state")


def decoded(app: Application, *, start: int = 0, size: int = 2_000,
            progress: Progress | None = None) -> Iterator[Stretch]:
    """The log after ``start``, read and decoded once, a stretch of ``size`` at a time."""
    head = app.recorder.max_notification_id() or 0
    position, read = start, 0
    while True:
        notifications = app.recorder.select_notifications(start=position, limit=size,
                                                          inclusive_of_start=False)
        if not notifications:
            return
        events = [(n.id, app.mapper.to_domain_event(n)) for n in notifications]
        position, read = notifications[-1].id, read + len(notifications)
        if progress is not None:
            progress(read, max(read, head - start))
        yield notifications, events


def fold_stretch(folds: Sequence[Fold | OwnFold], app: Application, stretch: Stretch, *,
                 more_to_come: bool, pause_collector: bool = True) -> int:
    """Fold one decoded stretch into every fold; returns the events applied, summed."""
    with collector_paused() if pause_collector else nullcontext():
        return sum(fold.apply(app, stretch, more_to_come) for fold in folds)


@dataclass
class BulkRebuild:
    """Views rebuilt from zero by folding, put in service together once all are whole."""

    app: Application
    store: ViewStore
    views: Sequence[type[View]]
    #: Where PostgreSQL's fold databases are written (default: the system's temp folder).
    fold_dir: Path | None = None

    def __post_init__(self) -> None:
        self.old = {view.name: self.store.current_generation(view.name) for view in self.views}
        self.new = {name: generation + 1 for name, generation in self.old.items()}
        self._scratch: Path | None = None

    def start(self) -> None:
        """Clear what a rebuild that died half-way left: its generation, its folds, and the
        generation before the one in service (one that died between putting the views in
        service and dropping what they replaced)."""
        for view in self.views:
            self.store.drop(view.name, self.new[view.name])
            if self.old[view.name] > 1:
                self.store.drop(view.name, self.old[view.name] - 1)
            if self.store.engine == "sqlite":
                self.fold_path(view).unlink(missing_ok=True)
                for left in self.fold_path(view).parent.glob(f"{view.name}.*fold.state"):
                    left.unlink(missing_ok=True)  # a folding's state, of any generation
        if self.store.engine == "postgres":
            for left in self._scratch_root().glob(f"{self._scratch_name()}.*"):
                pid = left.suffix[1:]
                if pid.isdigit() and not _alive(int(pid)):  # its rebuild was killed
                    shutil.rmtree(left, ignore_errors=True)

    def fold_path(self, view: type[View]) -> Path:
        """Where ``view``'s fold database is written: beside the view's files on SQLite;
        on PostgreSQL in a folder of this process's own under the temp folder (mode 0700),
        which a later rebuild removes if this process dies without removing it."""
        if self.store.engine == "sqlite":
            return self.store.fold_path(view.name, self.new[view.name])
        if self._scratch is None:
            scratch = self._scratch_root() / f"{self._scratch_name()}.{os.getpid()}"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(mode=0o700, parents=True)
            self._scratch = scratch
        return self._scratch / f"{view.name}.sqlite3"

    def _scratch_root(self) -> Path:
        return self.fold_dir or Path(tempfile.gettempdir())

    def _scratch_name(self) -> str:
        prefix = self.store.postgres.schema_prefix if self.store.postgres else "views"
        return f"aixin-fold-{prefix}"

    def open_folds(self, views: Sequence[type[View]] | None = None) -> list[Fold | OwnFold]:
        return [self.open_fold(view, self.fold_path(view))
                for view in (self.views if views is None else views)]

    def open_fold(self, view: type[View], path: Path) -> Fold | OwnFold:
        """The fold of ``view`` at ``path``: by its own folding where it has one (on
        PostgreSQL into the new generation's bare tables), else by its handlers."""
        folding = folding_of(view, self.app)
        if folding is None:
            return Fold.open(view, path, self.app)
        bare = (self.store.bare_generation(view, self.new[view.name])
                if self.store.engine == "postgres" else None)
        return OwnFold.open(view, path, self.app, folding, bare)

    def install(self, fold: Fold | OwnFold) -> None:
        """Make the folded view's new generation whole: rows, indexes, position and shape
        (see the module's text); :meth:`finish` puts it in service."""
        view, generation = fold.view, self.new[fold.view.name]
        tracking = Tracking(self.app.name, fold.position)
        if isinstance(fold, OwnFold):
            fold.finish()
            _state_path(fold.path).unlink(missing_ok=True)
        if isinstance(fold, OwnFold) and isinstance(fold.recorder, PostgresViewRecorder):
            try:
                self.store.install_bare(view, generation, fold.recorder, tracking)
            finally:
                fold.close()
            return
        if self.store.engine == "sqlite":
            with fold.recorder.datastore.transaction(commit=True) as cursor:
                for statement in view.fold_schema()[1]:  # on PostgreSQL: install_bare's
                    cursor.execute(statement)
            record_shape(fold.recorder, view.shape())
            fold.close()
            self.store.install_file(view, generation, fold.path)
            return
        assert isinstance(fold, Fold)
        bare = self.store.bare_generation(view, generation)
        try:
            copy_rows(fold, bare)
            self.store.install_bare(view, generation, bare, tracking)
        finally:
            bare.datastore.close()
            fold.close()
            fold.path.unlink(missing_ok=True)

    def finish(self, runner: Any) -> int:
        """Put every view's new generation in service together, apply what was recorded
        while folding (the incremental path), then drop the generations the rebuilt views
        replaced; returns the events applied."""
        self.store.promote_all({view.name: self.new[view.name] for view in self.views})
        applied = int(runner.catch_up_together(self.views))
        for view in self.views:
            self.store.drop(view.name, self.old[view.name])
            log.info("rebuilt view %s into generation %d", view.name, self.new[view.name])
        return applied

    def abandon(self) -> None:
        """Drop the new generations, for a rebuild that failed before putting them in
        service (those made whole included): the ones in service stay."""
        for view in self.views:
            self.store.drop(view.name, self.new[view.name])

    def clean(self) -> None:
        """Remove the rebuild's own scratch folder (PostgreSQL's folds), if any."""
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def rebuild_in_bulk(runner: Any, views: Sequence[type[View]],
                    progress: Progress | None = None) -> int:
    """Rebuild ``views`` from zero by folding, in this process (see the module's text);
    returns the events applied, summed over the views."""
    bulk = BulkRebuild(runner.app, runner.store, views)
    bulk.start()
    folds = bulk.open_folds()
    try:
        runner.texts.hold_keys()  # the whole log is read: most records' texts are opened
        head = runner.app.recorder.max_notification_id() or 0
        applied = 0
        # paused for the whole fold, decoding included: the folds' rows held in memory live
        # to the end, and each collection would walk them all again
        with collector_paused() if runner.pause_collector else nullcontext():
            for stretch in decoded(runner.app,
                                   size=runner.rebuild_batch_size or runner.batch_size,
                                   progress=progress):
                applied += fold_stretch(folds, runner.app, stretch,
                                        more_to_come=stretch[0][-1].id < head,
                                        pause_collector=False)
        for fold in folds:
            bulk.install(fold)
    except BaseException:
        bulk.abandon()
        raise
    finally:
        for fold in folds:
            fold.close()
        bulk.clean()
    return applied + bulk.finish(runner)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def copy_rows(fold: Fold, bare: PostgresViewRecorder) -> None:
    """Copy every table of the fold (and the events it set aside) into the bare
    generation, each by one COPY in PostgreSQL's text format, which reads each value by its
    column's type as an INSERT would: what SQLite hands back (int, float, str, bytes, None)
    is taken as it is (a BOOLEAN column reads SQLite's 1 and 0), but for text kept in a
    BYTEA column, which is copied as its bytes."""
    schema = bare.datastore.schema
    source = fold.recorder.datastore
    with bare.datastore.transaction(commit=True) as cursor, \
            source.transaction(commit=False) as reading:
        raw: Any = getattr(reading, "sqlite_cursor", reading)
        for table in (*table_names(fold.view.schema), "set_aside"):
            columns = cursor.execute(
                "SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
                " ORDER BY attnum", (f'"{schema}"."{table}"',)).fetchall()
            listed = ", ".join(f'"{column["attname"]}"' for column in columns)
            binary = [index for index, column in enumerate(columns)
                      if column["type"] == "bytea"]
            raw.execute(f"SELECT {listed} FROM {table}")
            with cursor.copy(f'COPY "{schema}"."{table}" ({listed}) FROM STDIN') as stream:
                write = stream.write_row
                while rows := raw.fetchmany(COPY_CHUNK):
                    for row in rows:
                        if binary and any(type(row[index]) is str for index in binary):
                            row = tuple(value.encode() if index in binary
                                        and type(value) is str else value
                                        for index, value in enumerate(row))
                        write(row)
