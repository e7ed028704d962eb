"""Where a pairing's duties stand on a date (履职情况): met, due or overdue, and why.

The evaluation is pure: it reads the rules, the contacts and the pairing's dates, nothing else.

- Only qualifying contacts count: of one of the rule's kinds, on or after the day the pairing
  started and on or before the day of evaluation (later ones were not there yet). A contact
  counts for the period that contains its date (a school holiday belongs to the term before it).
- A period is owed only if the pairing was active for all of it
  (:func:`domain.duties.owed.is_owed`), so the partial first period (and the partial last one of
  an ended pairing) can be met or due but never missed.
- met: the current period already has ``times`` qualifying contacts.
- overdue: not met, and an owed period since the last satisfied one ended unsatisfied; it is
  overdue since the day after the first such period ended. The status names the period missed
  (the last of them, its :attr:`DutyStatus.period`), not the one still running: on 6 December
  a monthly duty left undone in November is overdue for November, and its reason says so
  ("2026年11月未完成，自2026-12-01起逾期：…"); the period running on the day is
  :attr:`DutyStatus.judged_in`.
- due: neither.
An ended pairing is evaluated as of the day it ended.

Duties are owed to each child of a pairing: "a contact counts only for the children it names",
so a child's duties are this evaluation over the contacts that name that child
(:func:`domain.pairings.duties_owed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.duties.owed import is_owed
from domain.duties.periods import (
    DEFAULT_CALENDAR,
    Period,
    SchoolCalendar,
    period_containing,
    previous_period,
)
from domain.duties.rules import DutyRule
from domain.vocabulary import CONTACT_KIND_TITLES


class DutyState(StrEnum):
    """已完成 / 待完成 / 已逾期."""

    MET = "met"
    DUE = "due"
    OVERDUE = "overdue"


class QualifyingContact(Protocol):
    """What the evaluation needs from a contact: its kind and the day it happened."""

    @property
    def kind(self) -> str: ...

    @property
    def occurred_on(self) -> date: ...


@dataclass(frozen=True)
class DutyStatus:
    """One duty on one date: its state, the period it is about, and the reason in words.

    ``period`` is the period the state is about: the running one when met or due, the last
    period missed when overdue; ``judged_in`` is the period running on the day of evaluation
    (a reminder is issued once in it)."""

    name: str
    title: str
    status: DutyState
    period: Period
    last_qualifying_contact: date | None
    overdue_since: date | None
    reason: str
    #: The child the duty is owed to (每个孩子), when judged on the contacts naming that child.
    child_id: UUID | None = None
    #: The period containing the day the duty was judged on (None: the same as ``period``).
    judged_in: Period | None = None

    @property
    def running(self) -> Period:
        """The period running on the day the duty was judged on (see ``judged_in``)."""
        return self.judged_in or self.period


def evaluate_duties(
    rules: Iterable[DutyRule],
    contacts: Iterable[QualifyingContact],
    on: date,
    *,
    starts_on: date,
    ends_on: date | None = None,
    calendar: SchoolCalendar = DEFAULT_CALENDAR,
    owed_in: Callable[[Period], bool] | None = None,
) -> tuple[DutyStatus, ...]:
    """Where each of ``rules`` stands on ``on`` for a pairing active from ``starts_on``
    (``owed_in``: see :func:`evaluate_duty`)."""
    recorded = tuple(contacts)
    return tuple(
        evaluate_duty(rule, recorded, on, starts_on=starts_on, ends_on=ends_on, calendar=calendar,
                      owed_in=owed_in)
        for rule in rules
    )


def evaluate_duty(
    rule: DutyRule,
    contacts: Iterable[QualifyingContact],
    on: date,
    *,
    starts_on: date,
    ends_on: date | None = None,
    calendar: SchoolCalendar = DEFAULT_CALENDAR,
    owed_in: Callable[[Period], bool] | None = None,
) -> DutyStatus:
    """Where ``rule`` stands on ``on``; raises ``ValueError`` if ``on`` is before ``starts_on``.

    ``owed_in`` narrows the periods owed beyond the days of the spell (the school owes no
    month of holiday); by default every period of the spell is owed."""
    if on < starts_on:
        raise ValueError(f"cannot evaluate duties on {on}: the pairing starts on {starts_on}")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError(f"a pairing cannot end ({ends_on}) before it starts ({starts_on})")
    as_of = on if ends_on is None else min(on, ends_on)
    qualifying = sorted(
        (contact.occurred_on, contact.kind)
        for contact in contacts
        if contact.kind in rule.kinds and starts_on <= contact.occurred_on <= as_of
    )
    counts = Counter(period_containing(rule.period, day, calendar) for day, _ in qualifying)
    current = period_containing(rule.period, as_of, calendar)
    last = qualifying[-1][0] if qualifying else None

    def status(state: DutyState, reason: str, since: date | None = None,
               about: Period = current) -> DutyStatus:
        if as_of < on:
            reason += f"（结对已于{as_of.isoformat()}结束，按该日评估）"
        return DutyStatus(rule.name, rule.title, state, about, last, since, reason,
                          judged_in=current)

    if counts[current] >= rule.times:
        done = [(day, kind) for day, kind in qualifying if day >= current.start]
        return status(DutyState.MET, _met_reason(current, done))
    missed = _missed(rule, current, as_of, counts, (starts_on, ends_on), calendar, owed_in)
    if missed is not None:
        first, latest = missed
        since = first.end + timedelta(days=1)
        span = first.title if first == latest else f"{first.title}至{latest.title}"
        return status(DutyState.OVERDUE,
                      f"{span}未完成，自{since.isoformat()}起逾期：{_last(last)}", since, latest)
    return status(DutyState.DUE, _due_reason(rule, current, as_of, counts[current], last))


def _missed(
    rule: DutyRule,
    current: Period,
    as_of: date,
    counts: Counter[Period],
    active: tuple[date, date | None],
    calendar: SchoolCalendar,
    owed_in: Callable[[Period], bool] | None = None,
) -> tuple[Period, Period] | None:
    """The first and the last owed periods left unsatisfied since the last satisfied one,
    walking back; None if none was.

    The walk stops at the last satisfied period or at the period the pairing started in, so it
    takes at most one step per period of the pairing's life.
    """
    def owed(period: Period) -> bool:
        return is_owed(period, *active) and (owed_in is None or owed_in(period))

    first_missed = latest_missed = current if as_of > current.end and owed(current) else None
    period = current
    while period.start > active[0]:
        period = previous_period(period, calendar)
        if counts[period] >= rule.times:
            break
        if owed(period):
            first_missed = period
            latest_missed = latest_missed or period
    if first_missed is None or latest_missed is None:
        return None
    return first_missed, latest_missed


def _met_reason(period: Period, done: list[tuple[date, str]]) -> str:
    listed = "、".join(f"{day.isoformat()} {_kind_title(kind)}" for day, kind in done)
    count = f"{len(done)}次" if len(done) > 1 else ""
    return f"本期（{period.title}）已完成{count}：{listed}"


def _due_reason(rule: DutyRule, period: Period, as_of: date, count: int, last: date | None) -> str:
    progress = f"（已{count}次，需{rule.times}次）" if rule.times > 1 else ""
    if as_of > period.end:  # a school holiday: the term has ended, a make-up contact still counts
        deadline = f"本期已于{period.end.isoformat()}结束，假期内补做仍计入本期"
    else:
        deadline = f"截止{period.end.isoformat()}"
    return f"本期（{period.title}）尚未完成{progress}，{deadline}；{_last(last)}"


def _last(last: date | None) -> str:
    if last is None:
        return "尚无符合条件的联系"
    return f"最近一次符合条件的联系是{last.isoformat()}"


def _kind_title(kind: str) -> str:
    return CONTACT_KIND_TITLES.get(kind, kind)
