"""Group activities and aid in the quarter (集体活动, 慰问), and the children reached (慰问人数).

- ``group_activities``: group activities held in the quarter (``POST /activities``), each counted
  once however many children it names, in the township and school of its first child; one
  cancelled as known at T does not count;
- ``activities`` (开展活动) keeps counting the pairings' contacts of the activity kinds (a
  volunteer's activity, birthday or festival with her children: one activity with the children
  of that pairing, :mod:`~projections.reports.contacts`) and adds every group activity once: a
  contact of kind ``activity`` is a contact, and also an activity held;
- ``items_given`` adds the group activities' items to the contacts' (发放物品);
- ``aid_fen``: the money given by group activities, in fen (分, exact and additive over
  townships); ``aid_yuan`` (慰问金, 元) is derived from it with two decimal places;
- ``children_reached``: the distinct children named by a contact or a group activity that
  reached the child in the quarter, each counted once in its own township and school. A contact
  with the homeroom teacher, the guardian or the parents (``teacher_contact``,
  ``guardian_contact``, ``parent_contact``) is work about the child that does not reach it: it
  does not count. A contact counts only for the children it concerns
  (:func:`projections.reports.reach.children_named`); a contact recorded on the child's own
  record (the homeroom teacher's talk or home visit) reaches that child.
"""

from __future__ import annotations

from domain.reports import Quarter
from projections.reports.reach import ACTIVITY, CANCELLED
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Tx

#: Contacts about the child that do not reach it: with its teacher, its guardian, its parents.
NOT_REACHING: tuple[str, ...] = ("teacher_contact", "guardian_contact", "parent_contact")

#: An activity cancelled as known at T (the statement's last parameter) does not count.
_NOT_CANCELLED = (f"NOT EXISTS (SELECT 1 FROM rf_facts c WHERE c.subject_id = {{alias}}.subject_id"
                  f" AND c.event = '{CANCELLED}' AND c.recorded_at <= ?)")


def count_activities(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Group activities held in the quarter, their items and their money."""
    where, params = scope.sql("f")
    for row in tx.execute(
            f"SELECT {scope.unit('f')} AS township, f.school, COUNT(*) AS n,"
            " SUM(f.amount) AS items,"
            " SUM(CAST(f.detail AS BIGINT)) AS fen FROM rf_facts f"
            f" WHERE {where} AND f.event = '{ACTIVITY}' AND f.recorded_at <= ?"
            " AND f.occurred_on >= ? AND f.occurred_on <= ?"
            f" AND {_NOT_CANCELLED.format(alias='f')}"
            f" GROUP BY {scope.unit('f')}, f.school ORDER BY {scope.unit('f')}, f.school",
            [*params, at, q.start.isoformat(), q.end.isoformat(), at]).all():
        place, n = (row["township"], row["school"]), int(row["n"])
        tally.count(*place, "group_activities", n)
        tally.count(*place, "activities", n)
        tally.count(*place, "items_given", int(row["items"] or 0))
        tally.count(*place, "aid_fen", int(row["fen"] or 0))


def count_children_reached(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """The distinct children a contact or a group activity reached in the quarter."""
    where, params = scope.sql("r")
    for row in tx.execute(
            f"SELECT {scope.unit('r')} AS township, r.school, COUNT(DISTINCT r.child_id) AS n"
            " FROM rf_reached r"
            f" WHERE {where} AND r.recorded_at <= ? AND r.occurred_on >= ?"
            f" AND r.occurred_on <= ? AND r.kind NOT IN ({', '.join('?' * len(NOT_REACHING))})"
            f" AND {_NOT_CANCELLED.format(alias='r')}"
            f" GROUP BY {scope.unit('r')}, r.school ORDER BY {scope.unit('r')}, r.school",
            [*params, at, q.start.isoformat(), q.end.isoformat(), *NOT_REACHING, at]).all():
        tally.count(row["township"], row["school"], "children_reached", int(row["n"]))
