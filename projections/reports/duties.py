"""Pairings and their duties (结对与履职): pairings formed, active (by shape) and ended within the
quarter, and, per duty rule of each pairing's rule sets, owed to each child of the pairing (a
contact counts only for the children it names; one recorded before contacts named their
children, for every child of its pairing), counted where the pairing is:

- ``periods_due``/``periods_met``/``compliance_rate``: the periods of the rule that ended within
  the quarter and that the pairing owed each of its children, and of those the ones met, as the
  duty engine counts them (:func:`domain.duties.owed_periods`) over the contacts naming the
  child: a pairing of two children owes two periods of a monthly duty each month; and, for a
  duty overdue on the quarter's last day whose last missed period ended before the quarter
  (a half-year visit missed in the spring, still not made up in the autumn), that period, owed
  and not met: so a rule's periods owed are never fewer than its duties overdue;
- ``met``/``due``/``overdue`` on the quarter's last day, one per child and duty, from
  :func:`domain.duties.evaluate_duties` over the contacts known at T naming the child, for
  pairings active on that day; ``escalated`` counts them overdue for at least
  ``escalate_after_days`` days (逾期超过 N 天, :func:`domain.reminders.needs_escalation`);
  ``duties_overdue`` counts the children's overdue duties, ``pairings_with_overdue`` the
  pairings with one at least;
- ``escalations_raised``: the escalations (逾期上报) the reminders' scan actually raised within
  the quarter (``DutyEscalated`` facts dated in it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from domain.duties import (
    DutyRule,
    DutyState,
    SchoolCalendar,
    evaluate_duties,
    owed_periods,
)
from domain.duties.school import pairing_rules
from domain.reminders import needs_escalation
from domain.reports import Quarter
from projections.events import listed
from projections.reports.reach import CONTACT
from projections.reports.scope import Scope
from projections.reports.tally import Tally, duty_counts
from storage.sql import Row, Tx

#: Pairings whose contacts are read per query when evaluating duties (bounds memory).
_CHUNK = 500


class _Contact(NamedTuple):
    kind: str
    occurred_on: date
    child_id: str


def count_pairings(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally,
                   calendar: SchoolCalendar, escalate_after_days: int) -> None:
    """Pairings formed, active and ended, and where their duties stand (履职情况)."""
    day = q.end
    where, params = scope.sql()
    pairings = tx.execute(
        f"SELECT pairing_id, {scope.unit()} AS township, school, shape, duty_sets, starts_on,"
        " ended_on,"
        f" end_reason, end_recorded_at FROM rf_pairings WHERE {where} AND recorded_at <= ?"
        " AND starts_on <= ? ORDER BY pairing_id", [*params, at, day.isoformat()]).all()
    for first in range(0, len(pairings), _CHUNK):
        chunk = pairings[first:first + _CHUNK]
        ids = [p["pairing_id"] for p in chunk]
        marks = ", ".join("?" * len(ids))
        contacts: dict[str, list[_Contact]] = defaultdict(list)
        for row in tx.execute(  # one row per contact and child it concerns
                f"SELECT subject_id, child_id, kind, occurred_on FROM rf_reached"
                f" WHERE subject_id IN ({marks}) AND event = '{CONTACT}'"
                " AND recorded_at <= ? AND occurred_on <= ?", [*ids, at, day.isoformat()]).all():
            contacts[row["subject_id"]].append(_Contact(
                row["kind"], date.fromisoformat(row["occurred_on"]), row["child_id"]))
        children: dict[str, list[str]] = defaultdict(list)
        for row in tx.execute("SELECT pairing_id, child_id FROM rf_pairing_children"
                              f" WHERE pairing_id IN ({marks}) ORDER BY pairing_id, child_id",
                              ids).all():
            children[row["pairing_id"]].append(row["child_id"])
        for pairing in chunk:
            key = pairing["pairing_id"]
            _pairing(pairing, children[key], contacts[key], q, at, tally, calendar,
                     escalate_after_days)


def count_escalations(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Escalations raised within the quarter (逾期上报次数), where their pairing is."""
    where, params = scope.sql()
    unit = scope.unit()
    for row in tx.execute(
            f"SELECT {unit} AS township, school, COUNT(*) AS n FROM rf_facts WHERE {where}"
            " AND event = 'DutyEscalated' AND recorded_at <= ? AND occurred_on >= ?"
            f" AND occurred_on <= ? GROUP BY {unit}, school",
            [*params, at, q.start.isoformat(), q.end.isoformat()]).all():
        tally.count(row["township"], row["school"], "escalations_raised", int(row["n"]))


def _pairing(pairing: Row, children: list[str], contacts: list[_Contact], q: Quarter, at: str,
             tally: Tally, calendar: SchoolCalendar, escalate_after_days: int) -> None:
    day = q.end
    place = (pairing["township"], pairing["school"])
    starts_on = date.fromisoformat(pairing["starts_on"])
    ended_on = (date.fromisoformat(pairing["ended_on"]) if pairing["ended_on"] is not None
                and pairing["end_recorded_at"] <= at else None)
    if starts_on in q:
        tally.count(*place, "pairings_formed")
    if ended_on is not None and ended_on in q:
        tally.count(*place, "pairings_ended")
        tally.count_in(*place, "pairing_end_reasons", pairing["end_reason"])
    active = ended_on is None or ended_on > day
    if active:
        tally.count(*place, "pairings_active")
        tally.count_in(*place, "pairings_active_by_shape", pairing["shape"])
    rules = _rules(pairing["duty_sets"])
    naming = {child: [c for c in contacts if c.child_id == child] for child in children}
    for rule in rules:
        owed = [period for child in children for period in owed_periods(
            rule, naming[child], q.start, q.end, starts_on=starts_on, ends_on=ended_on,
            calendar=calendar)]
        due, met = len(owed), sum(period.met for period in owed)
        for counts in tally.units(*place):
            duty = counts["duties"].setdefault(rule.name, duty_counts())
            duty["periods_due"] += due
            duty["periods_met"] += met
            counts["duties_periods_due"] += due
            counts["duties_periods_met"] += met
    if not active:
        return
    overdue = False
    for child in children:
        for status in evaluate_duties(rules, naming[child], day, starts_on=starts_on,
                                      calendar=calendar):
            for counts in tally.units(*place):
                counts["duties"][status.name][status.status.value] += 1
            if status.status is DutyState.OVERDUE:
                overdue = True
                tally.count(*place, "duties_overdue")
                if status.period.end < q.start:  # missed before the quarter, still owed
                    for counts in tally.units(*place):
                        counts["duties"][status.name]["periods_due"] += 1
                        counts["duties_periods_due"] += 1
                if needs_escalation(status, day, escalate_after_days):
                    tally.count(*place, "duties_escalated")
                    for counts in tally.units(*place):
                        counts["duties"][status.name]["escalated"] += 1
    if overdue:
        tally.count(*place, "pairings_with_overdue")


@lru_cache(maxsize=64)
def _rules(duty_sets: str) -> tuple[DutyRule, ...]:
    """The rules of a pairing's duty sets (stored as ``,a,b,``), as the pairing chose them."""
    return pairing_rules(listed(duty_sets))
