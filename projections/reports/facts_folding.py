"""The report's facts folded from zero in memory (:mod:`projections.bulk`).

The facts' own handlers make the rows (:class:`projections.reports.facts.ReportFacts`); those
that read or change its tables are given here in memory (:class:`_InMemoryReportFacts`,
:class:`ReportRows`): where each child is now, each pairing and volunteer, the latest move
of each kind of each child, each activity's fact. Most rows are final when made and written
as each stretch is folded. The rows that later events change are held until the whole log
is folded: the children (an exit, an erasure), the pairings (an end, an erasure), where
each child is (a move), and the facts of an exit or an end that state a reason (an
erasure rewrites it).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from domain.common import Remembered
from domain.events import (
    ActivityCancelled,
    ActivityRecorded,
    ChildContactRecorded,
    ChildErased,
    ChildExited,
    ContactRecorded,
    DutyEscalated,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    VolunteerReviewed,
)
from domain.pairings import PairingShape
from domain.personal import ERASED
from projections.events import Recorded, csv, id_text, iso
from projections.folding import ByHandlers, Folded, Rows, Written, rows_of
from projections.projection import View
from projections.reports.facts import (
    FACT_COLUMNS,
    ReportFacts,
    record_fact,
    recorded_instant,
    township_of,
)
from projections.reports.reach import (
    ACTIVITY,
    CANCELLED,
    CONTACT,
    OWN_CONTACT,
    children_named,
    fen,
)
from projections.timeline import EVENT_TYPES
from storage.sql import Tx

Place = tuple[str, str, str]  # division code, township, school

CHILDREN = ("child_id", "region_code", "township", "school", "sex", "birth_date",
            "registered_on", "recorded_at", "parents", "categories", "exited_on",
            "exit_reason", "exit_recorded_at")
PAIRINGS = ("pairing_id", "region_code", "township", "school", "shape", "duty_sets",
            "starts_on", "recorded_at", "ended_on", "end_reason", "end_recorded_at")
PLACES = ("child_id", "region_code", "township", "school")
PAIRING_CHILDREN = ("pairing_id", "child_id", "region_code", "township", "school")
GUARDIANS = ("position", "child_id", "region_code", "township", "occurred_on", "recorded_at",
             "relation")
REACHED = ("position", "child_id", "event", "subject_id", "region_code", "township", "school",
           "occurred_on", "recorded_at", "kind")
#: The facts whose text an erasure rewrites (as :meth:`ReportFacts._child_erased` does).
_ERASABLE = frozenset({EVENT_TYPES[ChildExited], EVENT_TYPES[PairingEnded]})
_EVENT, _SUBJECT, _DETAIL = 1, 2, 10  # of a fact's columns


class ReportRows(Rows):
    """The facts' tables as far as their handlers read them, in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.children: dict[str, dict[str, Any]] = {}
        self.pairings: dict[str, dict[str, Any]] = {}
        self.places: dict[str, Place] = {}
        #: Each pairing's children, each where it was when the pairing was formed.
        self.pairing_children: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        self.child_pairings: dict[str, list[str]] = defaultdict(list)
        self.volunteers: dict[str, tuple[str, str, str]] = {}  # code, township, last level
        #: The latest business date of each child's moves of each kind.
        self.latest_move: dict[tuple[str, str], str] = {}
        #: Each activity's place and kind, as its fact has them.
        self.activities: dict[str, tuple[Place, str]] = {}
        #: Facts an erasure may rewrite, by subject: held until the end.
        self.erasable: dict[str, list[list[Any]]] = defaultdict(list)

    def append(self, table: str, columns: Sequence[str], added: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(row) for row in added]
        if table == "rf_children":
            for row in rows:
                kept: dict[str, Any] = dict.fromkeys(CHILDREN)
                kept.update(zip(columns, row, strict=True))
                self.children[row[0]] = kept
            return
        if table == "rf_child_places":
            for child_id, region, township, school in rows:
                self.places[child_id] = (region, township, school)
            return
        if table == "rf_facts":
            final = []
            for row in rows:
                if row[_EVENT] in _ERASABLE and row[_DETAIL] != "":
                    self.erasable[row[_SUBJECT]].append(list(row))
                else:
                    final.append(row)
            rows = final
        elif table == "rf_volunteers":
            for row in rows:
                volunteer = dict(zip(columns, row, strict=True))
                self.volunteers[volunteer["volunteer_id"]] = (
                    volunteer["region_code"], volunteer["township"], volunteer["last_level"])
        elif table == "rf_child_moves":
            for row in rows:
                moved = dict(zip(columns, row, strict=True))
                key, on = (moved["child_id"], moved["kind"]), moved["occurred_on"]
                if key not in self.latest_move or on > self.latest_move[key]:
                    self.latest_move[key] = on
        super().append(table, columns, rows)

    def place_of(self, table: str, key: str) -> Place | None:
        """Where a child (``rf_child_places``), a pairing or a volunteer is (a volunteer
        has no school), as :meth:`ReportFacts._placed` reads it."""
        if table == "rf_child_places":
            return self.places.get(key)
        if table == "rf_pairings":
            pairing = self.pairings.get(key)
            return None if pairing is None else (
                pairing["region_code"], pairing["township"], pairing["school"])
        volunteer = self.volunteers.get(key)
        return None if volunteer is None else (volunteer[0], volunteer[1], "")

    def held(self, written: Written) -> Folded:
        return {
            "rf_children": (CHILDREN, [tuple(row[column] for column in CHILDREN)
                                       for row in self.children.values()]),
            "rf_pairings": (PAIRINGS, [tuple(row[column] for column in PAIRINGS)
                                       for row in self.pairings.values()]),
            "rf_child_places": (PLACES, [(child_id, *place)
                                         for child_id, place in self.places.items()]),
            "rf_facts": (FACT_COLUMNS, [tuple(fact) for facts in self.erasable.values()
                                        for fact in facts]),
        }


