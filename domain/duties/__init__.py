"""Duties (帮扶责任): the rules as data, their periods, the periods a pairing owed, and where a
pairing stands on a date."""

from domain.duties.evaluation import (
    DutyState,
    DutyStatus,
    QualifyingContact,
    evaluate_duties,
    evaluate_duty,
)
from domain.duties.owed import OwedPeriod, is_owed, owed_periods, periods_ending_within
from domain.duties.periods import (
    DEFAULT_CALENDAR,
    Period,
    PeriodKind,
    SchoolCalendar,
    Term,
    next_period,
    period_containing,
    previous_period,
)
from domain.duties.rules import (
    DEFAULT_DUTY_SET,
    DUTY_SETS,
    FIVE_ONES,
    SCHOOL_TEACHER,
    STANDARD_CONTACT_KINDS,
    THREE_ONES,
    TWO_VISITS,
    ContactKind,
    DutyRule,
    DutySet,
    UnknownDutySet,
    duty_title,
    rules_for,
)
from domain.vocabulary import CONTACT_KIND_TITLES

__all__ = [
    "CONTACT_KIND_TITLES",
    "DEFAULT_CALENDAR",
    "DEFAULT_DUTY_SET",
    "DUTY_SETS",
    "FIVE_ONES",
    "SCHOOL_TEACHER",
    "STANDARD_CONTACT_KINDS",
    "THREE_ONES",
    "TWO_VISITS",
    "ContactKind",
    "DutyRule",
    "DutySet",
    "DutyState",
    "DutyStatus",
    "OwedPeriod",
    "Period",
    "PeriodKind",
    "QualifyingContact",
    "SchoolCalendar",
    "Term",
    "UnknownDutySet",
    "duty_title",
    "evaluate_duties",
    "evaluate_duty",
    "is_owed",
    "next_period",
    "owed_periods",
    "period_containing",
    "periods_ending_within",
    "previous_period",
    "rules_for",
]
