"""The facts behind the quarterly report (季度报送), kept bitemporally: one row per event.

A quarterly report must come out the same when it is produced again "as known at" the same
instant, however many late records (补录) arrived since. So this view never overwrites a fact:
each event that can move a figure is one row of ``rf_facts``, with

- the log position (``position``), the event's programme name (``event``),
- the business date it happened on (``occurred_on``, 业务日期),
- the instant it was recorded (``recorded_at``, UTC ISO text, so text order is time order),
- where it belongs: the division code, its township (the first 9 digits, 乡镇) and the school.

"As known at T" is then a filter ``recorded_at <= T`` and "on day D" a filter
``occurred_on <= D``; :mod:`projections.reports.quarterly` does the arithmetic.

Where a fact belongs:

- a child's facts (parents, categories, exit, concerns) belong to the child's household
  division code and school, which never change;
- a pairing's facts (formed, contacts, ended, escalations of its duties) belong to its *home*:
  the division code and school of its first child, so each pairing and each contact is
  counted in one township only; ``rf_pairing_children`` keeps every child of every pairing, in
  the child's own township, for pairing coverage (结对覆盖率), which is counted per child;
- a volunteer's facts belong to the division code on the registration form (often a county's
  6 digits: its township is then the county code itself).

Small tables hold what later events need to be placed (``rf_child_places``, where a child is
now, ``rf_pairings``, ``rf_volunteers``) and the children as registered (``rf_children``, their
moves and corrections in ``rf_child_moves``); their columns that change (an exit, an end) carry
their own recorded instant, so they too can be read as known at T. Only non-identifying facts
are kept: no names, phones or notes (they stay in the encrypted log).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.common import Remembered
from domain.events import (
    ActivityCancelled,
    ActivityRecorded,
    CategoriesChanged,
    ChildContactRecorded,
    ChildCorrected,
    ChildErased,
    ChildExited,
    ChildMerged,
    ChildRegistered,
    ChildTransferred,
    ConcernReported,
    ConcernResolved,
    ContactRecorded,
    DutyEscalated,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    ParentChanged,
    SchoolChanged,
    VolunteerApplied,
    VolunteerCommended,
    VolunteerDisqualified,
    VolunteerReinstated,
    VolunteerReviewed,
    VolunteerSuspended,
)
from domain.pairings import PairingShape
from domain.personal import ERASED
from domain.schools import EnrolmentRecorded
from projections.events import Recorded, csv, id_text, iso, utc_text
from projections.projection import View
from projections.reports.enrolment import ENROLMENT_SCHEMA, ENROLMENT_TABLES, record_enrolment
from projections.reports.merges import MERGES_SCHEMA, MERGES_TABLES, record_merge
from projections.reports.moves import (
    CORRECTED,
    MOVES_SCHEMA,
    MOVES_TABLES,
    follow_move,
    record_move,
    record_place,
)
from projections.reports.reach import (
    REACHED_SCHEMA,
    REACHED_TABLES,
    record_activity,
    record_cancellation,
    record_contact_reach,
    record_own_contact_reach,
)
from projections.timeline import EVENT_TYPES
from storage.sql import Tx

VolunteerStatusChanged = (VolunteerSuspended | VolunteerReinstated | VolunteerDisqualified
                          | VolunteerCommended)

#: Digits of a township's division code (县 6, 乡镇 9, 村 12).
TOWNSHIP_DIGITS = 9


def township_of(region_code: str) -> str:
    """The township (乡镇) a division code is in: its first 9 digits, or the code itself if it
    names a county (6 digits)."""
    return region_code[:TOWNSHIP_DIGITS]


def recorded_instant(moment: datetime) -> str:
    """An event's recorded instant as stored: UTC, ISO 8601 with microseconds."""
    if moment.tzinfo is None:  # the library records UTC
        moment = moment.replace(tzinfo=UTC)
    return utc_text(moment)


#: The columns of a fact, and the start of a statement that adds facts selected elsewhere.
FACT_COLUMNS = ("position", "event", "subject_id", "region_code", "township", "school",
                 "occurred_on", "recorded_at", "kind", "amount", "detail")
_FACT = f"INSERT INTO rf_facts ({', '.join(FACT_COLUMNS)})"


