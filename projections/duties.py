"""Duty status per pairing and child (履职情况): met, due or overdue, kept current as contacts
arrive.

One row per (pairing, child, duty rule): every duty is owed to each child of a pairing, and a
contact counts only for the children it names (a contact recorded before contacts named their
children, for every child of its pairing: :meth:`domain.pairings.Contact.concerns`). So "who is
overdue today in county X" is one query over the stored rows (:func:`overdue`), not a replay of
every pairing. The rows are what the domain's pure :func:`~domain.duties.evaluate_duties` says
over each child's contacts; this view only decides *as of which day*:

- Applying a batch evaluates each pairing it touched once, at the end of the batch, as of the day
  its latest event was recorded in China time (记录日), never earlier than the pairing's start,
  its last contact, its end or its previous evaluation. The day comes from the log, not the wall
  clock, so a rebuild from zero gives the same rows.
- As the date moves on, :meth:`DutyView.refresh` re-evaluates, as of the new day, every active
  pairing evaluated before it (the projector when the day turns, in slices, and the nightly
  maintenance task call it). An ended pairing is no
  longer evaluated: its rows stay as they were when it ended.

:func:`due_or_overdue` is the reminders' query (提醒名单): the duties of the active pairings that
are overdue or due soon on one given day, each placed where the child it is owed to is
registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date
from functools import singledispatchmethod
from typing import Any, ClassVar, NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.common import Remembered
from domain.duties import DEFAULT_CALENDAR, DutyStatus, SchoolCalendar, evaluate_duties
from domain.duties.school import pairing_rules
from domain.events import (
    PAIRING_EVENTS,
    ChildRegistered,
    ChildTransferred,
    ContactRecorded,
    PairingEnded,
    PairingFormed,
    SchoolChanged,
    VolunteerApplied,
)
from domain.reminders import DueDuty, needs_reminder
from projections.events import csv, id_text, iso
from projections.moves import follow_move, moves_schema
from projections.projection import View
from projections.scoping import scope_clauses
from storage.sql import Row, Tx

_CHUNK = 500  # pairings evaluated per pair of reads
#: Pairings whose contacts a follower keeps in memory: a pairing's two years of the "five
#: ones" are some 70 contacts, about 25 KB, so at most some 50 MB a view.
_CONTACTS_KEPT = 2_000


class DutyContact(NamedTuple):
    kind: str
    occurred_on: date
    #: The children it names; none for one recorded before contacts named their children.
    child_ids: tuple[str, ...] = ()

    def names(self, child_id: str) -> bool:
        """Whether it concerns ``child_id`` (one naming none concerns every child)."""
        return not self.child_ids or child_id in self.child_ids


class DutyView(View):
    """Where each duty of each pairing stands (履职情况), with the reason in words."""

    name = "duties"
    rebuild_cost = 10
    finish_cost = 12
    revision = 2  # a pairing that names the school's set does not owe its duties
    tables = ("duty_children", "duty_volunteers", "duty_pairings", "duty_pairing_volunteers",
              "duty_contacts", "duty_status", "duty_pending", "duty_child_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS duty_children (child_id TEXT PRIMARY KEY,"
        " region_code TEXT NOT NULL, school TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS duty_volunteers (volunteer_id TEXT PRIMARY KEY,"
        " region_code TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS duty_pairings (pairing_id TEXT PRIMARY KEY,"
        " starts_on TEXT NOT NULL, ended_on TEXT, duty_sets TEXT NOT NULL,"
        " child_ids TEXT NOT NULL, volunteer_ids TEXT NOT NULL, region_code TEXT NOT NULL,"
        " school TEXT NOT NULL, last_contact_on TEXT, evaluated_on TEXT)",
        "CREATE INDEX IF NOT EXISTS duty_pairings_evaluated ON duty_pairings (evaluated_on)",
        "CREATE TABLE IF NOT EXISTS duty_pairing_volunteers (pairing_id TEXT NOT NULL,"
        " volunteer_id TEXT NOT NULL, region_code TEXT, PRIMARY KEY (pairing_id, volunteer_id))",
        "CREATE INDEX IF NOT EXISTS duty_pairing_volunteers_volunteer"
        " ON duty_pairing_volunteers (volunteer_id)",
        "CREATE TABLE IF NOT EXISTS duty_contacts (pairing_id TEXT NOT NULL,"
        " contact_id TEXT NOT NULL, kind TEXT NOT NULL, occurred_on TEXT NOT NULL,"
        " child_ids TEXT NOT NULL DEFAULT '', PRIMARY KEY (pairing_id, contact_id))",
        "CREATE TABLE IF NOT EXISTS duty_status (pairing_id TEXT NOT NULL,"
        " child_id TEXT NOT NULL, ordinal INTEGER NOT NULL, name TEXT NOT NULL,"
        " title TEXT NOT NULL, status TEXT NOT NULL, period_label TEXT NOT NULL,"
        " period_start TEXT NOT NULL, period_end TEXT NOT NULL, last_qualifying_contact TEXT,"
        " overdue_since TEXT, reason TEXT NOT NULL, evaluated_on TEXT NOT NULL,"
        " PRIMARY KEY (pairing_id, child_id, name))",
        "CREATE INDEX IF NOT EXISTS duty_status_day ON duty_status (evaluated_on, status)",
        "CREATE TABLE IF NOT EXISTS duty_pending (pairing_id TEXT PRIMARY KEY,"
        " on_day TEXT NOT NULL)",
        moves_schema("duty_child_moves"),
    )
    #: The programme's school calendar (校历), for duties by term.
    calendar: ClassVar[SchoolCalendar] = DEFAULT_CALENDAR
    #: Where the programme is: an event's recorded instant is a day in this zone.
    timezone: ClassVar[ZoneInfo] = ZoneInfo("Asia/Shanghai")

    @classmethod
    def recorded_on(cls, event: Aggregate.Event) -> date:
        """The day ``event`` was recorded, in the programme's time zone (China time)."""
        stamp = event.timestamp
        if stamp.tzinfo is None:  # the library records UTC unless told otherwise
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(cls.timezone).date()

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Apply the batch, then evaluate each pairing it touched once, as of its latest day."""
        touched = self.touching(events, tx)
        if tx.more_to_come:
            # Far behind the log (a rebuild, a catch-up after downtime): a pairing touched in
            # many batches is evaluated once, when the view reaches the head of the log.
            tx.insert("duty_pending", ("pairing_id", "on_day"),
                      [(key, iso(day)) for key, day in touched.items()],
                      on_conflict=_LATER_DAY, distinct=True)
            return
        self.evaluate(tx, _with_pending(tx, touched), kept=self._contacts)

    def touching(self, events: Sequence[tuple[int, Any]], tx: Tx,
                 touched: dict[str, date] | None = None) -> dict[str, date]:
        """Apply the events; returns ``touched`` (or a new dict) with each pairing they
        touched and the latest day one of its events was recorded."""
        touched = {} if touched is None else touched
        handlers = self.handlers()
        for position, event in events:
            tx.position = position
            if (handler := handlers[event.__class__]) is not None:
                handler(event, tx)
            if type(event) in PAIRING_EVENTS:
                key, day = id_text(event.originator_id), self.recorded_on(event)
                touched[key] = max(day, touched.get(key, day))
        return touched

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Where children (region, school) and volunteers (region) are, as registered: a
        #: pairing formed then needs no read of its own.
        self._children: Remembered[Row] = Remembered()
        self._volunteers: Remembered[str | None] = Remembered()
        #: Each pairing's contacts (by contact id) once read or seen: a pairing evaluated
        #: again after a contact does not read its whole history again.
        self._contacts: Remembered[dict[str, DutyContact]] = Remembered(_CONTACTS_KEPT)

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _child(self, e: ChildRegistered, tx: Tx) -> None:
        tx.insert("duty_children", ("child_id", "region_code", "school"),
                  [(id_text(e.originator_id), e.region_code, e.school)])
        self._children[id_text(e.originator_id)] = {"region_code": e.region_code,
                                                "school": e.school}

    @apply.register
    def _child_moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: the school's duties to the child, and pairings formed from then,
        belong where the child now is."""
        follow_move(tx, e, moves="duty_child_moves", tables=("duty_children",))
        self._children.pop(id_text(e.originator_id), None)  # read again from the table

    @apply.register
    def _volunteer(self, e: VolunteerApplied, tx: Tx) -> None:
        tx.insert("duty_volunteers", ("volunteer_id", "region_code"),
                  [(id_text(e.originator_id), e.form.region_code)])
        self._volunteers[id_text(e.originator_id)] = e.form.region_code

    @apply.register
    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        pairing_id, first = id_text(e.originator_id), str(e.child_ids[0])
        child = self._children.get(first) or tx.execute(
            "SELECT region_code, school FROM duty_children WHERE child_id = ?",
            (first,)).one()
        volunteers = [(pairing_id, str(v), self._volunteers[str(v)]
                       if str(v) in self._volunteers else _region_of(tx, v))
                      for v in e.volunteer_ids]
        region = child["region_code"] if child else (volunteers[0][2] or "")
        tx.insert(
            "duty_pairings",
            ("pairing_id", "starts_on", "duty_sets", "child_ids", "volunteer_ids", "region_code",
             "school"),
            [(pairing_id, iso(e.starts_on), csv(e.duty_sets), csv(e.child_ids),
              csv(e.volunteer_ids), region, child["school"] if child else "")])
        tx.insert("duty_pairing_volunteers", ("pairing_id", "volunteer_id", "region_code"),
                  volunteers)

    @apply.register
    def _contact(self, e: ContactRecorded, tx: Tx) -> None:
        contact, on = e.contact, iso(e.contact.occurred_on)
        # The pairing's last contact is set when it is evaluated, at the end of the batch.
        pairing_id = id_text(e.originator_id)
        tx.append("duty_contacts", ("pairing_id", "contact_id", "kind", "occurred_on", "child_ids"),
                  [(pairing_id, contact.id, contact.kind, on,
                    csv(contact.child_ids) if contact.child_ids else "")])
        if (kept := self._contacts.get(pairing_id)) is not None:
            kept[contact.id] = DutyContact(contact.kind, contact.occurred_on,
                                        tuple(str(child) for child in contact.child_ids))

    @apply.register
    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        tx.execute("UPDATE duty_pairings SET ended_on = ? WHERE pairing_id = ?",
                   (iso(e.on), id_text(e.originator_id)))

    @classmethod
    def refresh(cls, tx: Tx, on: date, limit: int | None = None) -> int:
        """Re-evaluate as of ``on`` every active pairing evaluated before it (at most
        ``limit`` of them: a follower refreshes a county in short transactions between its
        batches); returns how many.

        On PostgreSQL it first locks the pairings' table against batches being applied (they
        wait for it, it waits for them), so neither reads the other's half-done work.
        """
        if tx.engine == "postgres":
            tx.execute("LOCK TABLE duty_pairings IN SHARE ROW EXCLUSIVE MODE")
        stale = tx.execute("SELECT pairing_id FROM duty_pairings WHERE ended_on IS NULL"
                           " AND evaluated_on < ? ORDER BY pairing_id"
                           + ("" if limit is None else f" LIMIT {int(limit)}"),
                           (iso(on),)).all()
        due = _with_pending(tx, {row["pairing_id"]: on for row in stale})
        cls.evaluate(tx, due)
        return len(due)

    @classmethod
    def evaluate(cls, tx: Tx, pairings: Mapping[str, date], *,
                 kept: Remembered[dict[str, DutyContact]] | None = None) -> None:
        """Evaluate and store each pairing (id → the earliest day to evaluate it as of).
        ``kept``: the pairings' contacts a follower keeps between batches, read where
        missing and kept."""
        if pairings and tx.engine == "postgres":
            # Wait for a refresh under way (see :meth:`refresh`), which waits for this in turn:
            # neither evaluates a pairing on contacts the other is adding or has not seen.
            tx.execute("LOCK TABLE duty_pairings IN ROW EXCLUSIVE MODE")
        ids = sorted(pairings)
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first:first + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            contacts = (_contacts_of(tx, chunk) if kept is None
                        else _contacts_kept(tx, chunk, kept))
            found = tx.execute(f"SELECT * FROM duty_pairings WHERE pairing_id IN ({marks})"
                               " ORDER BY pairing_id", chunk).all()
            # Only what changed is written, a few statements for the chunk: a contact
            # usually moves one duty of its pairing, and a day later than the last
            # evaluation every row.
            statuses: dict[tuple[str, str, str], tuple[Any, ...]] = {}
            evaluated: list[tuple[Any, ...]] = []
            for pairing in found:
                key = pairing["pairing_id"]
                on, last_contact, rows = cls._evaluated(pairing, list(contacts[key].values()),
                                                        pairings[key])
                statuses |= {(row[0], row[1], row[3]): row for row in rows}
                if (iso(on), iso(last_contact)) != (pairing["evaluated_on"],
                                                   pairing["last_contact_on"]):
                    evaluated.append((key, iso(on), iso(last_contact)))
            if found:
                stored = _statuses_of(tx, chunk)
                if gone := [key for key in stored if key not in statuses]:
                    tx.executemany(_DELETE_STATUS, gone)
                tx.insert("duty_status", STATUS_COLUMNS, [row for key, row in statuses.items()
                                                   if stored.get(key) != row],
                          on_conflict=_STATUS_CHANGED, distinct=True)
                tx.update_from_values(_EVALUATED, evaluated)

    @classmethod
    def _evaluated(cls, pairing: Row, contacts: list[DutyContact],
                   at_least: date) -> tuple[date, date | None, list[tuple[Any, ...]]]:
        """The day a pairing is evaluated as of, its last contact, and its status rows."""
        starts_on, ended_on = date.fromisoformat(pairing["starts_on"]), _day(pairing["ended_on"])
        last_contact = max((contact.occurred_on for contact in contacts), default=None)
        known = (starts_on, ended_on, last_contact, _day(pairing["evaluated_on"]))
        on = max(at_least, *(day for day in known if day is not None))
        statuses = _each_childs(pairing, contacts, on, ends_on=ended_on)
        key = pairing["pairing_id"]
        return on, last_contact, [
            (key, child_id, ordinal, s.name, s.title, s.status.value, s.period.label,
             iso(s.period.start), iso(s.period.end), iso(s.last_qualifying_contact),
             iso(s.overdue_since), s.reason, iso(on))
            for ordinal, (child_id, s) in enumerate(statuses)]


