"""The child's timeline (成长档案时间线, the audit trail): every event about one child.

One row per (child, event), from every stream that speaks of the child: its own events
(registration, parents, guardian, profile, categories, concerns, the school's and the staff's
own contacts, exit), its pairings'
(formed, contacts, ended), the reads of its record (查阅记录), and the reminders and
escalations about its pairings' duties (issued, delivered or failed to deliver, escalated).
A record merged into another (合并重复档案) joins that one's timeline: the survivor's timeline
reads the duplicate's entries too, from the instant the merge was recorded (``tl_merges``), so
that as known before it the two timelines are separate and after it one.
A contact on a one-to-many pairing (一对多) is an entry on the timeline of each child it names
(one recorded before contacts named their children: each child of the pairing); the view
learns a pairing's children from ``PairingFormed`` and keeps them in ``tl_pairing_children``,
and a reminder's from ``ReminderIssued`` (``tl_reminder_children``).

Each entry carries the log position, who recorded it (记录人), the business date it
happened on (业务日期) and the instant it was recorded, and a few non-identifying facts
(kind, status, reason...). Names, phones, ID numbers and free-text notes stay in the log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from domain import events as domain_events
from domain import vocabulary
from domain.children.eligibility import categories_with_derived
from domain.common import Remembered
from domain.events import (
    ALL_EVENTS,
    ActivityCancelled,
    ActivityRecorded,
    BreakGlassGranted,
    CategoriesChanged,
    ChildAbsorbed,
    ChildContactRecorded,
    ChildCorrected,
    ChildErased,
    ChildExited,
    ChildMerged,
    ChildRegistered,
    ChildrenToldApart,
    ChildTransferred,
    ConcernReported,
    ConcernResolved,
    ContactRecorded,
    DutyEscalated,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    ParentChanged,
    ProfileUpdated,
    RecordWasRead,
    ReminderDelivered,
    ReminderDeliveryFailed,
    ReminderIssued,
    SchoolChanged,
)
from domain.personal import ERASED
from domain.programme import Programme
from projections.events import Recorded, id_text, iso, utc_text
from projections.projection import View
from storage.sql import Row, Tx

#: The programme's name of each event class ("ContactRecorded", not "Pairing.ContactRecorded").
EVENT_TYPES: dict[type, str] = {
    cls: name for name, cls in vars(domain_events).items()
    if isinstance(cls, type) and cls in ALL_EVENTS
}

#: Each event's title in the programme's words (事项): one vocabulary for the console, the
#: reports and the timeline (:mod:`domain.vocabulary`).
EVENT_TITLES = vocabulary.EVENT_TITLES

#: The columns of an entry, and the start of a statement that adds entries selected elsewhere.
ENTRY_COLUMNS = ("child_id", "position", "aggregate_id", "aggregate_version", "event_type",
            "actor_id", "actor_role", "occurred_on", "recorded_at", "details")
_INSERT = f"INSERT INTO tl_entries ({', '.join(ENTRY_COLUMNS)})"


def instant(moment: datetime) -> str:
    """An instant as stored: UTC, ISO 8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError(f"an instant needs its offset from UTC: {moment!r}")
    return utc_text(moment)


