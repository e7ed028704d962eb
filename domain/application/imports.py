"""Use cases for importing a register from a spreadsheet (花名册/登记表导入).

:meth:`ImportsService.import_register` reads a sheet's rows below its header row (title rows
above it passed over) and puts each row through the same rules as a child or volunteer
registered one by one: a row that breaks one is refused with the rule's Chinese message and
the column it concerns, and the others go in. A row outside the importer's scope or place is
refused before anything else is looked up, so the refusal tells nothing of the register
elsewhere.

A row about a child or volunteer already on the register is ``unchanged`` and records
nothing, whether the same file is imported again, a corrected one, or two runs race: a
child is known by the claim of its row identity (name, birth date and guardian's phone, see
:mod:`domain.application.row_identities`) or of its national ID number (held by a child of
the same name and birth date: a child of another name holding the number is refused as
already registered); a volunteer by the claim of her name and phone, made by registrations
by hand too. A row with an ID number about a child imported before without one is refused,
telling the clerk to put the number in by a correction (更正): an import never changes a
record on the register. New records' identities are drawn at random; of two runs writing the
same identity's claim at once, the log refuses the second.

Rows are saved in batches (several records per transaction) for speed; a batch the log
refuses is saved row by row, so a row that fails never takes the others down. A dry run
(试导入) records nothing on the register and tells each row's outcome as a real run would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.application.children import ChildrenService
from domain.application.known_places import KnownPlaces
from domain.application.volunteers import VolunteersService
from domain.children import Child
from domain.common import Actor, division_code
from domain.errors import DomainError, InvalidRecord
from domain.imports import ERRORS_KEPT, Import, ImportStatus, Layout
from domain.imports.columns import CellRefused, find_header, is_blank
from domain.imports.rows import child_identity, child_record, volunteer_form, volunteer_identity
from domain.national_ids import ChildAlreadyRegistered, checked_id_number
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
    claimed: dict[str, UUID] = field(default_factory=dict)  # identity's index → record
    places: dict[str, bool] = field(default_factory=dict)
    batch: list[tuple[int, str, list[Aggregate]]] = field(default_factory=list)


class ImportsService(ChildrenService, VolunteersService, KnownPlaces):
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

    # -- a child imported, then erased ---------------------------------------------------

    def _forget_national_id(self, child_id: UUID, *, reason: str, on: date, today: date,
                            actor: Actor) -> None:
        """Before a child's personal data is erased (个人信息删除): its national ID number's
        claims are forgotten, and so is the claim of the row identity it was imported by,
        so that neither the number nor the row leads to the erased record, and the row, if
        imported again, registers the child anew. An erasure the child's record refuses
        changes no claim."""
        child = self._get(Child, child_id)
        erased_before = getattr(child, "erased_on", None) is not None
        super()._forget_national_id(child_id, reason=reason, on=on, today=today, actor=actor)
        if erased_before:
            return
        claims = self._row_claims_of(child_id)
        for claim in claims:
            claim.forget(on=on, actor=actor)
            self._commit(claim)
        if self.personal_data is not None:
            for claim in claims:
                self.personal_data.shred(claim.id)

    # -- the rows -------------------------------------------------------------------------

    def import_register(self, kind: str, rows: Iterable[Sequence[object]], *, actor: Actor,
                        admits: Callable[[str, str], bool],
                        division_known: Callable[[str], bool], dry_run: bool = False,
                        progress: Progress | None = None) -> ImportOutcome:
        """Import the sheet ``rows`` as a ``kind`` register: its header row is the first of
        its first rows naming the form's required columns (title rows above it are passed
        over); rows are numbered as in the sheet.

        ``admits(region_code, school)``: whether a row's place is within the importer's
        scope (a row outside it is refused); ``division_known(code)``: whether a county-level
        code is on the national list (townships and villages are known by the register of
        places). HeadersRefused, and nothing recorded, when the header row is not the form's.
        """
        lines = iter(rows)
        layout, header_row = find_header(kind, lines)
        run = _Run(kind, layout, actor, admits, division_known, dry_run, self.today())
        for number, row in enumerate(lines, start=header_row + 1):
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
        except (ChildAlreadyRegistered, IdNumberByCorrection) as refused:
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
                  ) -> tuple[str, list[Aggregate]] | None:
        """The records the row would add (the claim of the row's identity first, and
        them), or None if the row is about a record already on the register. The row's
        place and the importer's scope are checked first: a row outside them is refused
        whether or not its child is on the register."""
        if run.kind == "volunteers":
            return self._prepared_volunteer(run, cells)
        record = child_record(run.layout, cells)
        self._check_place(run, record["region_code"], record["school"])
        record["id_number"] = checked_id_number("id_number", record["id_number"])
        named = self.row_index(child_identity(record))
        number = self.national_id_index(record["id_number"])
        if named in run.claimed:
            return None  # the same child on an earlier row of this sheet
        if number is not None and number in run.claimed:
            raise ChildAlreadyRegistered(None)
        holder, tenure = self.identity_holder(named, self.child_on_register)
        if number is not None:
            number_holder = self._number_holder(number)
            if number_holder is not None:
                if number_holder == holder or self._same_child(number_holder, record):
                    return None
                raise ChildAlreadyRegistered(number_holder)
            if holder is not None:
                raise IdNumberByCorrection(self._get(Child, holder).id_number)
        elif holder is not None:
            return None
        child = Child.register(
            today=run.today, actor=run.actor,
            **{**record, "school": record["school"].strip(),
               "class_name": record["class_name"].strip(),
               "registered_on": record["registered_on"] or run.today})
        changed: list[Aggregate] = [
            self.identity_claim(named, tenure, child.id, on=child.registered_on,
                                actor=run.actor), child]
        run.claimed[named] = child.id
        if number is not None:
            changed.append(self._new_claim(number, child.id, on=child.registered_on,
                                           actor=run.actor))
            run.claimed[number] = child.id
        return named, changed

    def _prepared_volunteer(self, run: _Run, cells: dict[str, object]
                            ) -> tuple[str, list[Aggregate]] | None:
        form, applied_on = volunteer_form(run.layout, cells)
        self._check_place(run, form.region_code, "")
        index = self.row_index(volunteer_identity(form.name, form.phone))
        if index in run.claimed:
            return None
        holder, tenure = self.identity_holder(index, self.volunteer_recorded)
        if holder is not None:
            return None
        volunteer = Volunteer.apply(
            form=form, approval_levels=self.programme.approval_levels,
            applied_on=applied_on or run.today, today=run.today, actor=run.actor)
        run.claimed[index] = volunteer.id
        return index, [self.identity_claim(index, tenure, volunteer.id, on=run.today,
                                           actor=run.actor), volunteer]

    def _number_holder(self, index: str) -> UUID | None:
        """The record on the register standing for the child holding the national ID
        number (by its index)."""
        held = [claim for claim in self._claims(index) if claim.is_held]
        holder = held[-1].holder_id if held else None
        return self.child_on_register(holder) if holder is not None else None

    def _same_child(self, child_id: UUID, record: dict[str, Any]) -> bool:
        """Whether the child on the register has the row's name and birth date."""
        child = self._get(Child, child_id)
        return (" ".join(child.name.split()) == " ".join(str(record["name"]).split())
                and child.birth_date == record["birth_date"])

    def _check_place(self, run: _Run, code: str, school: str) -> None:
        code = division_code("region_code", str(code).strip())
        if not run.admits(code, school):
            raise CellRefused(run.layout.header("region_code"), f"{code} 不在您的管辖范围内，"
                              "只能导入您辖区内的记录（outside your scope）")
        known = run.places.get(code)
        if known is None:
            known = self.place_known(code, run.division_known)
            run.places[code] = known
        if not known:
            raise CellRefused(run.layout.header("region_code"), f"行政区划代码 {code} 不在地名"
                              "登记中：请核对代码，或先登记该乡镇/村（the division code is not "
                              "on the register of places）")

    def _save_batch(self, run: _Run) -> None:
        """Save the batch in one transaction; if the log refuses it, row by row."""
        batch, run.batch = run.batch, []
        if not batch:
            return
        aggregates = [aggregate for _, _, changed in batch for aggregate in changed]
        pending = [list(aggregate.pending_events) for aggregate in aggregates]
        try:
            self.save(*aggregates)
        except (IntegrityError, DomainError):
            for aggregate, events in zip(aggregates, pending, strict=True):
                aggregate.pending_events[:] = events  # the refused save took them
            for number, index, changed in batch:
                self._save_row(run, number, index, changed)
        else:
            run.outcome.accepted += len(batch)

    def _save_row(self, run: _Run, number: int, index: str,
                  changed: list[Aggregate]) -> None:
        try:
            self.save(*changed)
        except IntegrityError:
            current = (self.volunteer_recorded if run.kind == "volunteers"
                       else self.child_on_register)
            if self.identity_holder(index, current)[0] is not None:
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


class IdNumberByCorrection(DomainError):
    """A row with a national ID number is about a child imported before without one, or
    with another: the import never changes a record on the register, the clerk puts the
    number in by a correction (更正) on the child's record."""

    rule = "import_id_number_by_correction"

    def __init__(self, recorded: str) -> None:
        super().__init__(
            "该儿童已按姓名、出生日期和监护人电话导入，请用“更正”补录身份证号（the child was "
            "imported before by name, birth date and guardian's phone; put the ID number in "
            "by a correction）" if not recorded else
            "该儿童已按姓名、出生日期和监护人电话导入，档案中的身份证号与此行不同；请核对，如档案"
            "有误请用“更正”修改（the child was imported before with another ID number; check "
            "it, and correct the record if it is wrong）")
