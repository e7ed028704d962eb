"""An import of a register from a spreadsheet (花名册/登记表导入) as a record of its own run.

An :class:`Import` is requested by a member of staff with a file already checked to be a
spreadsheet with the form's headers; a background worker runs it and records its outcome:
how many rows, how many recorded (``accepted``), how many already on the register
(``unchanged``: a file imported again records nothing twice) and how many refused, with the
first refusals (row, column, message). A dry run (试导入) records only its own outcome: the
register is untouched.

Statuses: ``queued`` → ``running`` → ``done`` or ``failed``; a settled import records
nothing more.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.common import Actor
from domain.errors import DomainError, InvalidRecord
from domain.identity import new_id

#: What can be imported: the children's register (花名册) and the volunteers' (爱心妈妈登记表).
KINDS = ("children", "volunteers")
#: Refusals kept on the record of an import: enough to put a file right, never 20,000 lines.
ERRORS_KEPT = 1000


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportRule(DomainError):
    """A settled import records nothing more."""

    rule = "import_settled"


class Import(Aggregate):
    """One run of a spreadsheet import, from its request to its outcome."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new import's identity (drawn from the command that records it, if any)."""
        return new_id()

    class Requested(Aggregate.Created):
        """Staff asked for the file to be imported (or tried, for a dry run)."""

        kind: str
        dry_run: bool
        file_name: str
        size: int
        sha256: str
        region_code: str
        school: str
        on: date
        actor: Actor

    @event(Requested)
    def __init__(self, *, kind: str, dry_run: bool, file_name: str, size: int, sha256: str,
                 region_code: str, school: str, on: date, actor: Actor) -> None:
        self.kind, self.dry_run, self.file_name = kind, dry_run, file_name
        self.size, self.sha256, self.on, self.requested_by = size, sha256, on, actor
        #: The scope of the staff who asked: rows outside it are refused.
        self.region_code, self.school = region_code, school
        self.status = ImportStatus.QUEUED
        self.attempts = 0
        self.started_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.rows = self.accepted = self.unchanged = self.refused = 0
        self.errors: tuple[Any, ...] = ()
        self.failure = ""

    @classmethod
    def request(cls, *, kind: str, dry_run: bool, file_name: str, size: int, sha256: str,
                region_code: str | None, school: str | None, today: date,
                actor: Actor) -> Import:
        """An import of a ``kind`` register by ``actor``, within its scope."""
        if kind not in KINDS:
            raise InvalidRecord("kind", f"导入种类须为 {'、'.join(KINDS)} 之一"
                                f"（kind is one of {', '.join(KINDS)}）")
        return cls(kind=kind, dry_run=bool(dry_run), file_name=file_name[:200], size=size,
                   sha256=sha256, region_code=region_code or "", school=school or "",
                   on=today, actor=actor)

    @property
    def settled(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    def start(self, *, at: datetime) -> None:
        """An attempt at running the import began (a re-delivered task begins another)."""
        if self.settled:
            raise ImportRule(f"该导入已结束（the import is already {self.status.value}）")
        self._started(at=at)

    class Started(Aggregate.Event):
        at: datetime

    @event(Started)
    def _started(self, at: datetime) -> None:
        self.status, self.started_at = ImportStatus.RUNNING, at
        self.attempts += 1

    def finish(self, *, at: datetime, rows: int, accepted: int, unchanged: int, refused: int,
               errors: list[tuple[int, str, str]]) -> None:
        """The file was read to its end: the counts, and the first refusals."""
        if self.settled:
            raise ImportRule(f"该导入已结束（the import is already {self.status.value}）")
        self._finished(at=at, rows=rows, accepted=accepted, unchanged=unchanged,
                       refused=refused, errors=tuple(
                           (row, column, message) for row, column, message
                           in errors[:ERRORS_KEPT]))

    class Finished(Aggregate.Event):
        at: datetime
        rows: int
        accepted: int
        unchanged: int
        refused: int
        errors: tuple[Any, ...]

    @event(Finished)
    def _finished(self, at: datetime, rows: int, accepted: int, unchanged: int, refused: int,
                  errors: tuple[Any, ...]) -> None:
        self.status, self.finished_at = ImportStatus.DONE, at
        self.rows, self.accepted, self.unchanged, self.refused = (
            rows, accepted, unchanged, refused)
        self.errors = tuple(tuple(error) for error in errors)

    def fail(self, *, at: datetime, reason: str) -> None:
        """The run could not go on (the file is gone or unreadable): what was recorded
        stays recorded, and running the same file again records the rest."""
        if self.settled:
            raise ImportRule(f"该导入已结束（the import is already {self.status.value}）")
        self._failed(at=at, reason=reason[:2000])

    class Failed(Aggregate.Event):
        at: datetime
        reason: str

    @event(Failed)
    def _failed(self, at: datetime, reason: str) -> None:
        self.status, self.finished_at, self.failure = ImportStatus.FAILED, at, reason
