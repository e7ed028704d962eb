"""Who is a left-behind child (留守儿童认定).

A minor under 16 (不满十六周岁) whose parents both work away from home (父母双方外出务工),
or one works away and the other cannot act as guardian (一方外出务工另一方无监护能力).
The status is derived from the facts on a date, never typed in; so is "both parents away"
(双亲外出), one of the special-attention categories, and with it the special tier
(重点/特殊留守儿童).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.children.record import (
    BOTH_PARENTS_AWAY,
    SPECIAL_ATTENTION,
    Parent,
    ParentRole,
    typed_categories,
)
from domain.common import age_on

AGE_LIMIT = 16
#: Of age (成年): a record is kept of a minor (未成年人), who is under 18 when registered.
ADULT_AGE = 18


def is_under_age_limit(birth_date: date, on: date) -> bool:
    """Under 16 on ``on``: on the 16th birthday the child is 16 and no longer counts."""
    return age_on(birth_date, on) < AGE_LIMIT


def parents_leave_child_behind(parents: Iterable[Parent]) -> bool:
    """At least one parent works away and no parent at home can act as guardian.

    Both away; or one away and the other incapable (无监护能力) or deceased, or not
    recorded at all (a single parent who works away).
    """
    listed = list(parents)
    return any(parent.is_away for parent in listed) and not any(
        parent.can_guard for parent in listed)


def is_left_behind(birth_date: date, parents: Iterable[Parent], on: date) -> bool:
    """The eligibility rule on a given date."""
    if birth_date > on:
        return False
    return is_under_age_limit(birth_date, on) and parents_leave_child_behind(parents)


def both_parents_away(parents: Iterable[Parent]) -> bool:
    """Both parents away (双亲外出): the father and the mother are both recorded, and both work
    away from home (外出务工). Derived from the parents' statuses on a day, never typed in."""
    away = {parent.role for parent in parents if parent.is_away}
    return away >= {ParentRole.FATHER, ParentRole.MOTHER}


def categories_with_derived(typed: Iterable[str], parents: Iterable[Parent]) -> tuple[str, ...]:
    """The special-attention categories (重点关爱类别) that apply on a day: those typed in, and
    both parents away (双亲外出) when the parents' statuses say so (a record that typed it in is
    read as the parents say)."""
    categories = set(typed_categories(tuple(typed)))
    if both_parents_away(parents):
        categories.add(BOTH_PARENTS_AWAY)
    return tuple(sorted(categories))


def needs_special_attention(categories: Iterable[str]) -> bool:
    """The special tier (重点/特殊留守儿童): "single-parent, poor, disabled, de-facto unsupported,
    or both parents away" (单亲、贫困、残疾、事实无人抚养、双亲外出); ``categories`` are the
    categories that apply on the day, with the derived ones (:func:`categories_with_derived`)."""
    return not SPECIAL_ATTENTION.isdisjoint(categories)
