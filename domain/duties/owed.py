"""Which periods of a duty a pairing owed (应履职期次), and whether each was met (已履职).

"A period is owed only if the pairing was active for all of it": the partial first period of a
pairing (and the partial last one of an ended pairing) is never counted as owed, so it can be
met or due but never missed. One owed period is met when it holds the rule's number of
qualifying contacts, counting a school holiday's make-up contacts for the term before it (a
holiday belongs to the term that has just ended, see :mod:`domain.duties.periods`).

The duty evaluation (:mod:`domain.duties.evaluation`) asks :func:`is_owed` where a pairing stands
on one day; the quarterly report asks :func:`owed_periods` how many periods of a rule ended
between two days, and how many of those were met.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from domain.duties.periods import (
    DEFAULT_CALENDAR,
    Period,
    PeriodKind,
    SchoolCalendar,
    next_period,
    period_containing,
)
from domain.duties.rules import DutyRule

if TYPE_CHECKING:
    from domain.duties.evaluation import QualifyingContact

_ONE_DAY = timedelta(days=1)


def is_owed(period: Period, starts_on: date, ends_on: date | None = None) -> bool:
    """Owed (应履职) only if the pairing was active from the period's first day to its last."""
    return starts_on <= period.start and (ends_on is None or ends_on >= period.end)


@dataclass(frozen=True)
class OwedPeriod:
    """One period a pairing owed under a rule, and whether it was met by the last day read."""

    period: Period
    counted_until: date
    met: bool


@lru_cache(maxsize=256)  # a pure function of hashable arguments, asked once per pairing
def periods_ending_within(
    kind: PeriodKind, first: date, last: date, calendar: SchoolCalendar = DEFAULT_CALENDAR
) -> tuple[tuple[Period, date], ...]:
    """The periods of ``kind`` whose last day falls from ``first`` to ``last``, in order, each
    with the last day a contact still counts for it: up to the day before the next period
    starts (a term's holiday belongs to the term), but never after ``last``."""
    found = []
    period = period_containing(kind, first, calendar)
    while period.start <= last:
        following = next_period(period, calendar)
        if first <= period.end <= last:
            found.append((period, min(last, following.start - _ONE_DAY)))
        period = following
    return tuple(found)


def owed_periods(
    rule: DutyRule,
    contacts: Iterable[QualifyingContact],
    first: date,
    last: date,
    *,
    starts_on: date,
    ends_on: date | None = None,
    calendar: SchoolCalendar = DEFAULT_CALENDAR,
) -> tuple[OwedPeriod, ...]:
    """The periods of ``rule`` that ended from ``first`` to ``last`` and that a pairing active
    from ``starts_on`` (to ``ends_on``) owed, each met or not with the contacts known by ``last``.

    A contact qualifies when it is of one of the rule's kinds and dated while the pairing was
    active; it counts for an owed period when dated from the period's first day to the last day
    that still counts for it (:func:`periods_ending_within`).
    """
    periods = periods_ending_within(rule.period, first, last, calendar)
    owed = [(period, until) for period, until in periods
            if is_owed(period, starts_on, ends_on)]
    if not owed:
        return ()
    days = sorted(contact.occurred_on for contact in contacts
                  if contact.kind in rule.kinds and starts_on <= contact.occurred_on
                  and (ends_on is None or contact.occurred_on <= ends_on))
    return tuple(
        OwedPeriod(period, until,
                   bisect_right(days, until) - bisect_left(days, period.start) >= rule.times)
        for period, until in owed)