class _InMemoryReportFacts(ReportFacts):
    """The facts' handlers, reading and changing :class:`ReportRows` where they read and
    change the tables (each of the name of the handler it stands for)."""

    def __init__(self) -> None:
        super().__init__(None)
        self._places = Remembered(limit=sys.maxsize)  # nothing to read again

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        View.apply_all(self, events, tx)  # the places are all in memory: none to read first

    def _placed(self, tx: Tx, e: Recorded, table: str, key: str, on: Any, kind: str,
                amount: int, detail: str) -> None:
        subject = id_text(e.originator_id)
        if (place := rows_of(tx, ReportRows).place_of(table, subject)) is not None:
            record_fact(tx, e, subject, place, on, kind=kind, amount=amount, detail=detail)

    def _follow_move(self, tx: Tx, child_id: str, kind: str, value: str, on: str) -> bool:
        rows = rows_of(tx, ReportRows)
        if rows.latest_move.get((child_id, kind), on) > on:
            return False  # a move dated later is on record
        if (place := rows.places.get(child_id)) is not None:
            rows.places[child_id] = ((value, township_of(value), place[2]) if kind == "region"
                                     else (place[0], place[1], value))
        return True

    def _guardian_changed(self, e: GuardianChanged, tx: Tx) -> None:
        child_id = id_text(e.originator_id)
        if (place := rows_of(tx, ReportRows).places.get(child_id)) is not None:
            tx.append("rf_guardians", GUARDIANS, [(
                tx.position, child_id, place[0], place[1], iso(e.on),
                recorded_instant(e.timestamp), e.guardian.relation)])

    def _exited(self, e: ChildExited, tx: Tx) -> None:
        if (child := rows_of(tx, ReportRows).children.get(id_text(e.originator_id))) is not None:
            child.update(exited_on=iso(e.on), exit_reason=e.reason,
                         exit_recorded_at=recorded_instant(e.timestamp))
        self._child_fact(tx, e, e.on, detail=e.reason)

    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        rows, child_id = rows_of(tx, ReportRows), id_text(e.originator_id)
        pairings = rows.child_pairings.get(child_id, [])
        _erase(rows.children.get(child_id), "exit_reason")
        for pairing_id in pairings:
            _erase(rows.pairings.get(pairing_id), "end_reason")
        for subject, event in ((child_id, EVENT_TYPES[ChildExited]),
                               *((pairing_id, EVENT_TYPES[PairingEnded])
                                 for pairing_id in pairings)):
            for fact in rows.erasable.get(subject, ()):
                if fact[_EVENT] == event and fact[_DETAIL] != "":
                    fact[_DETAIL] = ERASED

    def _own_contact(self, e: ChildContactRecorded, tx: Tx) -> None:
        _reach(tx, (tx.position, OWN_CONTACT, id_text(e.originator_id),
                    iso(e.contact.occurred_on), recorded_instant(e.timestamp), e.contact.kind),
               [id_text(e.originator_id)])

    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        rows = rows_of(tx, ReportRows)
        pairing_id, first = id_text(e.originator_id), str(e.child_ids[0])
        shape = PairingShape.of(len(e.child_ids), len(e.volunteer_ids)).value
        if (place := rows.places.get(first)) is not None:
            rows.pairings[pairing_id] = dict(zip(PAIRINGS, (
                pairing_id, *place, shape, csv(e.duty_sets), iso(e.starts_on),
                recorded_instant(e.timestamp), None, None, None), strict=True))
        for child_id in map(str, e.child_ids):
            if (place := rows.places.get(child_id)) is not None:
                rows.pairing_children[pairing_id].append((child_id, *place))
                rows.child_pairings[child_id].append(pairing_id)
                tx.append("rf_pairing_children", PAIRING_CHILDREN,
                          [(pairing_id, child_id, *place)])
        self._pairing_fact(tx, e, e.starts_on, kind=shape, amount=len(e.child_ids),
                           detail=csv(e.child_ids))
        tx.insert("rf_pairing_volunteers", ("pairing_id", "volunteer_id"),
                  [(pairing_id, id_text(volunteer_id)) for volunteer_id in e.volunteer_ids])
        if (remembered := self._places.get(first)) is not None:
            self._places[pairing_id] = remembered

    def _contact(self, e: ContactRecorded, tx: Tx) -> None:
        contact, pairing_id = e.contact, id_text(e.originator_id)
        place = self._places.get(pairing_id)
        if place is None:
            self._pairing_fact(tx, e, contact.occurred_on, kind=contact.kind,
                               amount=contact.items, detail=contact.id)
        else:
            record_fact(tx, e, pairing_id, place, contact.occurred_on, kind=contact.kind,
                        amount=contact.items, detail=contact.id)
        facts = (tx.position, CONTACT, pairing_id, iso(contact.occurred_on),
                 recorded_instant(e.timestamp), contact.kind)
        if named := children_named(contact):
            _reach(tx, facts, [id_text(child_id) for child_id in named])
        else:  # every child of the pairing, where it was when the pairing was formed
            tx.append("rf_reached", REACHED, [
                (facts[0], child_id, *facts[1:3], region, township, school, *facts[3:])
                for child_id, region, township, school
                in rows_of(tx, ReportRows).pairing_children.get(pairing_id, ())])

    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        if (pairing := rows_of(tx, ReportRows).pairings.get(id_text(e.originator_id))) is not None:
            pairing.update(ended_on=iso(e.on), end_reason=e.reason,
                           end_recorded_at=recorded_instant(e.timestamp))
        self._pairing_fact(tx, e, e.on, detail=e.reason)

    def _escalated(self, e: DutyEscalated, tx: Tx) -> None:
        pairing_id = str(e.pairing_id)
        if (place := rows_of(tx, ReportRows).place_of("rf_pairings", pairing_id)) is not None:
            tx.append("rf_facts", FACT_COLUMNS, [(
                tx.position, EVENT_TYPES[type(e)], pairing_id, *place, iso(e.on),
                recorded_instant(e.timestamp), e.duty, e.days_overdue, id_text(e.originator_id))])

    def _reviewed(self, e: VolunteerReviewed, tx: Tx) -> None:
        volunteer_id = id_text(e.originator_id)
        if (volunteer := rows_of(tx, ReportRows).volunteers.get(volunteer_id)) is not None:
            completes = e.decision.value == "approve" and volunteer[2] == e.level.value
            tx.append("rf_facts", FACT_COLUMNS, [(
                tx.position, EVENT_TYPES[type(e)], volunteer_id, volunteer[0], volunteer[1], "",
                iso(e.on), recorded_instant(e.timestamp), e.decision.value, int(completes),
                e.level.value)])

    def _activity(self, e: ActivityRecorded, tx: Tx) -> None:
        rows, activity_id = rows_of(tx, ReportRows), id_text(e.originator_id)
        facts = (tx.position, ACTIVITY, activity_id, iso(e.occurred_on),
                 recorded_instant(e.timestamp), e.kind)
        if (place := rows.places.get(str(e.child_ids[0]))) is not None:
            tx.append("rf_facts", FACT_COLUMNS, [(
                tx.position, ACTIVITY, activity_id, *place, iso(e.occurred_on),
                recorded_instant(e.timestamp), e.kind, e.items, str(fen(e.amount_yuan)))])
            rows.activities.setdefault(activity_id, (place, e.kind))
        _reach(tx, facts, [id_text(child_id) for child_id in e.child_ids])

    def _activity_cancelled(self, e: ActivityCancelled, tx: Tx) -> None:
        activity_id = id_text(e.originator_id)
        if (found := rows_of(tx, ReportRows).activities.get(activity_id)) is not None:
            place, kind = found
            tx.append("rf_facts", FACT_COLUMNS, [(
                tx.position, CANCELLED, activity_id, *place, iso(e.on),
                recorded_instant(e.timestamp), kind, 0, "")])


def _reach(tx: Tx, facts: tuple[Any, ...], children: Sequence[str]) -> None:
    """Each child (of those on record) reached, where it is now."""
    places = rows_of(tx, ReportRows).places
    tx.append("rf_reached", REACHED, [
        (facts[0], child_id, *facts[1:3], *place, *facts[3:])
        for child_id in children if (place := places.get(child_id)) is not None])


def _erase(row: dict[str, Any] | None, column: str) -> None:
    if row is not None and row[column] not in (None, ""):
        row[column] = ERASED


def report_facts_folding(app: Any) -> ByHandlers:
    """The report's facts folded from zero by their own handlers, in memory."""
    return ByHandlers(app, _InMemoryReportFacts(), ReportRows())
