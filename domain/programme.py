"""A programme's own choices: who approves, which duties apply, which contacts count."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.duties.periods import DEFAULT_CALENDAR, SchoolCalendar
from domain.duties.rules import (
    DEFAULT_DUTY_SET,
    STANDARD_CONTACT_KINDS,
    DutyRule,
    DutySet,
    asks_for_parent_contact,
    catalogue,
    rules_for,
)
from domain.duties.school import SCHOOL_DUTY_SET, pairing_rules
from domain.volunteers.form import APPROVAL_LEVELS, ReviewLevel


@dataclass(frozen=True)
class Programme:
    """One care programme's configuration (项目设置).

    ``duty_sets`` names the duty rule sets in force (the shipped ones, ``domain/duties/sets/``,
    or the programme's own); ``own_duty_sets`` are the programme's own, read from its files."""

    approval_levels: tuple[ReviewLevel, ...] = APPROVAL_LEVELS
    duty_sets: tuple[str, ...] = (DEFAULT_DUTY_SET,)
    extra_contact_kinds: tuple[str, ...] = ()
    calendar: SchoolCalendar = field(default=DEFAULT_CALENDAR)
    timezone: str = "Asia/Shanghai"
    break_glass_minutes: int = 60  # how long a break-glass grant (紧急调阅) holds
    own_duty_sets: tuple[DutySet, ...] = ()

    def __post_init__(self) -> None:
        # an unknown duty set, or own sets that disagree with the shipped ones, fail at start
        rules_for(self.duty_sets, self.duty_set_catalogue)

    @property
    def contact_kinds(self) -> frozenset[str]:
        return frozenset(STANDARD_CONTACT_KINDS) | frozenset(self.extra_contact_kinds)

    @property
    def duty_set_catalogue(self) -> Mapping[str, DutySet]:
        """Every set a pairing may follow here: the shipped ones and the programme's own."""
        return catalogue(self.own_duty_sets)

    @property
    def sets_in_force(self) -> tuple[DutySet, ...]:
        """The sets the programme follows, in the order its settings name them."""
        known = self.duty_set_catalogue
        return tuple(known[name] for name in dict.fromkeys(self.duty_sets))

    @property
    def pairing_duty_sets(self) -> tuple[str, ...]:
        """The sets a pairing follows unless it names its own: those in force but the school's
        (班主任职责 are the homeroom teacher's, owed on the child's own record and judged on
        its own contacts, never a caring mother's); the default set if none is left."""
        helpers = tuple(name for name in self.duty_sets if name != SCHOOL_DUTY_SET)
        return helpers or (DEFAULT_DUTY_SET,)

    def pairing_rules(self, duty_sets: tuple[str, ...]) -> tuple[DutyRule, ...]:
        """The rules a pairing under ``duty_sets`` owes (never the school's: see
        :func:`domain.duties.school.pairing_rules`)."""
        return pairing_rules(duty_sets, self.duty_set_catalogue)

    def duty_rules(self, duty_sets: tuple[str, ...] | None = None) -> tuple[DutyRule, ...]:
        return rules_for(duty_sets or self.duty_sets, self.duty_set_catalogue)

    def asks_for_parent_contact(self, duty_sets: tuple[str, ...] = ()) -> bool:
        """Whether a helper must speak with the parents (``parent_contact``) under the sets in
        force or the given ones (a pairing's), so that she needs the parents' phones."""
        rules = rules_for((*self.duty_sets, *duty_sets), self.duty_set_catalogue)
        return asks_for_parent_contact(rules)
