"""The quarterly report's figures (季度报送): computed from :class:`ReportFacts`, as known at T.

Two clocks, as everywhere in Aixin (see ``domain.application.history``): *business time*, the
quarter and its last day ``D`` (for a quarter not ended by ``T``'s day in the programme's time,
that day: the report counts up to it, ``meta.quarter_ended`` false; see
:meth:`domain.reports.Quarter.as_known_at`); and *record time*, ``known_at`` (``T``), what
the register had been told by then. Every figure reads only facts recorded at or before
``T``, so the same ``T`` gives the same figures, byte for byte (:func:`to_json`), however many
late records (补录) arrived since; a later ``T`` includes them, and
:func:`~projections.reports.changes.changes_between` lists them.

What is counted (keys of each unit; the brief's templates fill their blanks from them), one
module per group of figures:

- :mod:`~projections.reports.children`: state on ``D`` (季度末) of the children registered and
  left behind, by sex, age, age band and category, with both parents away, in the special tier
  and with a grandparent as guardian (隔代监护); children registered and exited within it;
- :mod:`~projections.reports.coverage`: ``left_behind_paired`` and ``pairing_coverage`` (a
  pairing covers its children only with a volunteer in good standing on ``D``);
- :mod:`~projections.reports.duties`: pairings formed, active (by shape) and ended; the duties
  owed, met, due, overdue and escalated, and the escalations raised;
- :mod:`~projections.reports.contacts`: contacts by kind, home visits, activities, items given,
  children contacted;
- :mod:`~projections.reports.activities`: group activities and aid (集体活动, 慰问), their items
  and money (``aid_yuan``), and the children reached by contacts and activities;
- :mod:`~projections.reports.concerns`: anomalies reported, resolved and open;
- :mod:`~projections.reports.volunteers`: volunteers applied, approved, rejected, disqualified,
  commended, and by status on ``D``; the volunteers paired on ``D``.

The figures are keys and numbers; their words in Chinese are the renderer's
(:mod:`workers.reports.files`). Where each fact is counted: see :mod:`projections.reports.facts`
(a child's facts in the child's township and school, a pairing's in its first child's, a
volunteer's in the township of the registration form). Every count is additive over townships;
rates are derived from the counts at the end, so :func:`combine` of township parts gives exactly
the figures of one computation over the whole region.

The figures are computed by today's definitions; ``meta.definitions_changed`` lists each figure
whose definition changed after ``known_at`` (``domain.reports.definitions``), so a report
reproduced at an old ``known_at`` says which of its figures may differ from those first produced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from domain.programme import Programme
from domain.reminders import ESCALATION_DAYS
from domain.reports import Quarter, definitions_changed
from projections.reports.activities import count_activities, count_children_reached
from projections.reports.assembly import add, finish, raw
from projections.reports.children import count_children
from projections.reports.concerns import count_concerns
from projections.reports.contacts import count_contacts
from projections.reports.coverage import count_coverage
from projections.reports.duties import count_escalations, count_pairings
from projections.reports.enrolment import pupils_in_force, school_key
from projections.reports.scope import (
    Scope,
    known_at_instant,
    region_prefix,
    township_codes,
)
from projections.reports.tally import Tally
from projections.reports.volunteers import count_volunteers
from storage.sql import Tx


def townships(tx: Tx, region_code: str, known_at: datetime) -> list[str]:
    """The townships (乡镇, 9-digit codes; a county's own code for facts placed only at county
    level) with a child (registered there or moved there, 迁入) or a volunteer under
    ``region_code`` known at ``known_at``, in order.

    One report task per township (or per group of them) and :func:`combine` over all of them
    give the region's report.
    """
    prefix = region_prefix(region_code)
    at = known_at_instant(known_at)
    rows = tx.execute(
        "SELECT township FROM rf_children WHERE region_code LIKE ? AND recorded_at <= ?"
        " UNION SELECT township FROM rf_volunteers WHERE region_code LIKE ? AND recorded_at <= ?"
        " UNION SELECT substr(value, 1, 9) AS township FROM rf_child_moves WHERE kind = 'region'"
        " AND value LIKE ? AND recorded_at <= ?"
        " ORDER BY township", (prefix + "%", at, prefix + "%", at, prefix + "%", at)).all()
    return [row["township"] for row in rows]


def counties(tx: Tx) -> list[str]:
    """The counties (县, 6-digit codes) with a child or a volunteer: the regions a report may
    be asked for when the caller's own region is not one."""
    rows = tx.execute(
        "SELECT DISTINCT substr(township, 1, 6) AS county FROM rf_children"
        " UNION SELECT DISTINCT substr(township, 1, 6) AS county FROM rf_volunteers"
        " UNION SELECT DISTINCT substr(value, 1, 6) AS county FROM rf_child_moves"
        " WHERE kind = 'region' ORDER BY county").all()
    return [row["county"] for row in rows if len(row["county"]) == 6]