class ChildTimeline(View):
    """Every event about each child, in log order (the auditors' 督导 trail)."""

    name = "timeline"
    rebuild_cost = 14
    finish_cost = 2
    revision = 3  # a correction dated by the day it was recorded in the programme's zone
    tables = ("tl_entries", "tl_pairing_children", "tl_reminder_children",
              "tl_activity_children", "tl_merges")
    schema: ClassVar[tuple[str, ...]] = (
        # The primary key (child_id, position) is the index on child_id, in timeline order.
        "CREATE TABLE IF NOT EXISTS tl_entries ("
        " child_id TEXT NOT NULL, position BIGINT NOT NULL, aggregate_id TEXT NOT NULL,"
        " aggregate_version INTEGER NOT NULL, event_type TEXT NOT NULL,"
        " actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, occurred_on TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, details TEXT NOT NULL,"
        " PRIMARY KEY (child_id, position))",
        "CREATE TABLE IF NOT EXISTS tl_pairing_children ("
        " pairing_id TEXT NOT NULL, child_id TEXT NOT NULL,"
        " PRIMARY KEY (pairing_id, child_id))",
        "CREATE TABLE IF NOT EXISTS tl_reminder_children ("
        " reminder_id TEXT NOT NULL, child_id TEXT NOT NULL,"
        " PRIMARY KEY (reminder_id, child_id))",
        "CREATE TABLE IF NOT EXISTS tl_activity_children ("
        " activity_id TEXT NOT NULL, child_id TEXT NOT NULL,"
        " PRIMARY KEY (activity_id, child_id))",
        "CREATE INDEX IF NOT EXISTS tl_activity_children_child"
        " ON tl_activity_children (child_id)",
        # Each record merged into another, and when the merge was recorded.
        "CREATE TABLE IF NOT EXISTS tl_merges ("
        " survivor_id TEXT NOT NULL, duplicate_id TEXT NOT NULL, merged_at TEXT NOT NULL,"
        " PRIMARY KEY (survivor_id, duplicate_id))",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Each pairing's children, as formed (never changed afterwards).
        self._pairing_children: Remembered[list[str]] = Remembered(limit=100_000)

    # -- the child's own events -----------------------------------------------------------

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.registered_on, {
            "categories": list(categories_with_derived(e.categories, e.parents)),
            "parents": {p.role.value: p.status.value for p in e.parents},
            "guardian": None if e.guardian is None else e.guardian.relation})

    @apply.register
    def _parent_changed(self, e: ParentChanged, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on, {
            "role": e.parent.role.value, "status": e.parent.status.value, "reason": e.reason})

    @apply.register
    def _guardian_changed(self, e: GuardianChanged, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on,
               {"relation": e.guardian.relation, "reason": e.reason})

    @apply.register
    def _profile_updated(self, e: ProfileUpdated, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on, {})  # health and psychology notes stay in the log

    @apply.register
    def _categories_changed(self, e: CategoriesChanged, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on,
               {"categories": list(e.categories), "reason": e.reason})

    @apply.register
    def _concern_reported(self, e: ConcernReported, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.occurred_on,
               {"concern_id": e.concern_id, "kind": e.kind})

    @apply.register
    def _concern_resolved(self, e: ConcernResolved, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on, {"concern_id": e.concern_id})

    @apply.register
    def _own_contact(self, e: ChildContactRecorded, tx: Tx) -> None:
        """A contact outside any pairing (the homeroom teacher's talk or home visit): its
        notes stay in the log."""
        contact = e.contact
        _entry(tx, e, e.originator_id, contact.occurred_on, {
            "contact_id": contact.id, "kind": contact.kind,
            "duration_minutes": contact.duration_minutes, "items": contact.items})

    @apply.register
    def _school_changed(self, e: SchoolChanged, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on,
               {"school": e.school, "class_name": e.class_name, "reason": e.reason})

    @apply.register
    def _transferred(self, e: ChildTransferred, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on,
               {"region_code": e.region_code, "reason": e.reason})

    @apply.register
    def _corrected(self, e: ChildCorrected, tx: Tx) -> None:
        """A correction (更正): which part was put right and why; the value stays in the log."""
        day = e.timestamp.astimezone(ZoneInfo(Programme.timezone)).date()
        _entry(tx, e, e.originator_id, day, {"field": e.field, "reason": e.reason})

    @apply.register
    def _exited(self, e: ChildExited, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on, {"reason": e.reason})

    # -- two records of one child merged (合并重复档案) ---------------------------------------

    @apply.register
    def _merged(self, e: ChildMerged, tx: Tx) -> None:
        """The duplicate's last entry: merged into the surviving record, whose timeline reads
        the duplicate's entries from the instant of the merge."""
        _entry(tx, e, e.originator_id, e.on,
               {"surviving_id": str(e.surviving_id), "reason": e.reason})
        tx.append("tl_merges", ("survivor_id", "duplicate_id", "merged_at"),
                  [(str(e.surviving_id), id_text(e.originator_id), instant(e.timestamp))])

    @apply.register
    def _absorbed(self, e: ChildAbsorbed, tx: Tx) -> None:
        _entry(tx, e, e.originator_id, e.on,
               {"duplicate_id": str(e.duplicate_id), "reason": e.reason})

    @apply.register
    def _told_apart(self, e: ChildrenToldApart, tx: Tx) -> None:
        """A clerk found the child and another record to be two children (不是同一人)."""
        day = e.timestamp.astimezone(ZoneInfo(Programme.timezone)).date()
        _entry(tx, e, e.originator_id, day, {"other_id": str(e.other_id), "reason": e.reason})

    @apply.register
    def _erased(self, e: ChildErased, tx: Tx) -> None:
        """The erasure of the child's personal data (个人信息删除) and its legal ground.
        Every reason stated in words on the child's timeline may name the child: it is
        erased with the child's data, and so are its pairings' reasons on the timelines of
        the other children they pair (the legal ground of the erasure stays)."""
        self._erase_reasons(tx, id_text(e.originator_id))
        _entry(tx, e, e.originator_id, e.on, {"reason": e.reason})

    def _erase_reasons(self, tx: Tx, child: str) -> None:
        """The reasons in words on the entries of the child, of its pairings (on each
        child's timeline) and of the activities that reached it, erased."""
        pairings = "SELECT pairing_id FROM tl_pairing_children WHERE child_id = ?"
        rows = tx.execute(  # by child (the key's first column), then which entries
            "SELECT child_id, position, details FROM tl_entries WHERE child_id IN"
            f" (SELECT child_id FROM tl_pairing_children WHERE pairing_id IN ({pairings})"
            " UNION SELECT ?) AND (child_id = ? OR aggregate_id IN"
            f" ({pairings}))", (child, child, child, child)).all()
        _erase_in(tx, rows)
        _erase_activity_reasons(tx, child)

    # -- its pairings' events -------------------------------------------------------------

    @apply.register
    def _pairing_formed(self, e: PairingFormed, tx: Tx) -> None:
        tx.insert("tl_pairing_children", ("pairing_id", "child_id"),
                  [(id_text(e.originator_id), id_text(child_id)) for child_id in e.child_ids])
        details = {"principle": e.principle.value, "children": len(e.child_ids),
                   "volunteer_ids": [str(v) for v in e.volunteer_ids],
                   "duty_sets": list(e.duty_sets),
                   "agreement_signed_on": iso(e.agreement_signed_on)}
        for child_id in e.child_ids:
            _entry(tx, e, child_id, e.starts_on, details)
        self._pairing_children[id_text(e.originator_id)] = sorted(str(c) for c in e.child_ids)

    def _for_pairing(self, tx: Tx, e: Recorded, occurred_on: date,
                     details: dict[str, Any], named: Sequence[UUID] = ()) -> None:
        """One entry for each child of the event's pairing (or each of ``named``, the
        children a contact names)."""
        pairing_id = id_text(e.originator_id)
        children = self._pairing_children.get(pairing_id)
        if children is None:
            children = self._pairing_children[pairing_id] = self._children_of(tx, pairing_id)
        if named:
            children = sorted(id_text(child_id) for child_id in named)
        facts = _facts(tx, e, occurred_on, details)
        tx.append("tl_entries", ENTRY_COLUMNS, [(child_id, *facts) for child_id in children])

    @apply.register
    def _contact_recorded(self, e: ContactRecorded, tx: Tx) -> None:
        contact = e.contact
        self._for_pairing(tx, e, contact.occurred_on, {
            "contact_id": contact.id, "kind": contact.kind,
            "duration_minutes": contact.duration_minutes, "items": contact.items},
            named=contact.child_ids)  # a contact naming none concerns every child

    @apply.register
    def _pairing_ended(self, e: PairingEnded, tx: Tx) -> None:
        self._for_pairing(tx, e, e.on, {"reason": e.reason})

    # -- group activities and aid that reached it (集体活动, 慰问) ----------------------------

    @apply.register
    def _activity_recorded(self, e: ActivityRecorded, tx: Tx) -> None:
        """An entry on the timeline of each child the activity names; the activity's title
        and organiser are its own words (never a child's name), the children it reached are
        given as a count."""
        tx.insert("tl_activity_children", ("activity_id", "child_id"),
                  [(id_text(e.originator_id), id_text(child_id)) for child_id in e.child_ids])
        details = {"activity_id": id_text(e.originator_id), "kind": e.kind, "title": e.title,
                   "organiser": e.organiser, "items": e.items,
                   "amount_yuan": str(e.amount_yuan), "children": len(e.child_ids)}
        for child_id in e.child_ids:
            _entry(tx, e, child_id, e.occurred_on, details)

    def _children_of(self, tx: Tx, pairing_id: str) -> list[str]:
        """A pairing's children, as formed (kept in ``tl_pairing_children``)."""
        return [row["child_id"] for row in tx.execute(
            "SELECT child_id FROM tl_pairing_children WHERE pairing_id = ? ORDER BY child_id",
            (pairing_id,)).all()]

    @apply.register
    def _activity_cancelled(self, e: ActivityCancelled, tx: Tx) -> None:
        details = {"activity_id": id_text(e.originator_id), "reason": e.reason}
        self._for_activity(tx, id_text(e.originator_id), _facts(tx, e, e.on, details))

    def _for_activity(self, tx: Tx, activity_id: str, facts: tuple[Any, ...]) -> None:
        """An entry for each child the activity reached, in one statement that reads them
        (no read here: a batch's writes go to the database together)."""
        tx.execute(_INSERT + " SELECT child_id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM"
                   " tl_activity_children WHERE activity_id = ?", (*facts, activity_id))

    # -- reads of its record (查阅记录) --------------------------------------------------

    @apply.register
    def _read(self, e: RecordWasRead, tx: Tx) -> None:
        # A read carries no business date of its own: the day it was read, in China.
        day = e.timestamp.astimezone(ZoneInfo(Programme.timezone)).date()
        details = {"what": e.what, "reason": e.reason}
        if getattr(e, "break_glass", None) is not None:  # read under a break-glass grant
            details["break_glass"] = str(e.break_glass)
        _entry(tx, e, e.child_id, day, details)

    @apply.register
    def _break_glass(self, e: BreakGlassGranted, tx: Tx) -> None:
        day = e.timestamp.astimezone(ZoneInfo(Programme.timezone)).date()
        _entry(tx, e, e.child_id, day, {"reason": e.reason, "minutes": e.minutes,
                                        "expires_at": instant(e.expires_at)})

    # -- reminders about its pairings' duties (履职提醒) and escalations (逾期上报) ---------

    @apply.register
    def _reminder_issued(self, e: ReminderIssued, tx: Tx) -> None:
        tx.insert("tl_reminder_children", ("reminder_id", "child_id"),
                  [(id_text(e.originator_id), id_text(child_id)) for child_id in e.children])
        details = {"pairing_id": str(e.pairing_id), "duty": e.duty, "status": e.duty_status,
                   "period": e.period_label, "overdue_since": iso(e.overdue_since),
                   "volunteer_ids": [str(v) for v in e.volunteer_ids]}
        for child_id in e.children:  # the child it is about (the pairing's, recorded before)
            _entry(tx, e, child_id, e.on, details)

    @apply.register
    def _reminder_delivered(self, e: ReminderDelivered, tx: Tx) -> None:
        self._for_reminder(tx, e, {})

    @apply.register
    def _reminder_failed(self, e: ReminderDeliveryFailed, tx: Tx) -> None:
        self._for_reminder(tx, e, {"error": e.error, "final": e.final})

    def _for_reminder(self, tx: Tx, e: ReminderDelivered | ReminderDeliveryFailed,
                      outcome: dict[str, Any]) -> None:
        """One entry for each child of the event's reminder: to whom, by which channel."""
        details = {"volunteer_id": str(e.volunteer_id), "channel": e.channel,
                   "attempt": e.attempt, **outcome}
        day = e.at.astimezone(ZoneInfo(Programme.timezone)).date()
        self._for_reminder_children(tx, id_text(e.originator_id), _facts(tx, e, day, details))

    def _for_reminder_children(self, tx: Tx, reminder_id: str, facts: tuple[Any, ...]) -> None:
        tx.execute(
            _INSERT + " SELECT child_id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM tl_reminder_children"
            " WHERE reminder_id = ?", (*facts, reminder_id))

    @apply.register
    def _escalated(self, e: DutyEscalated, tx: Tx) -> None:
        details = {"pairing_id": str(e.pairing_id), "duty": e.duty,
                   "overdue_since": iso(e.overdue_since), "days_overdue": e.days_overdue,
                   "federation_region_codes": list(e.federation_region_codes),
                   "reminder_id": str(e.reminder_id)}
        for child_id in e.children:
            _entry(tx, e, child_id, e.on, details)


