"""A programme's own choices: who approves, which duties apply, which contacts count."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.duties.periods import DEFAULT_CALENDAR, SchoolCalendar
from domain.duties.rules import DEFAULT_DUTY_SET, STANDARD_CONTACT_KINDS, DutyRule, rules_for
from domain.volunteers.form import APPROVAL_LEVELS, ReviewLevel


@dataclass(frozen=True)
class Programme:
    """One care programme's configuration (项目设置)."""

    approval_levels: tuple[ReviewLevel, ...] = APPROVAL_LEVELS
    duty_sets: tuple[str, ...] = (DEFAULT_DUTY_SET,)
    extra_contact_kinds: tuple[str, ...] = ()
    calendar: SchoolCalendar = field(default=DEFAULT_CALENDAR)
    timezone: str = "Asia/Shanghai"
    break_glass_minutes: int = 60  # how long a break-glass grant (紧急调阅) holds

    def __post_init__(self) -> None:
        rules_for(self.duty_sets)  # an unknown duty set fails at start, not at first use

    @property
    def contact_kinds(self) -> frozenset[str]:
        return frozenset(STANDARD_CONTACT_KINDS) | frozenset(self.extra_contact_kinds)

    def duty_rules(self, duty_sets: tuple[str, ...] | None = None) -> tuple[DutyRule, ...]:
        return rules_for(duty_sets or self.duty_sets)
