"""Duty rules as data (帮扶责任): what contact, how often, for each programme's rule set.

A rule says "at least ``times`` contacts of one of these ``kinds`` in every ``period``". The sets
below are the ones in the programme documents; a programme picks one or more of them by name.
Kinds are plain strings, so a programme that records more kinds can write rules about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from domain.duties.periods import PeriodKind


class ContactKind(StrEnum):
    """The contact kinds every programme records (联系/走访方式)."""

    PHONE = "phone"
    MEETING = "meeting"
    LETTER = "letter"
    HOME_VISIT = "home_visit"
    SCHOOL_VISIT = "school_visit"
    TALK = "talk"
    TEACHER_CONTACT = "teacher_contact"
    GUARDIAN_CONTACT = "guardian_contact"
    PARENT_CALL = "parent_call"
    BIRTHDAY = "birthday"
    FESTIVAL = "festival"
    TUTORING = "tutoring"
    MATERIAL_AID = "material_aid"
    COUNSELLING = "counselling"
    ACTIVITY = "activity"


STANDARD_CONTACT_KINDS: tuple[str, ...] = tuple(kind.value for kind in ContactKind)


class UnknownDutySet(KeyError):
    """A programme asked for a duty rule set that does not exist."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        super().__init__(name)
        self.name = name
        self.known = tuple(known)

    def __str__(self) -> str:
        return f"unknown duty set {self.name!r}; known sets: {', '.join(self.known) or 'none'}"


@dataclass(frozen=True)
class DutyRule:
    """At least ``times`` qualifying contacts (``kinds``) in every ``period``."""

    name: str
    title: str
    kinds: frozenset[str]
    period: PeriodKind
    times: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", frozenset(str(kind) for kind in self.kinds))
        object.__setattr__(self, "period", PeriodKind(self.period))
        if not self.name:
            raise ValueError("a duty rule needs a name")
        if not self.kinds:
            raise ValueError(f"duty rule {self.name!r} needs at least one qualifying kind")
        if self.times < 1:
            raise ValueError(f"duty rule {self.name!r}: times must be at least 1")


@dataclass(frozen=True)
class DutySet:
    """A named rule set that a programme can choose (e.g. 五个一)."""

    name: str
    title: str
    rules: tuple[DutyRule, ...]

    def __post_init__(self) -> None:
        if len({rule.name for rule in self.rules}) != len(self.rules):
            raise ValueError(f"duty set {self.name!r} has two rules with the same name")


_K = ContactKind
_WITH_CHILD = frozenset({_K.PHONE, _K.MEETING, _K.LETTER, _K.HOME_VISIT, _K.TALK, _K.BIRTHDAY,
                         _K.FESTIVAL, _K.TUTORING, _K.COUNSELLING, _K.ACTIVITY})

FIVE_ONES = DutySet("five_ones", "五个一", (
    DutyRule("monthly_contact", "每月至少联系一次孩子", _WITH_CHILD, PeriodKind.MONTH),
    DutyRule("monthly_parent_call", "每月至少引导孩子给父母打一次电话或写一封信",
             frozenset({_K.PARENT_CALL}), PeriodKind.MONTH),
    DutyRule("monthly_teacher_contact", "每月至少联系一次班主任",
             frozenset({_K.TEACHER_CONTACT, _K.SCHOOL_VISIT}), PeriodKind.MONTH),
    DutyRule("yearly_birthday", "每年陪孩子过一次生日", frozenset({_K.BIRTHDAY}), PeriodKind.YEAR),
    DutyRule("yearly_festival", "每年陪孩子过一次节日", frozenset({_K.FESTIVAL}), PeriodKind.YEAR),
))
"""Hubei's "five ones" (湖北五个一). Contact with the child means any kind done with the child
itself (phone, meeting, letter, home visit, talk, birthday, festival, tutoring, counselling,
activity), but not material aid alone, contacts with adults about the child, or the guided call to
the parents, which is a duty of its own. Contact with the homeroom teacher is a teacher contact or a
school visit."""

TWO_VISITS = DutySet("two_visits", "双访", (
    DutyRule("semester_teacher_visit", "每学期走访一次班主任", frozenset({_K.SCHOOL_VISIT}),
             PeriodKind.SEMESTER),
    DutyRule("semester_guardian_visit", "每学期走访一次临时监护人", frozenset({_K.HOME_VISIT}),
             PeriodKind.SEMESTER),
))
"""The "two visits" (双访): a visit is in person, so the teacher is visited at school (school_visit)
and the temporary guardian at home (home_visit); phone contacts do not count."""

THREE_ONES = DutySet("three_ones", "三个一", (
    DutyRule("half_yearly_home_visit", "每半年家访一次", frozenset({_K.HOME_VISIT}),
             PeriodKind.HALF_YEAR),
    DutyRule("quarterly_parent_call", "每季度与孩子父母通一次电话", frozenset({_K.PARENT_CALL}),
             PeriodKind.QUARTER),
    DutyRule("monthly_activity", "每月与孩子开展一次活动",
             frozenset({_K.ACTIVITY, _K.BIRTHDAY, _K.FESTIVAL}), PeriodKind.MONTH),
))
"""A bureau's "three ones" (三个一): half years and quarters are calendar ones; an activity is a
group activity, a birthday or a festival spent together."""

SCHOOL_TEACHER = DutySet("school", "班主任职责", (
    DutyRule("monthly_talk", "每月至少与孩子谈心一次", frozenset({_K.TALK, _K.COUNSELLING}),
             PeriodKind.MONTH),
    DutyRule("term_home_visits", "每学期期初、期中、期末各家访一次", frozenset({_K.HOME_VISIT}),
             PeriodKind.SEMESTER_THIRD),
))
"""The homeroom teacher's duties (班主任): a monthly talk (谈心, counselling counts too), and one
rule for the home visits whose period is the third of the term, so the start, the middle and the
end of each term (期初、期中、期末) each need their own visit."""

DUTY_SETS: Mapping[str, DutySet] = MappingProxyType(
    {duty_set.name: duty_set for duty_set in (FIVE_ONES, TWO_VISITS, THREE_ONES, SCHOOL_TEACHER)}
)
DEFAULT_DUTY_SET = FIVE_ONES.name


def rules_for(
    names: Iterable[str], sets: Mapping[str, DutySet] = DUTY_SETS
) -> tuple[DutyRule, ...]:
    """The rules of the named sets, in order; a rule in two sets is kept once.

    Raises :class:`UnknownDutySet` for a name that is not in ``sets``, and ``ValueError`` if two
    sets hold different rules under one name.
    """
    chosen: dict[str, DutyRule] = {}
    for name in names:
        if name not in sets:
            raise UnknownDutySet(name, sets)
        for rule in sets[name].rules:
            if chosen.setdefault(rule.name, rule) != rule:
                raise ValueError(f"duty rule {rule.name!r} is defined differently in two sets")
    return tuple(chosen.values())


def duty_title(name: str, sets: Mapping[str, DutySet] = DUTY_SETS) -> str:
    """A duty rule's title in the programme's words (e.g. 每月至少联系一次孩子), or its name if
    no set holds it."""
    for duty_set in sets.values():
        for rule in duty_set.rules:
            if rule.name == name:
                return rule.title
    return name
