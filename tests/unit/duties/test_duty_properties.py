"""Properties of periods and duties that hold for any dates and any contact history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.duties.evaluation import DutyState, DutyStatus, evaluate_duty
from domain.duties.periods import (
    Period,
    PeriodKind,
    next_period,
    period_containing,
    previous_period,
)
from domain.duties.rules import DutyRule

DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
KINDS = st.sampled_from(list(PeriodKind))
SEVERITY = {DutyState.MET: 0, DutyState.DUE: 1, DutyState.OVERDUE: 2}


@dataclass(frozen=True)
class Seen:
    kind: str
    occurred_on: date


@st.composite
def situations(draw: st.DrawFn) -> tuple[DutyRule, date, date, date | None, list[Seen]]:
    """A rule, a pairing's start, the day of evaluation, maybe an end, and some contacts."""
    rule = DutyRule("duty", "职责", frozenset({"phone"}), draw(KINDS),
                    draw(st.integers(min_value=1, max_value=2)))
    starts_on = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 31)))
    on = starts_on + timedelta(days=draw(st.integers(min_value=0, max_value=3 * 365)))
    ends_on = draw(st.none() | st.dates(min_value=starts_on, max_value=on + timedelta(days=60)))
    days = st.dates(min_value=starts_on - timedelta(days=30), max_value=on + timedelta(days=30))
    kinds = st.sampled_from(["phone", "phone", "letter"])
    contacts = draw(st.lists(st.builds(Seen, kinds, days), max_size=25))
    return rule, starts_on, on, ends_on, contacts


def evaluate(situation: tuple[DutyRule, date, date, date | None, list[Seen]]) -> DutyStatus:
    rule, starts_on, on, ends_on, contacts = situation
    return evaluate_duty(rule, contacts, on, starts_on=starts_on, ends_on=ends_on)


def oracle(situation: tuple[DutyRule, date, date, date | None, list[Seen]]) -> DutyStatus:
    """The same judgement, walking forward from the pairing's first period."""
    rule, starts_on, on, ends_on, contacts = situation
    as_of = min(on, ends_on or on)
    periods = [period_containing(rule.period, starts_on)]
    while periods[-1] != period_containing(rule.period, as_of):
        periods.append(next_period(periods[-1]))

    def satisfied(period: Period) -> bool:
        window_end = next_period(period).start - timedelta(days=1)
        return sum(c.kind == "phone" and max(starts_on, period.start) <= c.occurred_on
                   <= min(as_of, window_end) for c in contacts) >= rule.times

    def owed(period: Period) -> bool:
        return starts_on <= period.start and (ends_on is None or ends_on >= period.end)

    current, earlier = periods[-1], periods[:-1]
    missed: list[Period] = []
    for period in [*earlier, *([current] if current.end < as_of else [])]:
        if satisfied(period):
            missed = []
        elif owed(period):
            missed.append(period)
    since = missed[0].end + timedelta(days=1) if missed else None
    state = DutyState.MET if satisfied(current) else DutyState.OVERDUE if missed else DutyState.DUE
    since = None if state is DutyState.MET else since
    about = missed[-1] if state is DutyState.OVERDUE else current
    return DutyStatus("duty", "职责", state, about, None, since, "", judged_in=current)


@given(KINDS, DAYS)
def test_a_period_starts_and_ends_in_itself(kind: PeriodKind, day: date) -> None:
    period = period_containing(kind, day)

    assert period_containing(kind, period.start) == period == period_containing(kind, period.end)
    assert period.start <= day < next_period(period).start


@given(KINDS, DAYS)
def test_previous_and_next_periods_undo_each_other(kind: PeriodKind, day: date) -> None:
    period = period_containing(kind, day)

    assert next_period(previous_period(period)) == period == previous_period(next_period(period))


@given(situations())
def test_the_state_and_overdue_date_match_a_forward_walk(situation: tuple) -> None:
    expected, actual = oracle(situation), evaluate(situation)

    assert (actual.status, actual.period, actual.running, actual.overdue_since) == (
        expected.status, expected.period, expected.running, expected.overdue_since)


@given(situations(), st.integers(min_value=0, max_value=3 * 365))
def test_one_more_qualifying_contact_never_makes_a_duty_worse(
    situation: tuple, days_after_start: int
) -> None:
    rule, starts_on, on, ends_on, contacts = situation
    day = min(starts_on + timedelta(days=days_after_start), on)
    before = evaluate(situation)

    after = evaluate((rule, starts_on, on, ends_on, [*contacts, Seen("phone", day)]))

    assert SEVERITY[after.status] <= SEVERITY[before.status]
    if before.overdue_since and after.overdue_since:
        assert after.overdue_since >= before.overdue_since
