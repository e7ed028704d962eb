"""The parts of a child's record (留守儿童档案): parents, guardian, consent, profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from domain.common import member_of, required_text
from domain.errors import InvalidRecord
from domain.vocabulary import CATEGORY_TITLES


class Sex(StrEnum):
    """性别."""

    MALE = "male"
    FEMALE = "female"


class ParentRole(StrEnum):
    FATHER = "father"
    MOTHER = "mother"


class ParentStatus(StrEnum):
    """Where a parent is: away working (外出务工), home, unable to guard (无监护能力), deceased."""

    AWAY = "away"
    HOME = "home"
    INCAPABLE = "incapable"
    DECEASED = "deceased"


#: Special-attention categories (重点/特殊留守儿童); several may apply: their codes and words.
CATEGORIES: Mapping[str, str] = CATEGORY_TITLES


def checked_categories(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Known categories, sorted and without repeats."""
    unknown = sorted(set(values) - CATEGORIES.keys())
    if unknown:
        raise InvalidRecord(
            "categories", f"unknown {', '.join(unknown)}; known: {', '.join(CATEGORIES)}")
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class Parent:
    """A parent (父亲/母亲): where they work and whether they can act as guardian."""

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"name", "phone", "work_location"})

    role: ParentRole
    status: ParentStatus
    name: str = ""
    phone: str = ""
    work_location: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", member_of(ParentRole, "parents.role", self.role))
        object.__setattr__(self, "status", member_of(ParentStatus, "parents.status", self.status))

    @property
    def is_away(self) -> bool:
        return self.status is ParentStatus.AWAY

    @property
    def can_guard(self) -> bool:
        """A parent at home can act as guardian; one away, incapable or deceased cannot."""
        return self.status is ParentStatus.HOME


@dataclass(frozen=True)
class Guardian:
    """Entrusted guardian (受委托监护人), usually a grandparent."""

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"name", "phone", "health"})

    name: str
    relation: str
    age: int | None = None
    health: str = ""
    education: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        required_text("guardian.name", self.name)
        required_text("guardian.relation", self.relation)
        if self.age is not None and not 0 < self.age < 130:
            raise InvalidRecord("guardian.age", "must be between 1 and 129")


@dataclass(frozen=True)
class Consent:
    """The parent's or guardian's consent to keep the child's record (监护人同意).

    China's personal-information law treats a minor's data as sensitive: no record
    is kept without it.
    """

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"by"})

    by: str
    relation: str
    on: date
    method: str

    def __post_init__(self) -> None:
        required_text("consent.by", self.by)
        required_text("consent.relation", self.relation)
        required_text("consent.method", self.method)


@dataclass(frozen=True)
class Profile:
    """Health, study and psychological notes (健康、学习、心理状况)."""

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"health", "study", "psychology"})

    health: str = ""
    study: str = ""
    psychology: str = ""


@dataclass(frozen=True)
class Concern:
    """An anomaly report (情况报告): absence, injury, illness, neglect, crisis."""

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"description", "action"})

    id: str
    kind: str
    description: str
    occurred_on: date
    reported_by: str
    resolved_on: date | None = None
    action: str = ""

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

