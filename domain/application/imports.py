"""Use cases for importing a register from a spreadsheet (花名册/登记表导入).

:meth:`ImportsService.import_register` reads a sheet's rows (the header row first) and puts
each row through the same rules as a child or volunteer registered one by one: a row that
breaks one is refused with the rule's Chinese message and the column it concerns, and the
others go in. Each row's record has an identity derived from the row's own identity (a keyed
hash of its national ID number, or of name, birth date and guardian's phone): a row imported
before is ``unchanged`` and records nothing, whether the same file is imported again, a
corrected one, or two runs race (the log refuses the second first event of one record).

Rows are saved in batches (several records per transaction) for speed; a batch the log
refuses is saved row by row, so a row that fails never takes the others down. A dry run
(试导入) records nothing on the register and tells each row's outcome as a real run would.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain import identity
from domain.application.children import ChildrenService
from domain.application.volunteers import VolunteersService
from domain.children import Child
from domain.common import Actor, division_code
from domain.errors import DomainError, InvalidRecord, NotFound
from domain.imports import ERRORS_KEPT, Import, ImportStatus, Layout
from domain.imports.columns import CellRefused, HeadersRefused, is_blank
from domain.imports.rows import child_identity, child_record, volunteer_form, volunteer_identity
from domain.national_ids import ChildAlreadyRegistered
from domain.places import Place, place_id_for
from domain.volunteers import Volunteer

#: Rows saved per transaction.
BATCH = 200
#: Told how many rows were read so far (the total is not known while streaming).
Progress = Callable[[int, int | None], None]


@dataclass
class ImportOutcome:
    """What an import did (or, dry, would do): rows read, recorded, already on the register,
    refused; the refusals (row number in the sheet, column header, message), the first
    :data:`~domain.imports.ERRORS_KEPT` of them."""

    rows: int = 0
    accepted: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def refuse(self, row: int, column: str, message: str) -> None:
        self.refused += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((row, column, message))


@dataclass(frozen=True)
class ImportView:
    """An import as its requester reads it."""

    id: UUID
    kind: str
    dry_run: bool
    file_name: str
    size: int
    sha256: str
    status: str
    region_code: str
    school: str
    requested_by: Actor
    requested_on: date
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    rows: int
    accepted: int
    unchanged: int
    refused: int
    errors: tuple[tuple[int, str, str], ...]
    failure: str


@dataclass
class _Run:
    """One pass over a sheet: where its rows go and what was seen in it so far."""

    kind: str
    layout: Layout
    actor: Actor
    admits: Callable[[str, str], bool]
    division_known: Callable[[str], bool]
    dry_run: bool
    today: date
    outcome: ImportOutcome = field(default_factory=ImportOutcome)
    seen: set[UUID] = field(default_factory=set)
    claimed: dict[str, UUID] = field(default_factory=dict)  # national ID index → record
    places: dict[str, bool] = field(default_factory=dict)
    batch: list[tuple[int, UUID, list[Aggregate]]] = field(default_factory=list)


class ImportsService(ChildrenService, VolunteersService):
    """Registers imported from spreadsheets, and the record of each import's run."""

    # -- the record of an import ----------------------------------------------------------

    def request_import(self, *, kind: str, dry_run: bool, file_name: str, size: int,
                       sha256: str, actor: Actor, region_code: str | None = None,
                       school: str | None = None) -> UUID:
        """Record that staff asked for a file to be imported, within their scope."""
        record = Import.request(kind=kind, dry_run=dry_run, file_name=file_name, size=size,
                                sha256=sha256, region_code=region_code, school=school,
                                today=self.today(), actor=actor)
        self._commit(record)
        return record.id

    def get_import(self, import_id: UUID) -> ImportView:
        record = self._get(Import, import_id)
        return ImportView(
            id=record.id, kind=record.kind, dry_run=record.dry_run, file_name=record.file_name,
            size=record.size, sha256=record.sha256, status=record.status.value,
            region_code=record.region_code, school=record.school,
            requested_by=record.requested_by, requested_on=record.on,
            attempts=record.attempts, started_at=record.started_at,
            finished_at=record.finished_at, rows=record.rows, accepted=record.accepted,
            unchanged=record.unchanged, refused=record.refused,
            errors=tuple((int(e[0]), str(e[1]), str(e[2])) for e in record.errors),
            failure=record.failure)

    def start_import(self, import_id: UUID) -> bool:
        """Record an attempt at running the import; False if it is settled already."""
        record = self._get(Import, import_id)
        if record.settled:
            return False
        record.start(at=datetime.now(UTC))
        self._commit(record)
        return True

    def finish_import(self, import_id: UUID, outcome: ImportOutcome) -> None:
        self._change(Import, import_id, None, lambda r: r.finish(
            at=datetime.now(UTC), rows=outcome.rows, accepted=outcome.accepted,
            unchanged=outcome.unchanged, refused=outcome.refused, errors=outcome.errors))

    def fail_import(self, import_id: UUID, reason: str) -> None:
        record = self._get(Import, import_id)
        if record.status is ImportStatus.RUNNING or record.status is ImportStatus.QUEUED:
            record.fail(at=datetime.now(UTC), reason=reason)
            self._commit(record)

    # -- the rows -------------------------------------------------------------------------

    def import_register(self, kind: str, rows: Iterable[Sequence[object]], *, actor: Actor,
                        admits: Callable[[str, str], bool],
                        division_known: Callable[[str], bool], dry_run: bool = False,
                        progress: Progress | None = None) -> ImportOutcome:
        """Import the sheet ``rows`` (its header row first) as a ``kind`` register.

        ``admits(region_code, school)``: whether a row's place is within the importer's
        scope (a row outside it is refused); ``division_known(code)``: whether a county-level
        code is on the national list (townships and villages are known by the register of
        places). HeadersRefused, and nothing recorded, when the header row is not the form's.
        """
        lines = iter(rows)
        header = next(lines, None)
        if header is None:
            raise HeadersRefused("表格为空：没有表头，也没有数据（the sheet is empty）")
        run = _Run(kind, Layout.of(kind, header), actor, admits, division_known, dry_run,
                   self.today())
        for number, row in enumerate(lines, start=2):
            if is_blank(row):
                continue
            run.outcome.rows += 1
            self._take_row(run, number, row)
            if len(run.batch) >= BATCH:
                self._save_batch(run)
            if progress is not None and run.outcome.rows % 100 == 0:
                progress(run.outcome.rows, None)
        self._save_batch(run)
        if progress is not None:
            progress(run.outcome.rows, run.outcome.rows)
        return run.outcome

    def _take_row(self, run: _Run, number: int, row: Sequence[object]) -> None:
        try:
            prepared = self._prepared(run, run.layout.cells(row))
        except CellRefused as refused:
            run.outcome.refuse(number, refused.column, refused.reason)
            return
        except InvalidRecord as refused:
            header = run.layout.header(refused.field) or run.layout.header(
                refused.field.split(".")[0]) or refused.field
            run.outcome.refuse(number, header, refused.reason)
            return
        except ChildAlreadyRegistered as refused:
            run.outcome.refuse(number, run.layout.header("id_number"), refused.message)
            return
        except DomainError as refused:
            run.outcome.refuse(number, "", refused.message)
            return
        if prepared is None:
            run.outcome.unchanged += 1
        elif run.dry_run:
            run.outcome.accepted += 1
        else:
            run.batch.append((number, *prepared))

    def _prepared(self, run: _Run, cells: dict[str, object]
                  ) -> tuple[UUID, list[Aggregate]] | None:
        """The records the row would add (the record's id, and them), or None if the row
        was imported before."""
        if run.kind == "children":
            record = child_record(run.layout, cells)
            seed = self._row_seed(child_identity(record))
        else:
            form, applied_on = volunteer_form(run.layout, cells)
            record = {"region_code": form.region_code, "school": ""}
            seed = self._row_seed(volunteer_identity(form))
        record_id = uuid5(seed, "1")  # the first identity drawn from the seed
        if record_id in run.seen or self.recorder.select_events(record_id, limit=1):
            return None
        self._check_place(run, record["region_code"], record["school"])
        with identity.drawn_from(seed):
            if run.kind == "volunteers":
                volunteer = Volunteer.apply(
                    form=form, approval_levels=self.programme.approval_levels,
                    applied_on=applied_on or run.today, today=run.today, actor=run.actor)
                run.seen.add(volunteer.id)
                return volunteer.id, [volunteer]
            child = Child.register(
                today=run.today, actor=run.actor,
                **{**record, "school": record["school"].strip(),
                   "class_name": record["class_name"].strip(),
                   "registered_on": record["registered_on"] or run.today})
        changed: list[Aggregate] = [child]
        index = self.national_id_index(record["id_number"])
        if index is not None:
            holder = run.claimed.get(index)
            if holder is not None and holder != child.id:
                raise ChildAlreadyRegistered(holder)
            changed.append(self._new_claim(index, child.id, on=child.registered_on,
                                           actor=run.actor))
            run.claimed[index] = child.id
        run.seen.add(child.id)
        return child.id, changed

    def _check_place(self, run: _Run, code: str, school: str) -> None:
        code = division_code("region_code", str(code).strip())
        if not run.admits(code, school):
            raise CellRefused(run.layout.header("region_code"), f"{code} 不在您的管辖范围内，"
                              "只能导入您辖区内的记录（outside your scope）")
        known = run.places.get(code)
        if known is None:
            known = self._place_known(code, run.division_known)
            run.places[code] = known
        if not known:
            raise CellRefused(run.layout.header("region_code"), f"行政区划代码 {code} 不在地名"
                              "登记中：请核对代码，或先登记该乡镇/村（the division code is not "
                              "on the register of places）")

    def _place_known(self, code: str, division_known: Callable[[str], bool]) -> bool:
        if len(code) == 6:
            return division_known(code)
        try:
            self._get(Place, place_id_for(code))
        except (NotFound, InvalidRecord):
            return False
        return True

    def _row_seed(self, row_identity: str) -> UUID:
        """The seed the records of a row are named from: a keyed hash of its identity (the
        blind index's key), so the same row always names the same record."""
        digest = hmac.new(self.national_id_key, f"aixin:import:{row_identity}".encode(),
                          hashlib.sha256).digest()
        return UUID(bytes=digest[:16], version=4)

    def _save_batch(self, run: _Run) -> None:
        """Save the batch in one transaction; if the log refuses it, row by row."""
        batch, run.batch = run.batch, []
        if not batch:
            return
        try:
            self.save(*(aggregate for _, _, changed in batch for aggregate in changed))
        except (IntegrityError, DomainError):
            for number, record_id, changed in batch:
                self._save_row(run, number, record_id, changed)
        else:
            run.outcome.accepted += len(batch)

    def _save_row(self, run: _Run, number: int, record_id: UUID,
                  changed: list[Aggregate]) -> None:
        try:
            self.save(*changed)
        except IntegrityError:
            if self.recorder.select_events(record_id, limit=1):
                run.outcome.unchanged += 1  # recorded meanwhile by another run of the row
            else:
                run.outcome.refuse(number, run.layout.header("id_number"),
                                   ChildAlreadyRegistered(None).message)
        except InvalidRecord as refused:
            run.outcome.refuse(number, run.layout.header(refused.field) or refused.field,
                               refused.reason)
        except DomainError as refused:
            run.outcome.refuse(number, "", refused.message)
        else:
            run.outcome.accepted += 1

