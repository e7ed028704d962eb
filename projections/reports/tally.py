"""The counts of the quarterly report, per township (乡镇), per school and for the region: every
key of a unit at zero, and the tally the figure modules count into as they read the facts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from domain.children import CATEGORIES
from domain.duties import STANDARD_CONTACT_KINDS
from domain.pairings import PairingShape

#: Age bands of left-behind children: 学龄前, 小学学龄, 初中学龄 (the rule stops at 16).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (("0-5", 0, 5), ("6-11", 6, 11), ("12-15", 12, 15))
#: Pairing shapes in the order the figures list them.
SHAPES: tuple[str, ...] = (PairingShape.MANY_TO_ONE.value, PairingShape.ONE_TO_MANY.value,
                           PairingShape.ONE_TO_ONE.value)


def unit(*, volunteers: bool) -> dict[str, Any]:
    """Every count of one township, one school or the whole region, at zero."""
    counts: dict[str, Any] = {
        "children_registered": 0, "children_registered_boys": 0,
        "children_registered_girls": 0, "registered_in_quarter": 0, "exited_in_quarter": 0,
        "exit_reasons": {},
        "left_behind": 0, "left_behind_boys": 0, "left_behind_girls": 0,
        "left_behind_by_age": {}, "left_behind_by_age_band": {b: 0 for b, _, _ in AGE_BANDS},
        "left_behind_by_category": dict.fromkeys(CATEGORIES, 0), "left_behind_special": 0,
        "both_parents_away": 0, "special_attention": 0, "grandparent_guardians": 0,
        "left_behind_paired": 0,
        "pairings_formed": 0, "pairings_active": 0,
        "pairings_active_by_shape": dict.fromkeys(SHAPES, 0), "pairings_ended": 0,
        "pairing_end_reasons": {},
        "contacts": 0, "contacts_by_kind": dict.fromkeys(STANDARD_CONTACT_KINDS, 0),
        "home_visits": 0, "activities": 0, "items_given": 0, "children_contacted": 0,
        "group_activities": 0, "children_reached": 0, "aid_fen": 0,
        "duties": {}, "duties_periods_due": 0, "duties_periods_met": 0, "duties_overdue": 0,
        "duties_escalated": 0, "pairings_with_overdue": 0, "escalations_raised": 0,
        "concerns_reported": 0, "concerns_resolved": 0, "concerns_open": 0,
        "concerns_by_kind": {},
    }
    if volunteers:
        counts.update({
            "volunteers_applied": 0, "volunteers_approved": 0, "volunteers_newly_approved": 0,
            "volunteers_rejected": 0, "volunteers_disqualified": 0, "volunteers_commended": 0,
            "volunteers_pending": 0, "volunteers_suspended": 0, "volunteers_paired": 0})
    return counts


def duty_counts() -> dict[str, int]:
    """The counts of one duty rule, at zero."""
    return {"periods_due": 0, "periods_met": 0, "met": 0, "due": 0, "overdue": 0,
            "escalated": 0}


class Tally:
    """Counts per township and per school, as the facts are read. A school is named as
    ``school_key(township, school)`` says (by default its name alone; see
    :func:`projections.reports.enrolment.school_key`)."""

    def __init__(self, township_codes: Sequence[str],
                 school_key: Callable[[str, str], str] = lambda _, school: school) -> None:
        self.townships: dict[str, dict[str, Any]] = {
            code: unit(volunteers=True) for code in township_codes}
        self.schools: dict[str, dict[str, Any]] = {}
        self.school_key = school_key

    def place(self, township: str, school: str | None) -> None:
        """List the township and the school, with zero counts if they have none."""
        if township not in self.townships:
            self.townships[township] = unit(volunteers=True)
        if school is not None:
            key = self.school_key(township, school)
            if key not in self.schools:
                self.schools[key] = unit(volunteers=False)

    def units(self, township: str, school: str | None) -> Iterator[dict[str, Any]]:
        """The township's unit and, unless ``school`` is None, the school's."""
        self.place(township, school)
        yield self.townships[township]
        if school is not None:
            yield self.schools[self.school_key(township, school)]

    def count(self, township: str, school: str | None, key: str, n: int = 1) -> None:
        for counts in self.units(township, school):
            counts[key] += n

    def count_in(self, township: str, school: str | None, key: str, item: str,
                 n: int = 1) -> None:
        for counts in self.units(township, school):
            counts[key][item] = counts[key].get(item, 0) + n