#: The columns of a duty's status, in the order of :meth:`DutyView._evaluated`'s rows.
STATUS_COLUMNS = ("pairing_id", "child_id", "ordinal", "name", "title", "status", "period_label",
           "period_start", "period_end", "last_qualifying_contact", "overdue_since", "reason",
           "evaluated_on")
#: A duty's status row written again where it changed.
_STATUS_CHANGED = ("ON CONFLICT (pairing_id, child_id, name) DO UPDATE SET "
                   + ", ".join(f"{column} = excluded.{column}" for column in STATUS_COLUMNS[2:]))
#: A duty no longer owed (a child no longer of the pairing, a rule set no longer named).
_DELETE_STATUS = "DELETE FROM duty_status WHERE pairing_id = ? AND child_id = ? AND name = ?"
#: Each pairing's day of evaluation and last contact (v: pairing, day, last contact).
_EVALUATED = ("UPDATE duty_pairings SET evaluated_on = v.column2, last_contact_on = v.column3"
              " FROM (VALUES {rows}) AS v WHERE duty_pairings.pairing_id = v.column1")


#: A pairing whose evaluation waits for the end of a catch-up (``duty_pending``), with the
#: day to evaluate as of: one left pending already keeps the later of its two days.
_LATER_DAY = ("ON CONFLICT (pairing_id) DO UPDATE SET on_day = CASE"
              " WHEN excluded.on_day > duty_pending.on_day"
              " THEN excluded.on_day ELSE duty_pending.on_day END")