def compute_figures(
    tx: Tx,
    region_code: str,
    year: int,
    quarter: int,
    known_at: datetime,
    township: str | Sequence[str] | None = None,
    *,
    programme: Programme | None = None,
    escalate_after_days: int = ESCALATION_DAYS,
) -> dict[str, Any]:
    """The quarter's figures for the division-code prefix ``region_code``, as known at
    ``known_at`` (an instant with its UTC offset): JSON-serialisable, see :func:`to_json`.

    ``tx`` reads the :class:`~projections.reports.facts.ReportFacts` view, caught up at least to
    ``known_at``. ``township`` limits the computation to one township (or several): a part for
    :func:`combine`. The pupils of each school (在校学生数, for the left-behind share of pupils)
    are the counts in force on the day counted to, as known at ``known_at``
    (:mod:`projections.reports.enrolment`). ``programme`` gives the school calendar of the duties
    (default: the standard one). ``escalate_after_days`` is the reminders' escalation threshold
    (逾期上报时限, ``AIXIN_REMINDER_ESCALATION_DAYS``).

    Returns ``{"meta", "totals", "townships", "schools"}``: ``totals`` and each township and
    school hold the same counts (schools have no volunteers); see the module's notes.
    """
    # a quarter not ended by known_at's day is counted up to that day (季度未结束)
    zone = (programme or Programme()).timezone
    q = Quarter.as_known_at(year, quarter, known_at, zone)
    if escalate_after_days < 0:
        raise ValueError("escalate_after_days is 0 or more")
    scope = Scope(region_prefix(region_code), township_codes(township))
    at = known_at_instant(known_at)
    calendar = (programme or Programme()).calendar
    tally = Tally(scope.townships if scope.townships is not None
                  else townships(tx, region_code, known_at), school_key(scope.prefix))
    left_behind = count_children(tx, scope, q, at, tally)
    count_coverage(tx, scope, q, at, tally, left_behind)
    count_pairings(tx, scope, q, at, tally, calendar, escalate_after_days)
    count_contacts(tx, scope, q, at, tally)
    count_activities(tx, scope, q, at, tally)
    count_children_reached(tx, scope, q, at, tally)
    count_escalations(tx, scope, q, at, tally)
    count_concerns(tx, scope, q, at, tally)
    count_volunteers(tx, scope, q, at, tally)
    meta = {"kind": "quarterly", "region_code": region_code, "year": q.year,
            "quarter": q.number, "period_start": q.start.isoformat(),
            "period_end": q.end.isoformat(), "quarter_end": q.last_day.isoformat(),
            "quarter_ended": q.ended, "known_at": at, "timezone": zone,
            "escalate_after_days": escalate_after_days,
            "townships": None if scope.townships is None else list(scope.townships),
            # figures whose definition changed after known_at (口径变更): see
            # domain.reports.definitions
            "definitions_changed": definitions_changed(known_at)}
    pupils = pupils_in_force(tx, scope.prefix, q.end, at)
    return finish(meta, tally.townships, tally.schools, pupils)


def combine(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The region's figures from the figures of its townships (the chord's callback).

    Counts add up (each township's facts are its own, a school's are spread over the parts of
    its pupils' townships); rates and other derived figures are computed again from the sums.
    The result is exactly :func:`compute_figures` over the whole region, given the parts of
    every township :func:`townships` lists. Parts of different reports are refused.
    """
    if not parts:
        raise ValueError("nothing to combine")
    first = parts[0]["meta"]
    same = ("kind", "region_code", "year", "quarter", "known_at", "escalate_after_days")
    for part in parts:
        if any(part["meta"][key] != first[key] for key in same):
            raise ValueError("the parts belong to different reports: "
                             + ", ".join(f"{k}={part['meta'][k]}" for k in same))
    townships_: dict[str, dict[str, Any]] = {}
    schools: dict[str, dict[str, Any]] = {}
    pupils: dict[str, int] = {}
    for part in parts:
        for code, counts in part["townships"].items():
            if code in townships_:
                raise ValueError(f"township {code} is in two parts")
            townships_[code] = raw(counts)
        for name, counts in part["schools"].items():
            if counts.get("pupils") is not None:
                pupils[name] = counts["pupils"]
            if name in schools:
                add(schools[name], raw(counts))
            else:
                schools[name] = raw(counts)
    meta = {**first, "townships": None}
    return finish(meta, townships_, schools, pupils)


def to_json(figures: Mapping[str, Any]) -> bytes:
    """The figures as canonical JSON bytes: sorted keys, UTF-8, no spaces."""
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")
