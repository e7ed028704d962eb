"""Contacts and visits within the quarter (联系走访): by kind, home visits (家访), activities
(开展活动: group activity, birthday, festival),
items given (发放物品) and the children reached (走访人数: children of a pairing with a contact).
"""

from __future__ import annotations

from domain.duties import ContactKind
from domain.reports import Quarter
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Tx

#: Contact kinds counted as activities (开展活动): a group activity, a birthday or a festival
#: spent together.
ACTIVITY_KINDS: frozenset[str] = frozenset(
    {ContactKind.ACTIVITY, ContactKind.BIRTHDAY, ContactKind.FESTIVAL})


def count_contacts(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Contacts and visits within the quarter, by kind: a pairing's, and those recorded on a
    child outside any pairing (the homeroom teacher's talks and home visits, a staff visit:
    one each, ``rf_reached`` holding one row per such contact); children reached
    (走访人数)."""
    where, params = scope.sql()
    unit = scope.unit()
    bounds = [at, q.start.isoformat(), q.end.isoformat()]
    # A pairing's contacts (their items given among them), then those on a child's own record.
    for table, event, items in (("rf_facts", "ContactRecorded", "SUM(amount)"),
                                ("rf_reached", "ChildContactRecorded", "0")):
        for row in tx.execute(
                f"SELECT {unit} AS township, school, kind, COUNT(*) AS n, {items} AS items"
                f" FROM {table}"
                f" WHERE {where} AND event = ? AND recorded_at <= ?"
                " AND occurred_on >= ? AND occurred_on <= ?"
                f" GROUP BY {unit}, school, kind ORDER BY {unit}, school, kind",
                [*params, event, *bounds]).all():
            place, n = (row["township"], row["school"]), int(row["n"])
            tally.count(*place, "contacts", n)
            tally.count_in(*place, "contacts_by_kind", row["kind"], n)
            tally.count(*place, "items_given", int(row["items"] or 0))
            if row["kind"] == ContactKind.HOME_VISIT:
                tally.count(*place, "home_visits", n)
            if row["kind"] in ACTIVITY_KINDS:
                tally.count(*place, "activities", n)
    where_pc, params_pc = scope.sql("pc")
    for row in tx.execute(
            f"SELECT {scope.unit('pc')} AS township, pc.school,"
            " COUNT(DISTINCT pc.child_id) AS n"
            " FROM rf_pairing_children pc WHERE"
            f" {where_pc} AND EXISTS (SELECT 1 FROM rf_facts f WHERE f.subject_id = pc.pairing_id"
            " AND f.event = 'ContactRecorded' AND f.recorded_at <= ? AND f.occurred_on >= ?"
            f" AND f.occurred_on <= ?) GROUP BY {scope.unit('pc')}, pc.school",
            [*params_pc, *bounds]).all():
        tally.count(row["township"], row["school"], "children_contacted", int(row["n"]))
