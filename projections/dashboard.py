"""The staff's dashboard figures (工作概览), read from the views, never from the log:
coverage by township (the children's register; who is covered, by the report's rule, from the
report facts), duties by township (the duty view), contacts by month and this quarter against
the last (the report facts).

Every function takes the caller's scope as :class:`Within` (a division-code prefix and, for a
school, its name) and reads each view's tables in one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.events import ChildRegistered, ConcernReported, PairingFormed
from domain.reports.quarter import Quarter
from projections.duties import DutyView
from projections.events import iso
from projections.registers.children import LEFT_BEHIND, ChildrenRegister
from projections.reports.coverage import covered_children
from projections.reports.facts import ReportFacts
from projections.scoping import scope_clauses
from projections.timeline import EVENT_TYPES
from storage.sql import Tx

if TYPE_CHECKING:
    from projections.runner import ViewRunner

TOWNSHIP_DIGITS = 9
#: Later than any instant recorded: the dashboard counts whatever has been recorded.
EVERYTHING_RECORDED = "9999-12-31T23:59:59.999999+00:00"


@dataclass(frozen=True)
class Within:
    """The caller's scope: a division-code prefix (None: everywhere) and a school (None: all)."""

    region_code: str | None = None
    school: str | None = None

    def where(self, region: str, school: str) -> tuple[str, list[Any]]:
        """The scope as conditions on the columns ``region`` and ``school``, each after an
        ``AND`` (empty: everywhere), and their parameters."""
        clauses, params = scope_clauses(self.region_code, self.school, region_column=region,
                                        school_column=school)
        return "".join(f" AND {clause}" for clause in clauses), params


@dataclass(frozen=True)
class TownshipFigures:
    """A township's children and duties today (乡镇): left-behind children, those of them in
    an active pairing, and the duties of active pairings by state."""

    code: str
    left_behind: int = 0
    paired: int = 0
    overdue: int = 0
    due: int = 0
    met: int = 0
    children_overdue: int = 0


@dataclass(frozen=True)
class Trend:
    """One figure this quarter so far and in the same days of the quarter before."""

    name: str
    now: int
    before: int


def by_township(views: ViewRunner, within: Within, on: date) -> list[TownshipFigures]:
    """Coverage on ``on`` and duties as last evaluated, by township code: a left-behind child
    is paired when the quarterly report would count her covered that day
    (:func:`~projections.reports.coverage.covered_children`)."""
    found: dict[str, dict[str, int]] = {}
    region, params = within.where("region_code", "school")
    with views.store.recorder(ChildrenRegister).read() as tx:
        left_behind = {row["child_id"]: row["township"] for row in tx.execute(
            f"SELECT child_id, substr(region_code, 1, {TOWNSHIP_DIGITS}) AS township"
            f" FROM reg_children WHERE {LEFT_BEHIND}{region}", [iso(on), *params]).all()}
    region, params = within.where("pc.region_code", "pc.school")
    with views.store.recorder(ReportFacts).read() as tx:
        paired = covered_children(tx, f"1 = 1{region}", params, on, EVERYTHING_RECORDED,
                                  left_behind)
    for child_id, township in left_behind.items():
        figures = found.setdefault(township, {"left_behind": 0, "paired": 0})
        figures["left_behind"] += 1
        figures["paired"] += child_id in paired
    region, params = within.where("c.region_code", "c.school")
    with views.store.recorder(DutyView).read() as tx:
        for row in _duty_states(tx, region, params):
            found.setdefault(row["township"], {})[row["status"]] = int(row["duties"])
        for row in tx.execute(
                f"SELECT substr(c.region_code, 1, {TOWNSHIP_DIGITS}) AS township,"
                " COUNT(DISTINCT s.child_id) AS children FROM duty_status s"
                " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
                " JOIN duty_children c ON c.child_id = s.child_id"
                " WHERE s.status = 'overdue' AND p.ended_on IS NULL"
                f"{region} GROUP BY substr(c.region_code, 1, {TOWNSHIP_DIGITS})",
                params).all():
            found.setdefault(row["township"], {})["children_overdue"] = int(row["children"])
    return [TownshipFigures(code, **figures) for code, figures in sorted(found.items())]