def _erase_activity_reasons(tx: Tx, child: str) -> None:
    """A reason in words for cancelling an activity may name any child it reached: erased
    with the data of any of them, on every child's timeline."""
    activities = "SELECT activity_id FROM tl_activity_children WHERE child_id = ?"
    _erase_in(tx, tx.execute(
        "SELECT child_id, position, details FROM tl_entries WHERE child_id IN"
        f" (SELECT child_id FROM tl_activity_children WHERE activity_id IN ({activities}))"
        f" AND aggregate_id IN ({activities})", (child, child)).all())


def _erase_in(tx: Tx, rows: Sequence[Row]) -> None:
    """Erase the reason in words of each of these entries that has one."""
    for row in rows:
        if (details := erased_details(row["details"])) is not None:
            tx.execute("UPDATE tl_entries SET details = ? WHERE child_id = ? AND position = ?",
                       (details, row["child_id"], row["position"]))


def erased_details(details: str) -> str | None:
    """An entry's details with its reason in words erased, or None if it states none."""
    found = json.loads(details)
    if not found.get("reason"):
        return None
    found["reason"] = ERASED
    return _dumped(found)


def merged_records(tx: Tx, survivor: object, recorded_until: datetime | None) -> list[str]:
    """The records merged into ``survivor`` (and into those, in turn) by ``recorded_until``
    (every merge recorded, if None): their entries are the survivor's from then."""
    bound = " AND merged_at <= ?" if recorded_until is not None else ""
    found: list[str] = []
    waiting = [str(survivor)]
    while waiting:
        params = [waiting.pop(), *([instant(recorded_until)] if recorded_until else [])]
        for row in tx.execute("SELECT duplicate_id FROM tl_merges WHERE survivor_id = ?"
                              + bound, params).all():
            if row["duplicate_id"] not in found and row["duplicate_id"] != str(survivor):
                found.append(row["duplicate_id"])
                waiting.append(row["duplicate_id"])
    return sorted(found)