def _with_pending(tx: Tx, touched: Mapping[str, date]) -> dict[str, date]:
    """``touched`` and the pairings left pending, each with the later of its days; the
    pending ones are taken off the list (they are evaluated in this transaction)."""
    due = dict(touched)
    pending = tx.execute("SELECT pairing_id, on_day FROM duty_pending").all()
    for row in pending:
        day = date.fromisoformat(row["on_day"])
        due[row["pairing_id"]] = max(day, due.get(row["pairing_id"], day))
    if pending:
        tx.execute("DELETE FROM duty_pending")
    return due


def _statuses_of(tx: Tx,
                 pairing_ids: Sequence[str]) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """The stored status rows of the pairings, by pairing, child and duty, each as the
    tuple :meth:`DutyView._evaluated` makes."""
    marks = ", ".join("?" * len(pairing_ids))
    return {(row["pairing_id"], row["child_id"], row["name"]): tuple(row[c] for c in STATUS_COLUMNS)
            for row in tx.execute(f"SELECT {', '.join(STATUS_COLUMNS)} FROM duty_status"
                                  f" WHERE pairing_id IN ({marks})", list(pairing_ids)).all()}


def _contacts_kept(tx: Tx, pairing_ids: Sequence[str],
                   kept: Remembered[dict[str, DutyContact]]) -> dict[str, dict[str, DutyContact]]:
    """Each pairing's contacts by id, from ``kept`` where it holds them, else read (and
    then kept, one at a time so that ``kept`` stays within its limit)."""
    held = {key: kept[key] for key in pairing_ids if key in kept}
    read = _contacts_of(tx, [key for key in pairing_ids if key not in held])
    for key, contacts in read.items():
        kept[key] = contacts
    return held | read


