"""The staff's dashboard figures (工作概览), read from the views, never from the log:
coverage by township, village or class (the children's register; who is covered, by the
report's rule, from the report facts), duties likewise (the duty view), contacts by month and
this quarter against the last (the report facts).

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
from projections.reports.facts import ReportFacts
from projections.scoping import scope_clauses
from projections.timeline import EVENT_TYPES
from projections.uncovered import paired_but_not_covered
from storage.sql import Tx

if TYPE_CHECKING:
    from projections.runner import ViewRunner

TOWNSHIP_DIGITS = 9


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


#: How the dashboard breaks a scope down (分组): each grouping's column in the children's
#: register and, for the duty view, in its children's table (None: looked up by child).
GROUPS: dict[str, tuple[str, str | None]] = {
    "township": (f"substr(region_code, 1, {TOWNSHIP_DIGITS})",
                 f"substr(c.region_code, 1, {TOWNSHIP_DIGITS})"),
    "village": ("region_code", "c.region_code"),
    "class": ("class_name", None),
}


def by_township(views: ViewRunner, within: Within, on: date,
                group: str = "township") -> list[TownshipFigures]:
    """Coverage on ``on`` and duties as last evaluated, by township code (or, with ``group``,
    by village code or by class): a left-behind child is paired when the quarterly report
    would count her covered that day (:func:`~projections.reports.coverage.covered_children`,
    asked only about the children :func:`~projections.uncovered.paired_but_not_covered`
    finds). Counted in SQL, a row per group."""
    column, duty_column = GROUPS[group]
    found: dict[str, dict[str, int]] = {}
    with views.store.recorder(ReportFacts).read() as tx:
        not_covered = sorted(paired_but_not_covered(tx, on, region_code=within.region_code,
                                                    school=within.school))
    excluded = (f" AND child_id NOT IN ({', '.join('?' * len(not_covered))})"
                if not_covered else "")
    region, params = within.where("region_code", "school")
    classes: dict[str, str] = {}
    with views.store.recorder(ChildrenRegister).read() as tx:
        for row in tx.execute(
                f"SELECT {column} AS code, COUNT(*) AS left_behind,"
                f" SUM(CASE WHEN active_pairings > 0{excluded} THEN 1 ELSE 0 END) AS paired"
                f" FROM reg_children WHERE {LEFT_BEHIND}{region} GROUP BY {column}",
                [*not_covered, iso(on), *params]).all():
            found[row["code"]] = {"left_behind": int(row["left_behind"]),
                                  "paired": int(row["paired"] or 0)}
        if duty_column is None:  # a school's pupils by class
            classes = {row["child_id"]: row["code"] for row in tx.execute(
                f"SELECT child_id, {column} AS code FROM reg_children WHERE 1 = 1{region}",
                params).all()}
    region, params = within.where("c.region_code", "c.school")
    with views.store.recorder(DutyView).read() as tx:
        if duty_column is not None:
            for row in _duty_states(tx, duty_column, region, params):
                found.setdefault(row["code"], {})[row["status"]] = int(row["duties"])
            for row in _children_overdue(tx, duty_column, region, params):
                found.setdefault(row["code"], {})["children_overdue"] = int(row["children"])
        else:
            for row in _duty_states(tx, "s.child_id", region, params):
                figures = found.setdefault(classes.get(row["code"], ""), {})
                figures[row["status"]] = figures.get(row["status"], 0) + int(row["duties"])
            for row in _children_overdue(tx, "s.child_id", region, params):
                figures = found.setdefault(classes.get(row["code"], ""), {})
                figures["children_overdue"] = figures.get("children_overdue", 0) + 1
    return [TownshipFigures(code, **figures) for code, figures in sorted(found.items())]


def _children_overdue(tx: Tx, column: str, region: str, params: list[Any]) -> list[Any]:
    """Each group's children with an overdue duty of an active pairing."""
    return tx.execute(
        f"SELECT {column} AS code, COUNT(DISTINCT s.child_id) AS children FROM duty_status s"
        " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
        " JOIN duty_children c ON c.child_id = s.child_id"
        f" WHERE s.status = 'overdue' AND p.ended_on IS NULL{region} GROUP BY {column}",
        params).all()


def _duty_states(tx: Tx, column: str, region: str, params: list[Any]) -> list[Any]:
    """Each group's duties by state, as the duty view last evaluated each active pairing
    (today's, once the view is refreshed as the day turns)."""
    return tx.execute(
        f"SELECT {column} AS code, s.status, COUNT(*) AS duties FROM duty_status s"
        " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
        " JOIN duty_children c ON c.child_id = s.child_id"
        f" WHERE p.ended_on IS NULL{region} GROUP BY {column}, s.status",
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
