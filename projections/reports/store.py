"""Where produced reports are kept (报送材料): figures, what changed, and the files, beside the log.

A table in a SQLite file under the data folder, or in the PostgreSQL schema ``<schema>_reports``,
so an API process and the workers, on any machine, see the same reports. The log records that
a report was produced and the SHA-256 of each file (``ReportCompleted``); this store keeps the
bytes, written once: the first attempt to store a report's results wins and a later one (a
re-delivered task, a second worker) gets back what was stored, so the digests on record always
match what is served.

Files of a report: ``<stem>.json`` (the figures, canonical JSON bytes), ``<stem>.xlsx`` and
``<stem>.docx``; ``changes`` is the explanation of what moved since the previous report of the
same region and quarter (JSON), if there was one.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, create

CONTENT_TYPES = {
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _schema(blob: str) -> tuple[str, ...]:
    return (
        "CREATE TABLE IF NOT EXISTS report_results ("
        " report_id TEXT PRIMARY KEY, position BIGINT NOT NULL, figures_name TEXT NOT NULL,"
        f" figures_sha256 TEXT NOT NULL, changes {blob}, stored DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS report_files ("
        " report_id TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,"
        f" size BIGINT NOT NULL, sha256 TEXT NOT NULL, content {blob} NOT NULL,"
        " PRIMARY KEY (report_id, name))",
    )


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256}


@dataclass(frozen=True)
class StoredReport:
    """What is stored of one report (the files' bytes are read one by one)."""

    report_id: UUID
    position: int
    figures_name: str
    figures_sha256: str
    changes: dict[str, Any] | None
    files: tuple[StoredFile, ...]


def content_type(name: str) -> str:
    for suffix, kind in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class ReportStore(TablesBesideTheLog):
    """Stores each report's results once, and reads them back."""

    store = "report_results"
    migrations = (Migration(1, "each report's results and files",
                            lambda tx: create(*_schema(
                                "BYTEA" if tx.engine == "postgres" else "BLOB"))(tx)),)

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore) -> None:
        super().__init__(datastore)

    def put(self, report_id: UUID, *, position: int, figures_name: str,
            files: Mapping[str, bytes], changes: Mapping[str, Any] | None = None
            ) -> StoredReport:
        """Store the report's files (``figures_name`` among them) unless its results are
        stored already; returns what is stored, whoever stored it."""
        if figures_name not in files:
            raise ValueError(f"the figures {figures_name!r} are not among the files")
        key = str(report_id)
        changed = None if changes is None else json.dumps(
            changes, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        try:
            with self._tx(commit=True) as tx:
                tx.insert(
                    "report_results",
                    ("report_id", "position", "figures_name", "figures_sha256", "changes",
                     "stored"),
                    [(key, position, figures_name, sha256(files[figures_name]), changed,
                      time.time())])
                for name, content in sorted(files.items()):
                    tx.insert(
                        "report_files",
                        ("report_id", "name", "content_type", "size", "sha256", "content"),
                        [(key, name, content_type(name), len(content), sha256(content),
                          content)])
        except IntegrityError:
            pass  # stored by an earlier attempt: that one stands
        stored = self.get(report_id)
        if stored is None:  # pragma: no cover - the insert or the earlier one is there
            raise RuntimeError(f"the results of report {report_id} were not stored")
        return stored

    def get(self, report_id: UUID) -> StoredReport | None:
        key = str(report_id)
        with self._tx(commit=False) as tx:
            row = tx.execute("SELECT * FROM report_results WHERE report_id = ?", (key,)).one()
            if row is None:
                return None
            files = tx.execute("SELECT name, content_type, size, sha256 FROM report_files"
                               " WHERE report_id = ? ORDER BY name", (key,)).all()
        changes = row["changes"]
        return StoredReport(
            report_id=report_id, position=int(row["position"]),
            figures_name=row["figures_name"], figures_sha256=row["figures_sha256"],
            changes=None if changes is None else json.loads(bytes(changes)),
            files=tuple(StoredFile(f["name"], f["content_type"], int(f["size"]), f["sha256"])
                        for f in files))

    def file(self, report_id: UUID, name: str) -> tuple[StoredFile, bytes] | None:
        """One file of the report and its bytes, or None."""
        with self._tx(commit=False) as tx:
            row = tx.execute("SELECT * FROM report_files WHERE report_id = ? AND name = ?",
                             (str(report_id), name)).one()
        if row is None:
            return None
        return (StoredFile(row["name"], row["content_type"], int(row["size"]), row["sha256"]),
                bytes(row["content"]))

    def figures(self, report_id: UUID) -> bytes | None:
        """The report's figures as stored: canonical JSON bytes."""
        stored = self.get(report_id)
        if stored is None:
            return None
        found = self.file(report_id, stored.figures_name)
        return None if found is None else found[1]

    def close(self) -> None:
        self.datastore.close()