def _contacts_of(tx: Tx, pairing_ids: Sequence[str]) -> dict[str, dict[str, DutyContact]]:
    """Each pairing's contacts by id: kind, day and the children they name."""
    contacts: dict[str, dict[str, DutyContact]] = {pairing_id: {} for pairing_id in pairing_ids}
    if not pairing_ids:
        return contacts
    marks = ", ".join("?" * len(pairing_ids))
    for row in tx.execute("SELECT pairing_id, contact_id, kind, occurred_on, child_ids"
                          f" FROM duty_contacts WHERE pairing_id IN ({marks})",
                          list(pairing_ids)).all():
        contacts[row["pairing_id"]][row["contact_id"]] = DutyContact(
            row["kind"], date.fromisoformat(row["occurred_on"]),
            tuple(c for c in (row["child_ids"] or "").split(",") if c))
    return contacts


def _each_childs(pairing: Row, contacts: list[DutyContact], on: date, *,
                 ends_on: date | None = None) -> list[tuple[str, DutyStatus]]:
    """Each duty owed to each child of the pairing on ``on``, by child in the pairing's order
    then by duty, each judged on the contacts that name the child."""
    rules = pairing_rules(name for name in pairing["duty_sets"].split(",") if name)
    starts_on = date.fromisoformat(pairing["starts_on"])
    return [(child_id, status)
            for child_id in (str(c) for c in _ids(pairing["child_ids"]))
            for status in evaluate_duties(
                rules, [c for c in contacts if c.names(child_id)], on, starts_on=starts_on,
                ends_on=ends_on, calendar=DutyView.calendar)]