def _entry(tx: Tx, e: Recorded, child_id: object, occurred_on: date,
           details: dict[str, Any]) -> None:
    tx.append("tl_entries", ENTRY_COLUMNS,
              [(id_text(child_id), *_facts(tx, e, occurred_on, details))])


def _facts(tx: Tx, e: Recorded, occurred_on: date, details: dict[str, Any]) -> tuple[Any, ...]:
    """The entry's columns after ``child_id``."""
    return (tx.position, id_text(e.originator_id), e.originator_version, EVENT_TYPES[type(e)],
            e.actor.id, e.actor.role, iso(occurred_on), instant(e.timestamp),
            _dumped(details))


#: An entry's details as stored (``json.dumps(details, ensure_ascii=False, sort_keys=True)``,
#: its encoder made once: making one for each entry cost a fifth of writing it).
_dumped = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def timeline(tx: Tx, child_id: object, *, occurred_until: date | None = None,
             recorded_until: datetime | None = None, after_position: int | None = None,
             limit: int = 100) -> list[Row]:
    """The child's entries in log order: those that happened on or before ``occurred_until``
    and were recorded at or before ``recorded_until``, after the cursor ``after_position``;
    with them, the entries of every record merged into the child by ``recorded_until``
    (``child_id`` says whose entry it is).

    Each row has ``details`` decoded to a dict.
    """
    children = [id_text(child_id), *merged_records(tx, child_id, recorded_until)]
    clauses = [f"child_id IN ({', '.join('?' * len(children))})"]
    params: list[Any] = list(children)
    bounds: tuple[tuple[str, Any, Callable[[Any], Any]], ...] = (
        ("occurred_on <= ?", occurred_until, iso), ("recorded_at <= ?", recorded_until, instant),
        ("position > ?", after_position, int))
    for clause, value, encode in bounds:
        if value is not None:
            clauses.append(clause)
            params.append(encode(value))
    rows = tx.execute("SELECT * FROM tl_entries WHERE " + " AND ".join(clauses)
                      + " ORDER BY position LIMIT ?", [*params, limit]).all()
    return [{**row, "details": json.loads(row["details"])} for row in rows]
