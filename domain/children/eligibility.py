"""Who is a left-behind child (留守儿童认定).

A minor under 16 (不满十六周岁) whose parents both work away from home (父母双方外出务工),
or one works away and the other cannot act as guardian (一方外出务工另一方无监护能力).
The status is derived from the facts on a date, never typed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.children.record import Parent
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