def _region_of(tx: Tx, volunteer_id: object) -> str | None:
    row = tx.execute("SELECT region_code FROM duty_volunteers WHERE volunteer_id = ?",
                     (id_text(volunteer_id),)).one()
    return None if row is None else str(row["region_code"])


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def duties_of(tx: Tx, pairing_id: str | UUID) -> list[Row]:
    """The pairing's duties as last evaluated, one row per child and duty: by child in the
    pairing's order, then in the order of its rule sets."""
    return tx.execute("SELECT * FROM duty_status WHERE pairing_id = ? ORDER BY ordinal",
                      (str(pairing_id),)).all()


def overdue(tx: Tx, on: date, *, region_code: str | None = None,
            volunteer_id: str | None = None, child_id: str | None = None,
            school: str | None = None, after: str | None = None,
            limit: int = 100) -> list[Row]:
    """Overdue duties of active pairings as evaluated on ``on`` (逾期名单), one row per child
    and duty (``child_id``), by pairing, child and duty.

    ``region_code`` is a division-code prefix and ``school`` a school, each matched by the
    row's own child, where she is registered (a pairing's children may live in different
    townships): a county's code finds the duties owed to its townships' children.
    ``after`` is the ``cursor`` of the last row of the previous page
    ("pairing_id/child_id/duty"), or a pairing id to start after all of that pairing's duties.
    """
    scoped, params = scope_clauses(region_code, school, region_column="c.region_code",
                                   school_column="c.school")
    clauses = ["s.status = 'overdue'", "s.evaluated_on = ?", "p.ended_on IS NULL", *scoped]
    params.insert(0, iso(on))
    if volunteer_id:
        clauses.append("s.pairing_id IN (SELECT pairing_id FROM duty_pairing_volunteers"
                       " WHERE volunteer_id = ?)")
        params.append(id_text(volunteer_id))
    if child_id:
        clauses.append("s.child_id = ?")
        params.append(id_text(child_id))
    if after:
        pairing_id, _, rest = after.partition("/")
        child, _, duty = rest.partition("/")
        if duty:
            clauses.append("(s.pairing_id > ? OR (s.pairing_id = ? AND (s.child_id > ?"
                           " OR (s.child_id = ? AND s.name > ?))))")
            params += [pairing_id, pairing_id, child, child, duty]
        else:
            clauses.append("s.pairing_id > ?")
            params.append(pairing_id)
    return tx.execute(
        "SELECT s.*, c.region_code, c.school, p.child_ids, p.volunteer_ids,"
        " s.pairing_id || '/' || s.child_id || '/' || s.name AS cursor FROM duty_status s"
        " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
        " JOIN duty_children c ON c.child_id = s.child_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY s.pairing_id, s.child_id, s.name LIMIT ?",
        [*params, limit]).all()


