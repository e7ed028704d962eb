"""The parts of a child's record (留守儿童档案): parents, guardian, consent, profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from domain.common import member_of, required_text
from domain.errors import InvalidRecord
from domain.vocabulary import CATEGORY_TITLES, GUARDIAN_RELATION_TITLES


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


#: Both parents away (双亲外出): a fact the record already holds (both parents' status is
#: ``away``), derived on each day, never typed in.
BOTH_PARENTS_AWAY = "both_parents_away"
#: The categories derived from the record rather than typed in.
DERIVED_CATEGORIES: frozenset[str] = frozenset({BOTH_PARENTS_AWAY})
#: The special tier (重点/特殊留守儿童) the documents put the work on: single-parent (单亲),
#: poor family (家庭贫困, 低保, 建档立卡), disabled (残疾), de-facto unsupported (事实无人抚养)
#: and both parents away (双亲外出). Study, behaviour and psychological difficulties are
#: recorded but do not by themselves put a child in the special tier.
SPECIAL_ATTENTION: frozenset[str] = frozenset({
    "single_parent", "poor_family", "subsistence_allowance", "registered_poor", "disabled",
    "unsupported", BOTH_PARENTS_AWAY})


def checked_categories(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Known categories, sorted and without repeats; a derived one (双亲外出) given with them is
    left out: the record's parents say whether it applies."""
    unknown = sorted(set(values) - CATEGORIES.keys())
    if unknown:
        raise InvalidRecord(
            "categories", f"未知的关爱类别 {', '.join(unknown)}; 可选: {', '.join(CATEGORIES)}")
    return typed_categories(values)


def typed_categories(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The typed categories among ``values``, sorted and without repeats: a derived category
    an older record typed in is read as the parents say, not as typed."""
    return tuple(sorted(set(values) - DERIVED_CATEGORIES))


#: The words people write for a guardian's relation (监护人与儿童关系), each read as its code.
RELATION_WORDS: Mapping[str, str] = {
    **{code: code for code in GUARDIAN_RELATION_TITLES},
    **{title: code for code, title in GUARDIAN_RELATION_TITLES.items()},
    **{word: "grandfather" for word in ("爷爷", "祖父", "爷")},
    **{word: "grandmother" for word in ("奶奶", "祖母", "奶")},
    **{word: "maternal_grandfather" for word in ("外公", "姥爷", "外祖父", "姥爷爷")},
    **{word: "maternal_grandmother" for word in ("外婆", "姥姥", "外祖母")},
    **{word: "uncle" for word in ("叔叔", "伯伯", "舅舅", "叔父", "伯父", "舅父", "叔", "伯",
                                  "舅", "姑父", "姑丈", "姨父", "姨丈", "大伯", "小叔")},
    **{word: "aunt" for word in ("姑姑", "姨妈", "阿姨", "舅妈", "婶婶", "姑妈", "姨母",
                                 "伯母", "婶母", "舅母", "姑母", "小姨", "大姨", "姨", "姑",
                                 "婶", "大妈", "伯娘")},
    **{word: "sibling" for word in ("哥哥", "姐姐", "兄", "姐", "兄长", "兄弟姐妹", "哥",
                                    "弟弟", "妹妹")},
    **{word: "relative" for word in ("亲戚", "亲属", "其他亲属", "堂哥", "堂姐", "表哥", "表姐",
                                     "嫂子", "姐夫", "曾祖父", "曾祖母")},
    **{word: "neighbour" for word in ("邻居", "邻里", "neighbor")},
    **{word: "teacher" for word in ("老师", "教师", "班主任")},
    **{word: "other" for word in ("其他", "其它")},
}
#: The guardians of another generation (隔代监护): grandparents of either side.
GRANDPARENTS: frozenset[str] = frozenset(
    {"grandfather", "grandmother", "maternal_grandfather", "maternal_grandmother"})


def relation_code(words: str) -> str | None:
    """The relation's code for what was written (``奶奶`` → ``grandmother``), or None."""
    return RELATION_WORDS.get(words.strip()) or RELATION_WORDS.get(words.strip().lower())


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
    #: The relation as first written, where it was not one of the relations (an older record's
    #: own words, read as ``other``).
    relation_words: str = ""

    def __post_init__(self) -> None:
        required_text("guardian.name", self.name)
        required_text("guardian.relation", self.relation)
        code = relation_code(self.relation)
        if code is None:
            raise InvalidRecord(
                "guardian.relation",
                f"监护人与儿童的关系“{self.relation}”无法识别; 可选: "
                + ", ".join(GUARDIAN_RELATION_TITLES) + " (或祖父、奶奶、外婆、舅舅、姑姑等)")
        object.__setattr__(self, "relation", code)
        if self.age is not None and not 0 < self.age < 130:
            raise InvalidRecord("guardian.age", "年龄应在1至129岁之间（must be between 1 and 129）")

    @classmethod
    def stored(cls, data: Mapping[str, object]) -> Guardian:
        """A guardian as an event or snapshot holds it: a relation written in words that are
        not one of the relations (older records) is read as ``other``, its words kept."""
        fields = dict(data)
        words = str(fields.get("relation") or "")
        if relation_code(words) is None:
            fields["relation"], fields["relation_words"] = "other", words
        return cls(**fields)  # type: ignore[arg-type]

    @property
    def is_grandparent(self) -> bool:
        """A grandparent of either side (隔代监护)."""
        return self.relation in GRANDPARENTS


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