def _duty_states(tx: Tx, region: str, params: list[Any]) -> list[Any]:
    """Each township's duties by state, as the duty view last evaluated each active pairing
    (today's, once the view is refreshed as the day turns)."""
    return tx.execute(
        f"SELECT substr(c.region_code, 1, {TOWNSHIP_DIGITS}) AS township, s.status,"
        " COUNT(*) AS duties FROM duty_status s"
        " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
        " JOIN duty_children c ON c.child_id = s.child_id"
        f" WHERE p.ended_on IS NULL{region}"
        f" GROUP BY substr(c.region_code, 1, {TOWNSHIP_DIGITS}), s.status",
        params).all()


def month_starts(on: date, months: int) -> list[date]:
    """The first days of the ``months`` calendar months up to ``on``'s, oldest first."""
    year, month = on.year, on.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def contacts_by_month(views: ViewRunner, within: Within, on: date,
                      months: int = 12) -> list[tuple[str, int]]:
    """Contacts (a pairing's and a child's own) in each of the last ``months`` months up to
    ``on``, as ("2026-06", count), oldest first; a month without any counts 0."""
    starts = month_starts(on, months)
    region, params = within.where("region_code", "school")
    with views.store.recorder(ReportFacts).read() as tx:
        rows = tx.execute(
            "SELECT substr(occurred_on, 1, 7) AS month, COUNT(DISTINCT position) AS contacts"
            " FROM rf_reached WHERE occurred_on >= ? AND occurred_on <= ?"
            f"{region} GROUP BY substr(occurred_on, 1, 7)",
            [iso(starts[0]), iso(on), *params]).all()
    counted = {row["month"]: int(row["contacts"]) for row in rows}
    return [(start.isoformat()[:7], counted.get(start.isoformat()[:7], 0)) for start in starts]


#: The facts the quarter's trends count, by the name the dashboard gives them.
_COUNTED = (("pairings_formed", PairingFormed), ("children_registered", ChildRegistered),
            ("concerns_reported", ConcernReported))


def quarter_trends(views: ViewRunner, within: Within,
                   on: date) -> tuple[Quarter, Quarter, list[Trend]]:
    """This quarter from its first day to ``on`` against the quarter before over as many
    days (同期): contacts, children reached, pairings formed, children registered, concerns
    reported. One pass over each table for both spans."""
    this, last = Quarter.of(on), Quarter.before(on)
    before_end = min(last.start + timedelta(days=(on - this.start).days), last.end)
    now_span, before_span = [iso(this.start), iso(on)], [iso(last.start), iso(before_end)]
    spans = [*now_span, *before_span, iso(last.start), iso(on)]
    inside = "occurred_on >= ? AND occurred_on <= ?"
    region, params = within.where("region_code", "school")
    with views.store.recorder(ReportFacts).read() as tx:
        reached = tx.execute(
            f"SELECT COUNT(DISTINCT CASE WHEN {inside} THEN position END) AS contacts_now,"
            f" COUNT(DISTINCT CASE WHEN {inside} THEN position END) AS contacts_before,"
            f" COUNT(DISTINCT CASE WHEN {inside} THEN child_id END) AS children_now,"
            f" COUNT(DISTINCT CASE WHEN {inside} THEN child_id END) AS children_before"
            f" FROM rf_reached WHERE {inside}{region}",
            [*now_span, *before_span, *now_span, *before_span, iso(last.start), iso(on),
             *params]).one() or {}
        events = [EVENT_TYPES[event] for _, event in _COUNTED]
        counted = {row["event"]: row for row in tx.execute(
            f"SELECT event, SUM(CASE WHEN {inside} THEN 1 ELSE 0 END) AS now,"
            f" SUM(CASE WHEN {inside} THEN 1 ELSE 0 END) AS before FROM rf_facts"
            f" WHERE event IN ({','.join('?' * len(events))}) AND {inside}{region}"
            " GROUP BY event", [*spans[:4], *events, *spans[4:], *params]).all()}
    trends = [Trend("contacts", int(reached.get("contacts_now") or 0),
                    int(reached.get("contacts_before") or 0)),
              Trend("children_reached", int(reached.get("children_now") or 0),
                    int(reached.get("children_before") or 0))]
    for name, event in _COUNTED:
        row = counted.get(EVENT_TYPES[event]) or {}
        trends.append(Trend(name, int(row.get("now") or 0), int(row.get("before") or 0)))
    return this, last, trends