class DuePage(NamedTuple):
    """One page of :func:`due_or_overdue`."""

    duties: list[DueDuty]
    #: Pass back as ``after`` for the next page; None after the last one.
    next: str | None


def due_or_overdue(tx: Tx, on: date, *, due_soon_days: int, after: str | None = None,
                   pairings: int = 200) -> DuePage:
    """Duties needing a reminder on ``on``: overdue, or due with the period ending within
    ``due_soon_days`` days (see :func:`domain.reminders.needs_reminder`), of the pairings that
    are active and had started by ``on``, a page of ``pairings`` pairings at a time, in
    pairing order from the cursor ``after``.

    Each pairing is evaluated as of ``on`` itself, from this view's pairings and contacts, by
    the same pure evaluation its stored rows come from, for each of its children (one
    :class:`~domain.reminders.DueDuty` per child and duty, naming the child and placed in her
    region and school, so the reminder is listed to the staff of her place). The stored rows
    are each as of the pairing's own latest day, and :meth:`DutyView.refresh` can only move
    them forward; evaluating here gives every pairing the same day, for a past day too, and
    leaves the view as it is.
    """
    page = tx.execute("SELECT * FROM duty_pairings WHERE ended_on IS NULL AND starts_on <= ?"
                      " AND pairing_id > ? ORDER BY pairing_id LIMIT ?",
                      (iso(on), after or "", pairings)).all()
    if not page:
        return DuePage([], None)
    ids = [row["pairing_id"] for row in page]
    marks = ", ".join("?" * len(ids))
    contacts = _contacts_of(tx, ids)
    regions = {(row["pairing_id"], row["volunteer_id"]): row["region_code"] or ""
               for row in tx.execute("SELECT * FROM duty_pairing_volunteers"
                                     f" WHERE pairing_id IN ({marks})", ids).all()}
    places = _places_of(tx, {str(c) for row in page for c in _ids(row["child_ids"])})
    found: list[DueDuty] = []
    for pairing in page:
        key = pairing["pairing_id"]
        volunteers, children = _ids(pairing["volunteer_ids"]), _ids(pairing["child_ids"])
        found += [DueDuty(
            pairing_id=UUID(key), child_ids=children, volunteer_ids=volunteers,
            region_code=places.get(child_id, pairing)["region_code"],
            school=places.get(child_id, pairing)["school"],
            volunteer_region_codes=tuple(regions.get((key, str(v)), "") for v in volunteers),
            status=status, on=on, child_id=UUID(child_id))
            for child_id, status in _each_childs(pairing, list(contacts[key].values()), on)
            if needs_reminder(status, on, due_soon_days)]
    return DuePage(found, ids[-1] if len(page) == pairings else None)


def _places_of(tx: Tx, child_ids: set[str]) -> dict[str, Row]:
    """Where each child is registered (region, school), by id."""
    wanted = sorted(child_ids)
    found: dict[str, Row] = {}
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first:first + _CHUNK]
        found |= {row["child_id"]: row for row in tx.execute(
            "SELECT child_id, region_code, school FROM duty_children"
            f" WHERE child_id IN ({', '.join('?' * len(chunk))})", chunk).all()}
    return found


def _ids(values: str) -> tuple[UUID, ...]:
    return tuple(UUID(value) for value in values.strip(",").split(",") if value)