class ReportFacts(View):
    """Every event that moves a figure of the quarterly report, with both of its dates."""

    name = "report_facts"
    rebuild_cost = 21
    finish_cost = 10
    tables: ClassVar[tuple[str, ...]] = (
        "rf_facts", "rf_children", "rf_pairings", "rf_pairing_children", "rf_volunteers",
        "rf_guardians", "rf_pairing_volunteers")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rf_facts ("
        " position BIGINT PRIMARY KEY, event TEXT NOT NULL, subject_id TEXT NOT NULL,"
        " region_code TEXT NOT NULL, township TEXT NOT NULL, school TEXT NOT NULL,"
        " occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL, kind TEXT NOT NULL,"
        " amount INTEGER NOT NULL, detail TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rf_facts_township ON rf_facts (township, event)",
        "CREATE INDEX IF NOT EXISTS rf_facts_subject ON rf_facts (subject_id, event)",
        "CREATE INDEX IF NOT EXISTS rf_facts_recorded ON rf_facts (recorded_at)",
        "CREATE TABLE IF NOT EXISTS rf_children ("
        " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, township TEXT NOT NULL,"
        " school TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,"
        " registered_on TEXT NOT NULL, recorded_at TEXT NOT NULL, parents TEXT NOT NULL,"
        " categories TEXT NOT NULL, exited_on TEXT, exit_reason TEXT, exit_recorded_at TEXT)",
        "CREATE INDEX IF NOT EXISTS rf_children_township ON rf_children (township)",
        "CREATE TABLE IF NOT EXISTS rf_pairings ("
        " pairing_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, township TEXT NOT NULL,"
        " school TEXT NOT NULL, shape TEXT NOT NULL, duty_sets TEXT NOT NULL,"
        " starts_on TEXT NOT NULL, recorded_at TEXT NOT NULL, ended_on TEXT, end_reason TEXT,"
        " end_recorded_at TEXT)",
        "CREATE INDEX IF NOT EXISTS rf_pairings_township ON rf_pairings (township)",
        "CREATE TABLE IF NOT EXISTS rf_pairing_children ("
        " pairing_id TEXT NOT NULL, child_id TEXT NOT NULL, region_code TEXT NOT NULL,"
        " township TEXT NOT NULL, school TEXT NOT NULL, PRIMARY KEY (pairing_id, child_id))",
        "CREATE INDEX IF NOT EXISTS rf_pairing_children_township"
        " ON rf_pairing_children (township)",
        "CREATE TABLE IF NOT EXISTS rf_volunteers ("
        " volunteer_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, township TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, last_level TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rf_volunteers_township ON rf_volunteers (township)",
        # the entrusted guardian's relation from a day (at registration and each change),
        # for the guardians of another generation (隔代监护)
        "CREATE TABLE IF NOT EXISTS rf_guardians ("
        " position BIGINT PRIMARY KEY, child_id TEXT NOT NULL, region_code TEXT NOT NULL,"
        " township TEXT NOT NULL, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL,"
        " relation TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rf_guardians_township ON rf_guardians (township)",
        # the volunteers of each pairing, for coverage by volunteers in good standing and the
        # volunteers paired (结对爱心妈妈)
        "CREATE TABLE IF NOT EXISTS rf_pairing_volunteers ("
        " pairing_id TEXT NOT NULL, volunteer_id TEXT NOT NULL,"
        " PRIMARY KEY (pairing_id, volunteer_id))",
        "CREATE INDEX IF NOT EXISTS rf_pairing_volunteers_volunteer"
        " ON rf_pairing_volunteers (volunteer_id)",
    )

    #: The report's queries read by township and by recorded instant; the handlers read
    #: facts by subject, moves by child, enrolment by school, never these.
    query_indexes = frozenset({
        "rf_facts_township", "rf_facts_recorded", "rf_children_township",
        "rf_pairings_township", "rf_pairing_children_township", "rf_volunteers_township",
        "rf_guardians_township", "rf_reached_township"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Where each child and each pairing belongs (division code, township, school): a
        #: contact's fact is then one row of a multi-row INSERT, not an INSERT ... SELECT.
        self._places: Remembered[tuple[str, str, str]] = Remembered()

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Apply the batch, having first read in one query where its contacts' pairings are."""
        ids = sorted({id_text(event.originator_id) for _, event in events
                      if event.__class__.__name__ == "ContactRecorded"
                      and id_text(event.originator_id) not in self._places})
        for first in range(0, len(ids), 500):
            chunk = ids[first:first + 500]
            for row in tx.execute(
                    "SELECT pairing_id, region_code, township, school FROM rf_pairings"
                    f" WHERE pairing_id IN ({', '.join('?' * len(chunk))})", chunk).all():
                self._places[row["pairing_id"]] = (
                    row["region_code"], row["township"], row["school"])
        super().apply_all(events, tx)

    #: Who each contact and group activity reached (see :mod:`projections.reports.reach`).
    tables += REACHED_TABLES
    schema += REACHED_SCHEMA
    #: Schools' pupils term by term (see :mod:`projections.reports.enrolment`).
    tables += ENROLMENT_TABLES
    schema += ENROLMENT_SCHEMA
    #: A child's moves and corrections (see :mod:`projections.reports.moves`).
    tables += MOVES_TABLES
    schema += MOVES_SCHEMA
    #: Records merged into others (see :mod:`projections.reports.merges`).
    tables += MERGES_TABLES
    schema += MERGES_SCHEMA

    # -- children -------------------------------------------------------------------------

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        child_id, region = id_text(e.originator_id), e.region_code
        self._places[child_id] = (region, township_of(region), e.school)
        parents = json.dumps({p.role.value: p.status.value for p in e.parents}, sort_keys=True)
        tx.insert(
            "rf_children",
            ("child_id", "region_code", "township", "school", "sex", "birth_date", "registered_on",
             "recorded_at", "parents", "categories"),
            [(child_id, region, township_of(region), e.school, e.sex.value, iso(e.birth_date),
              iso(e.registered_on), recorded_instant(e.timestamp), parents, csv(e.categories))])
        record_place(tx, child_id, region, township_of(region), e.school)
        record_fact(tx, e, child_id, (region, township_of(region), e.school), e.registered_on,
              kind=e.sex.value, detail=parents)
        if e.guardian is not None:
            tx.append(
                "rf_guardians",
                ("position", "child_id", "region_code", "township", "occurred_on", "recorded_at",
                 "relation"),
                [(tx.position, child_id, region, township_of(region),
                  iso(e.registered_on), recorded_instant(e.timestamp),
                  e.guardian.relation)])

    @apply.register
    def _guardian_changed(self, e: GuardianChanged, tx: Tx) -> None:
        """The guardian's relation only (the name and the rest stay in the log)."""
        tx.execute("INSERT INTO rf_guardians (position, child_id, region_code, township,"
                   " occurred_on, recorded_at, relation) SELECT ?, child_id, region_code,"
                   " township, ?, ?, ? FROM rf_child_places WHERE child_id = ?",
                   (tx.position, iso(e.on), recorded_instant(e.timestamp),
                    e.guardian.relation, id_text(e.originator_id)))

    @apply.register
    def _parent_changed(self, e: ParentChanged, tx: Tx) -> None:
        self._child_fact(tx, e, e.on, kind=e.parent.role.value, detail=e.parent.status.value)

    @apply.register
    def _categories_changed(self, e: CategoriesChanged, tx: Tx) -> None:
        self._child_fact(tx, e, e.on, detail=csv(e.categories))

    @apply.register
    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: dated, for the report to count the child where it was."""
        kind, value = (("school", e.school) if isinstance(e, SchoolChanged)
                       else ("region", e.region_code))
        child_id = id_text(e.originator_id)
        record_move(tx, child_id, kind, value, e.on.isoformat(), recorded_instant(e.timestamp))
        if not self._follow_move(tx, child_id, kind, value, e.on.isoformat()):
            return
        if (known := self._places.get(child_id)) is None:
            return  # not in memory: read from rf_child_places when needed, as moved
        region, township, school = known
        self._places[child_id] = ((value, township_of(value), school) if kind == "region"
                                  else (region, township, value))

    def _follow_move(self, tx: Tx, child_id: str, kind: str, value: str, on: str) -> bool:
        """Where the child is after the move (:func:`.moves.follow_move`)."""
        return follow_move(tx, child_id, kind, value, township_of(value), on)

    @apply.register
    def _corrected(self, e: ChildCorrected, tx: Tx) -> None:
        """更正 of a sex or a birth date: the report reads it from when it was recorded."""
        if e.field in CORRECTED:
            record_move(tx, id_text(e.originator_id), e.field, e.value, "",
                        recorded_instant(e.timestamp))

    @apply.register
    def _exited(self, e: ChildExited, tx: Tx) -> None:
        tx.execute("UPDATE rf_children SET exited_on = ?, exit_reason = ?, exit_recorded_at = ?"
                   " WHERE child_id = ?",
                   (iso(e.on), e.reason, recorded_instant(e.timestamp), id_text(e.originator_id)))
        self._child_fact(tx, e, e.on, detail=e.reason)

    @apply.register
    def _merged(self, e: ChildMerged, tx: Tx) -> None:
        """合并重复档案: not an exit (no exit figure, no reason); the duplicate leaves every
        quarter's figures as known from the merge on (see :mod:`.merges`). Its fact tells a
        later report why its figures moved."""
        record_merge(tx, id_text(e.originator_id), str(e.surviving_id), e.on.isoformat(),
                     recorded_instant(e.timestamp))
        self._child_fact(tx, e, e.on)

    @apply.register
    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        """Reasons stated in words may name the child: erased with the child's data, from
        the child's facts and those of its pairings (counts, dates, statuses and categories
        stay: the reports still add up)."""
        child = id_text(e.originator_id)
        pairings = "SELECT pairing_id FROM rf_pairing_children WHERE child_id = ?"
        tx.execute("UPDATE rf_children SET exit_reason = ? WHERE child_id = ?"
                   " AND exit_reason <> ''", (ERASED, child))
        tx.execute(f"UPDATE rf_pairings SET end_reason = ? WHERE pairing_id IN ({pairings})"
                   " AND end_reason <> ''", (ERASED, child))
        tx.execute("UPDATE rf_facts SET detail = ? WHERE subject_id = ? AND event = ?"
                   " AND detail <> ''", (ERASED, child, EVENT_TYPES[ChildExited]))
        tx.execute(f"UPDATE rf_facts SET detail = ? WHERE subject_id IN ({pairings})"
                   " AND event = ? AND detail <> ''", (ERASED, child, EVENT_TYPES[PairingEnded]))

    @apply.register
    def _concern_reported(self, e: ConcernReported, tx: Tx) -> None:
        self._child_fact(tx, e, e.occurred_on, kind=e.kind, detail=e.concern_id)

    @apply.register
    def _concern_resolved(self, e: ConcernResolved, tx: Tx) -> None:
        self._child_fact(tx, e, e.on, detail=e.concern_id)

    @apply.register
    def _own_contact(self, e: ChildContactRecorded, tx: Tx) -> None:
        """A contact outside any pairing: who it reached (see :mod:`.reach`)."""
        record_own_contact_reach(tx, e)

    # -- pairings -------------------------------------------------------------------------

    @apply.register
    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        """Placed by statements that read the children's places themselves (no read here:
        a batch's writes go to the database together)."""
        pairing_id, first = id_text(e.originator_id), str(e.child_ids[0])
        shape = PairingShape.of(len(e.child_ids), len(e.volunteer_ids)).value
        tx.execute(
            "INSERT INTO rf_pairings (pairing_id, region_code, township, school, shape,"
            " duty_sets, starts_on, recorded_at) SELECT ?, region_code, township, school, ?, ?,"
            " ?, ? FROM rf_child_places WHERE child_id = ?",
            (pairing_id, shape, csv(e.duty_sets), iso(e.starts_on),
             recorded_instant(e.timestamp), first))
        for child_id in e.child_ids:
            tx.execute(
                "INSERT INTO rf_pairing_children (pairing_id, child_id, region_code, township,"
                " school) SELECT ?, child_id, region_code, township, school FROM rf_child_places"
                " WHERE child_id = ?", (pairing_id, id_text(child_id)))
        self._pairing_fact(tx, e, e.starts_on, kind=shape, amount=len(e.child_ids),
                      detail=csv(e.child_ids))
        tx.insert("rf_pairing_volunteers", ("pairing_id", "volunteer_id"),
                  [(pairing_id, id_text(volunteer_id))
                   for volunteer_id in e.volunteer_ids])
        if (place := self._places.get(first)) is not None:
            self._places[pairing_id] = place

    @apply.register
    def _contact(self, e: ContactRecorded, tx: Tx) -> None:
        contact, pairing_id = e.contact, id_text(e.originator_id)
        place = self._places.get(pairing_id)
        if place is None:  # a pairing whose place is not known yet (formed in this batch)
            self._pairing_fact(tx, e, contact.occurred_on, kind=contact.kind,
                          amount=contact.items, detail=contact.id)
        else:
            record_fact(tx, e, pairing_id, place, contact.occurred_on, kind=contact.kind,
                  amount=contact.items, detail=contact.id)
        record_contact_reach(tx, e)

    @apply.register
    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        tx.execute("UPDATE rf_pairings SET ended_on = ?, end_reason = ?, end_recorded_at = ?"
                   " WHERE pairing_id = ?",
                   (iso(e.on), e.reason, recorded_instant(e.timestamp), id_text(e.originator_id)))
        self._pairing_fact(tx, e, e.on, detail=e.reason)

    @apply.register
    def _escalated(self, e: DutyEscalated, tx: Tx) -> None:
        """A long-overdue duty flagged up by the reminders' scan (逾期上报), placed with its
        pairing; dated the day it was raised."""
        tx.execute(
            _FACT + " SELECT ?, ?, pairing_id, region_code, township, school, ?, ?, ?, ?, ?"
            " FROM rf_pairings WHERE pairing_id = ?",
            (tx.position, EVENT_TYPES[type(e)], iso(e.on), recorded_instant(e.timestamp),
             e.duty, e.days_overdue, id_text(e.originator_id), str(e.pairing_id)))

    # -- volunteers -----------------------------------------------------------------------

    @apply.register
    def _applied(self, e: VolunteerApplied, tx: Tx) -> None:
        volunteer_id, region = id_text(e.originator_id), e.form.region_code
        tx.insert(
            "rf_volunteers",
            ("volunteer_id", "region_code", "township", "recorded_at", "last_level"),
            [(volunteer_id, region, township_of(region), recorded_instant(e.timestamp),
              str(e.approval_levels[-1]))])
        record_fact(tx, e, volunteer_id, (region, township_of(region), ""), e.applied_on,
              amount=len(e.approval_levels))

    @apply.register
    def _reviewed(self, e: VolunteerReviewed, tx: Tx) -> None:
        """``amount`` is 1 on the review that completes the approval: an approval at the last
        of the volunteer's levels (levels are reviewed in order, so it is the last review)."""
        tx.execute(
            _FACT + " SELECT ?, ?, volunteer_id, region_code, township, '', ?, ?, ?,"
            " CASE WHEN ? = 'approve' AND last_level = ? THEN 1 ELSE 0 END, ?"
            " FROM rf_volunteers WHERE volunteer_id = ?",
            (tx.position, EVENT_TYPES[type(e)], iso(e.on), recorded_instant(e.timestamp),
             e.decision.value, e.decision.value, e.level.value, e.level.value,
             id_text(e.originator_id)))

    @apply.register
    def _volunteer_status(self, e: VolunteerStatusChanged, tx: Tx) -> None:
        self._volunteer_fact(tx, e, e.on)  # the reason in words stays in the log

    # -- group activities and aid (集体活动, 慰问) ------------------------------------------

    @apply.register
    def _enrolment(self, e: EnrolmentRecorded, tx: Tx) -> None:
        record_enrolment(tx, e, recorded_instant(e.timestamp))

    @apply.register
    def _activity(self, e: ActivityRecorded, tx: Tx) -> None:
        record_activity(tx, e)

    @apply.register
    def _activity_cancelled(self, e: ActivityCancelled, tx: Tx) -> None:
        record_cancellation(tx, e)


    # -- facts placed where their child, pairing or volunteer is ------------------------

    def _placed(self, tx: Tx, e: Recorded, table: str, key: str, on: Any, kind: str,
                amount: int, detail: str) -> None:
        """A fact placed where its child, pairing or volunteer is, in one statement."""
        school = "school" if table != "rf_volunteers" else "''"
        tx.execute(
            _FACT + f" SELECT ?, ?, {key}, region_code, township, {school}, ?, ?, ?, ?, ?"
            f" FROM {table} WHERE {key} = ?",
            (tx.position, EVENT_TYPES[type(e)], iso(on), recorded_instant(e.timestamp), kind,
             amount, detail, id_text(e.originator_id)))

    def _child_fact(self, tx: Tx, e: Recorded, on: Any, *, kind: str = "", amount: int = 0,
                    detail: str = "") -> None:
        self._placed(tx, e, "rf_child_places", "child_id", on, kind, amount, detail)

    def _pairing_fact(self, tx: Tx, e: Recorded, on: Any, *, kind: str = "", amount: int = 0,
                      detail: str = "") -> None:
        self._placed(tx, e, "rf_pairings", "pairing_id", on, kind, amount, detail)

    def _volunteer_fact(self, tx: Tx, e: Recorded, on: Any, *, kind: str = "",
                        amount: int = 0, detail: str = "") -> None:
        self._placed(tx, e, "rf_volunteers", "volunteer_id", on, kind, amount, detail)


def record_fact(tx: Tx, e: Recorded, subject_id: str, place: tuple[str, str, str], on: Any, *,
          kind: str = "", amount: int = 0, detail: str = "") -> None:
    tx.append("rf_facts", FACT_COLUMNS,
              [(tx.position, EVENT_TYPES[type(e)], subject_id, *place, iso(on),
                recorded_instant(e.timestamp), kind, amount, detail)])
