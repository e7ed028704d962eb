"""Duties (帮扶责任): the rules as data, their periods, the periods a pairing owed, and where a
pairing stands on a date.

The rule sets of the programme documents (五个一 "five ones", 双访 "two visits", 三个一 "three
ones", 班主任职责) are TOML files in ``domain/duties/sets/``: :mod:`domain.duties.rules` lists
them, :mod:`domain.duties.definitions` says what a rule is, :mod:`domain.duties.rule_files` reads
and checks the files."""

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
    period_title,
    previous_period,
)
from domain.duties.rule_files import DutySetFileError, load_duty_set, read_duty_set
from domain.duties.rules import (
    DEFAULT_DUTY_SET,
    DUTY_SETS,
    STANDARD_CONTACT_KINDS,
    ContactKind,
    DutyRule,
    DutySet,
    UnknownDutySet,
    adopt_duty_sets,
    asks_for_parent_contact,
    catalogue,
    duty_title,
    rules_for,
)
from domain.vocabulary import CONTACT_KIND_TITLES

__all__ = [
    "CONTACT_KIND_TITLES",
    "DEFAULT_CALENDAR",
    "DEFAULT_DUTY_SET",
    "DUTY_SETS",
    "STANDARD_CONTACT_KINDS",
    "ContactKind",
    "DutyRule",
    "DutySet",
    "DutySetFileError",
    "DutyState",
    "DutyStatus",
    "OwedPeriod",
    "Period",
    "PeriodKind",
    "QualifyingContact",
    "SchoolCalendar",
    "Term",
    "UnknownDutySet",
    "adopt_duty_sets",
    "asks_for_parent_contact",
    "catalogue",
    "duty_title",
    "evaluate_duties",
    "evaluate_duty",
    "is_owed",
    "load_duty_set",
    "next_period",
    "owed_periods",
    "period_containing",
    "period_title",
    "periods_ending_within",
    "previous_period",
    "read_duty_set",
    "rules_for",
]
