"""What a duty rule is (帮扶责任): at least ``times`` contacts of one of these ``kinds`` in
every ``period``, and the named sets of rules a programme chooses. The sets themselves are data
(``domain/duties/sets/*.toml``, read by :mod:`domain.duties.rule_files`); :mod:`domain.duties.rules`
says which are known."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

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
    #: The child's guided call or letter to its parents (亲情电话/书信).
    PARENT_CALL = "parent_call"
    #: The helper speaks with the child's parents about the child (三个一: "每三个月与孩子父母
    #: 通一次电话").
    PARENT_CONTACT = "parent_contact"
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
    """At least ``times`` qualifying contacts (``kinds``) in every ``period``; ``title`` is the
    duty in the programme's words (its ``label`` in a set's file)."""

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
    """A named rule set that a programme can choose (e.g. 五个一), with the documents'
    sentence it encodes (``source``) and the file it was read from."""

    name: str
    title: str
    rules: tuple[DutyRule, ...]
    source: str = ""
    file: str = ""

    def __post_init__(self) -> None:
        if len({rule.name for rule in self.rules}) != len(self.rules):
            raise ValueError(f"duty set {self.name!r} has two rules with the same name")
