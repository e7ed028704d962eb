"""The school's duties to its left-behind pupils (班主任职责).

The documents give the homeroom teacher (班主任) two duties towards every left-behind pupil:

- "班主任每月至少与留守儿童谈心一次（填写谈心记录卡）": a talk (谈心) at least once a month, with
  its record card;
- "每学期期初、期中、期末各家访一次": a home visit (家访) at the start, the middle and the end of
  each term.

They are the rule set named :data:`SCHOOL_DUTY_SET` (``school``), which a programme puts among
its duty sets; the rules themselves are read from the programme (``Programme.duty_rules``).
They are owed by the school, not by a caring mother: they are judged on the contacts recorded
on the child's own record, outside any pairing (:class:`domain.children.contact.ChildContact`),
by the school or by federation staff.

Who is owed them, and from when:

- "owed to every left-behind pupil": on a date when the child is not left-behind (a parent came
  home, the child turned 16, the child left the programme), the school owes it nothing;
- the duties run from the day the child last became left-behind while on the register (the
  day of registration (建档) for a child left-behind from the start, else the day of the change
  that made it so: a parent leaving for work is the better-founded start, as the school owed
  nothing before), to the last day it is left-behind (the day before the exit (退出), a
  parent's return or the 16th birthday), so a partial first or last period is never missed
  (see :mod:`domain.duties.evaluation`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from domain.children import Child
from domain.children.eligibility import AGE_LIMIT
from domain.duties.evaluation import DutyStatus, evaluate_duties
from domain.duties.periods import DEFAULT_CALENDAR, Period, SchoolCalendar
from domain.duties.rules import DUTY_SETS, DutyRule, DutySet, rules_for

#: The name of the school's rule set among a programme's duty sets (班主任职责).
SCHOOL_DUTY_SET = "school"

_ONE_DAY = timedelta(days=1)


def pairing_rules(duty_sets: Iterable[str],
                  sets: Mapping[str, DutySet] = DUTY_SETS) -> tuple[DutyRule, ...]:
    """The rules a pairing owes under its duty sets: the school's set is never a pairing's (the
    homeroom teacher's duties are owed once, by the school, and judged on the contacts recorded
    on the child itself), though a pairing formed while it was among the programme's sets names
    it."""
    return rules_for((name for name in duty_sets if name != SCHOOL_DUTY_SET), sets)


def school_owes_duties(duty_sets: Collection[str]) -> bool:
    """Whether the programme holds its schools to the homeroom teacher's duties: its duty sets
    include :data:`SCHOOL_DUTY_SET`."""
    return SCHOOL_DUTY_SET in duty_sets


@dataclass(frozen=True)
class LeftBehindSpell:
    """The days a child is left-behind without a break: from ``starts_on`` to ``ends_on``
    (None: still left-behind as far as the record knows)."""

    starts_on: date
    ends_on: date | None


def left_behind_spell(child: Child, on: date) -> LeftBehindSpell | None:
    """The run of days, around ``on``, in which the child is left-behind on the register;
    None if it is not left-behind on ``on``.

    The status is derived from the record's dated facts, so it can change only on the day of
    one of them (registration, a parent's or the guardian's change, the exit) or on the 16th
    birthday; the spell is bounded by the nearest such days on which it is not left-behind.
    """
    if not child.left_behind_on(on):
        return None
    days = _turning_points(child)
    starts_on = child.registered_on
    for day in sorted((d for d in days if d <= on), reverse=True):
        if not child.left_behind_on(day):
            break
        starts_on = day
    ends_on = None
    for day in sorted(d for d in days if d > on):
        if not child.left_behind_on(day):
            ends_on = day - _ONE_DAY
            break
    return LeftBehindSpell(starts_on, ends_on)


def school_duties(child: Child, rules: Iterable[DutyRule], on: date, *,
                  calendar: SchoolCalendar = DEFAULT_CALENDAR) -> tuple[DutyStatus, ...]:
    """Where each of the school's duties (``rules``) to ``child`` stands on ``on``, judged on
    the contacts recorded on the child's own record; none if the child is not left-behind on
    ``on`` (the school owes it nothing then), nor from the day its personal data was erased
    (个人信息删除: the record is kept for the figures only and takes no new facts, so no
    contact could ever meet a duty owed after it)."""
    spell = left_behind_spell(child, on)
    erased_on: date | None = getattr(child, "erased_on", None)  # snapshots before it lack it
    if spell is None or (erased_on is not None and on >= erased_on):
        return ()
    ends_on = spell.ends_on
    if erased_on is not None and (ends_on is None or ends_on >= erased_on):
        ends_on = erased_on - _ONE_DAY
    return evaluate_duties(rules, child.own_contacts(), on, starts_on=spell.starts_on,
                           ends_on=ends_on, calendar=calendar, owed_in=in_term(calendar))


def in_term(calendar: SchoolCalendar) -> Callable[[Period], bool]:
    """The school owes a period only if it holds days of a term: a month all of holiday
    (暑假) asks no talk of the homeroom teacher."""
    return lambda period: calendar.holds_term_days(period.start, period.end)


def _turning_points(child: Child) -> set[date]:
    """Every day on which the child's left-behind status may change."""
    days = {child.registered_on, _birthday(child.birth_date, AGE_LIMIT)}
    for history in child.parent_history.values():
        days.update(fact.on for fact in history)
    days.update(fact.on for fact in child.guardian_history)
    if child.exited_on is not None:
        days.add(child.exited_on)
    return {day for day in days if day >= child.registered_on}


def _birthday(birth_date: date, age: int) -> date:
    """The day the child is ``age`` (周岁): born on 29 February, 1 March in a common year."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)
