"""Duties owed to each child of a pairing (每个孩子的帮扶责任).

"Every duty is owed to each child; a contact counts only for the children it names." A
pairing of two children owes each of them a monthly contact: one call to one child does not
meet the other child's. Each child's duties are the pure evaluation
(:func:`domain.duties.evaluate_duties`) over exactly the contacts that name that child
(:meth:`domain.pairings.Pairing.contacts_naming`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from uuid import UUID

from domain.duties.evaluation import DutyStatus, evaluate_duties
from domain.duties.periods import DEFAULT_CALENDAR, SchoolCalendar
from domain.duties.rules import DutyRule
from domain.pairings.aggregate import Pairing


def duties_owed(pairing: Pairing, rules: Iterable[DutyRule], on: date, *,
                ends_on: date | None = None, calendar: SchoolCalendar = DEFAULT_CALENDAR,
                children: Sequence[UUID] | None = None) -> tuple[DutyStatus, ...]:
    """Where each duty owed to each child stands on ``on``: one status per child and duty,
    by child in the pairing's order (or ``children``'s), then by duty, each naming its child.

    ``ends_on`` is the day the pairing ended as far as the evaluation is concerned (None: it
    is active).
    """
    chosen = tuple(rules)
    return tuple(
        replace(status, child_id=child_id)
        for child_id in (pairing.child_ids if children is None else children)
        for status in evaluate_duties(chosen, pairing.contacts_naming(child_id), on,
                                      starts_on=pairing.starts_on, ends_on=ends_on,
                                      calendar=calendar))
