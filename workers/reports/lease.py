"""Who is producing a report now: a short lease, renewed while the work runs (heartbeat).

An attempt at a report (``ReportStarted`` in the log) holds the report's lease beside the log,
next to the produced reports (the same SQLite file, or PostgreSQL schema ``<schema>_reports``).
Every task working for the attempt (planning it, computing a part, combining the parts)
renews it every third of the lease while it runs, and once more when it hands over to the
next task. A worker killed mid-report (SIGKILL, a machine lost) stops renewing: once the lease
has run out, the next sweep (``aixin.reports.requeue``) or any re-delivered task takes the
report over with a new attempt, within minutes rather than the broker's hour.

Taking the lease is one conditional write, so of two workers trying at once one gets it. A
superseded attempt still running is harmless: every step is idempotent, the first completion
is recorded and the rest find the report settled.

Why not a short broker visibility timeout: Redis would hand every task running longer than it,
and every retry parked with a countdown, to a second worker while the first is still on it
(reminders included); the lease is the report's own, renewed for exactly as long as the work
is alive, however long it takes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, create

log = logging.getLogger(__name__)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS report_leases ("
    " report_id TEXT PRIMARY KEY, attempt INTEGER NOT NULL, holder TEXT NOT NULL,"
    " expires DOUBLE PRECISION NOT NULL)",
)


class ReportLeases(TablesBesideTheLog):
    """The reports' leases: which attempt holds each report until when (Unix time)."""

    store = "report_leases"
    migrations = (Migration(1, "who holds each report's lease until when", create(*_SCHEMA)),)

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore, *,
                 seconds: float) -> None:
        super().__init__(datastore)
        self.seconds = seconds

    def take(self, report_id: UUID, *, attempt: int, holder: str) -> bool:
        """Take the report's lease for ``attempt``: True if it was free, had run out, or is
        ``holder``'s already (a retried task); False if another holder's is running."""
        now = time.time()
        with self._tx() as tx:
            row = tx.execute(
                "INSERT INTO report_leases (report_id, attempt, holder, expires)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (report_id) DO UPDATE SET"
                " attempt = excluded.attempt, holder = excluded.holder,"
                " expires = excluded.expires"
                " WHERE report_leases.expires < ? OR report_leases.holder = excluded.holder"
                " RETURNING attempt",
                (str(report_id), attempt, holder, now + self.seconds, now)).one()
        return row is not None

    def renew(self, report_id: UUID, attempt: int) -> bool:
        """Push ``attempt``'s lease a whole lease ahead; False if another attempt holds it
        (this one was presumed dead and superseded) or the report is settled."""
        with self._tx() as tx:
            row = tx.execute(
                "UPDATE report_leases SET expires = ? WHERE report_id = ? AND attempt = ?"
                " RETURNING attempt", (time.time() + self.seconds, str(report_id),
                                       attempt)).one()
        return row is not None

    def moved(self, report_id: UUID, *, holder: str, attempt: int) -> None:
        """The attempt ``holder`` recorded is ``attempt`` (another process started one the
        lease did not know of)."""
        with self._tx() as tx:
            tx.execute("UPDATE report_leases SET attempt = ? WHERE report_id = ?"
                       " AND holder = ?", (attempt, str(report_id), holder))

    def release(self, report_id: UUID, *, attempt: int | None = None) -> None:
        """Give the lease up (the report is settled; or ``attempt`` was not started)."""
        with self._tx() as tx:
            if attempt is None:
                tx.execute("DELETE FROM report_leases WHERE report_id = ?", (str(report_id),))
            else:
                tx.execute("DELETE FROM report_leases WHERE report_id = ? AND attempt = ?",
                           (str(report_id), attempt))

    def running_out(self, report_ids: list[str]) -> set[str]:
        """Of these reports, those whose lease has run out, or that have none."""
        if not report_ids:
            return set()
        marks = ", ".join("?" for _ in report_ids)
        with self._tx(commit=False) as tx:
            live = {row["report_id"] for row in tx.execute(
                f"SELECT report_id FROM report_leases WHERE report_id IN ({marks})"
                " AND expires >= ?", (*report_ids, time.time())).all()}
        return set(report_ids) - live

    @contextmanager
    def kept(self, report_id: UUID, attempt: int) -> Iterator[None]:
        """Renew ``attempt``'s lease every third of the lease while the block runs, and once
        more as it ends (for the next task of the attempt to pick the work up)."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.seconds / 3):
                try:
                    if not self.renew(report_id, attempt):
                        log.warning("report %s: attempt %d was superseded", report_id,
                                    attempt)
                        return
                except Exception:  # the database briefly away: try again at the next beat
                    log.warning("report %s: could not renew the lease", report_id,
                                exc_info=True)

        heart = threading.Thread(target=beat, name=f"report-lease-{report_id}", daemon=True)
        heart.start()
        try:
            yield
        finally:
            stop.set()
            heart.join()
            try:
                self.renew(report_id, attempt)
            except Exception:
                log.warning("report %s: could not renew the lease", report_id, exc_info=True)
