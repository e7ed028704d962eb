"""The facts of who was reached (慰问/走访的儿童) and of group activities and aid (集体活动, 慰问),
kept by :class:`~projections.reports.facts.ReportFacts` beside its other facts.

- ``rf_reached``: one row per child a contact (of a pairing, or the child's own: a teacher's talk)
  or a group activity concerns (position, child), in
  the child's own division code, township and school, with the business date, the recorded
  instant and the kind: :mod:`projections.reports.activities` counts the distinct children
  reached in a quarter from it. A contact concerns the children it names, or every child of its
  pairing when it names none (:func:`children_named` is the one place that reads which);
- an activity is also one row of ``rf_facts`` (``ActivityRecorded``), placed where its first child
  is (so each activity is counted in one township only), ``amount`` its items and ``detail`` its
  money in fen (分, an integer: no floats); a cancellation is a row ``ActivityCancelled`` of the
  same activity, placed alike, with no text (the reason stays in the log).

Nothing is overwritten: "as known at T" reads the rows recorded by T, so a cancellation recorded
after T leaves the activity counted in a report known at T.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal
from uuid import UUID

from domain.events import (
    ActivityCancelled,
    ActivityRecorded,
    ChildContactRecorded,
    ContactRecorded,
)
from domain.pairings import Contact
from projections.events import Recorded, iso
from storage.sql import Tx

REACHED_TABLES: tuple[str, ...] = ("rf_reached",)
REACHED_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS rf_reached ("
    " position BIGINT NOT NULL, child_id TEXT NOT NULL, event TEXT NOT NULL,"
    " subject_id TEXT NOT NULL, region_code TEXT NOT NULL, township TEXT NOT NULL,"
    " school TEXT NOT NULL, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL,"
    " kind TEXT NOT NULL, PRIMARY KEY (position, child_id))",
    "CREATE INDEX IF NOT EXISTS rf_reached_township ON rf_reached (township, occurred_on)",
    # the duty figures read a chunk of pairings' contacts at a time
    "CREATE INDEX IF NOT EXISTS rf_reached_subject ON rf_reached (subject_id, event)",
)
_REACHED = ("INSERT INTO rf_reached (position, child_id, event, subject_id, region_code,"
            " township, school, occurred_on, recorded_at, kind)")


#: The events' programme names, as the facts carry them.
ACTIVITY, CANCELLED, CONTACT = "ActivityRecorded", "ActivityCancelled", "ContactRecorded"
OWN_CONTACT = "ChildContactRecorded"


def _recorded_at(e: Recorded) -> str:
    moment = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def fen(amount_yuan: Decimal) -> int:
    """Money in fen (分), the unit the facts add up exactly."""
    return int((amount_yuan * 100).to_integral_value())


def children_named(contact: Contact) -> tuple[UUID, ...]:
    """The children a contact names; none named (a contact recorded before contacts named
    their children) means every child of its pairing (``Contact.concerns``)."""
    return contact.child_ids


def record_contact_reach(tx: Tx, e: ContactRecorded) -> None:
    """The children the contact concerns, each in its own place."""
    facts = (tx.position, CONTACT, str(e.originator_id),
             iso(e.contact.occurred_on), _recorded_at(e), e.contact.kind)
    named = children_named(e.contact)
    if not named:
        tx.execute(
            _REACHED + " SELECT ?, child_id, ?, ?, region_code, township, school, ?, ?, ?"
            " FROM rf_pairing_children WHERE pairing_id = ?",
            (*facts, str(e.originator_id)))
        return
    _reach_children(tx, facts, named)


def record_own_contact_reach(tx: Tx, e: ChildContactRecorded) -> None:
    """A contact outside any pairing (the homeroom teacher's talk, a staff visit) concerns
    the child it is recorded on."""
    _reach_children(tx, (tx.position, OWN_CONTACT, str(e.originator_id),
                         iso(e.contact.occurred_on), _recorded_at(e), e.contact.kind),
                    (e.originator_id,))


def _reach_children(tx: Tx, facts: tuple[object, ...], children: Sequence[UUID]) -> None:
    for child_id in children:
        tx.execute(
            _REACHED + " SELECT ?, child_id, ?, ?, region_code, township, school, ?, ?, ?"
            " FROM rf_child_places WHERE child_id = ?", (*facts, str(child_id)))


def record_activity(tx: Tx, e: ActivityRecorded) -> None:
    """The activity placed where its first child is, and each child it reached."""
    activity_id = str(e.originator_id)
    tx.execute(
        "INSERT INTO rf_facts (position, event, subject_id, region_code, township, school,"
        " occurred_on, recorded_at, kind, amount, detail) SELECT ?, ?, ?, region_code,"
        " township, school, ?, ?, ?, ?, ? FROM rf_child_places WHERE child_id = ?",
        (tx.position, ACTIVITY, activity_id, iso(e.occurred_on), _recorded_at(e),
         e.kind, e.items, str(fen(e.amount_yuan)), str(e.child_ids[0])))
    _reach_children(tx, (tx.position, ACTIVITY, activity_id, iso(e.occurred_on),
                         _recorded_at(e), e.kind), e.child_ids)


def record_cancellation(tx: Tx, e: ActivityCancelled) -> None:
    """The activity's cancellation, placed as the activity is (its reason stays in the log)."""
    tx.execute(
        "INSERT INTO rf_facts (position, event, subject_id, region_code, township, school,"
        " occurred_on, recorded_at, kind, amount, detail) SELECT ?, ?, subject_id, region_code,"
        " township, school, ?, ?, kind, 0, '' FROM rf_facts WHERE subject_id = ? AND event = ?",
        (tx.position, CANCELLED, iso(e.on), _recorded_at(e), str(e.originator_id),
         ACTIVITY))
