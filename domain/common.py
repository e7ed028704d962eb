"""Values every part of the model shares: who recorded a fact, and the dates it carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.errors import DateInFuture, InvalidRecord

ROLES = ("admin", "federation", "school", "volunteer", "auditor", "system")

E = TypeVar("E", bound=StrEnum)
V = TypeVar("V")

_DIVISION_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
_PHONE = re.compile(r"\+?[0-9][0-9 -]*[0-9]")
#: The shape of a phone number that :func:`phone_number` accepts, as a regular expression a
#: request's schema can state (7 to 20 characters, the leading + not counted).
PHONE_SHAPE = r"\+?[0-9][0-9 -]{5,18}[0-9]"

#: The one rule for every phone number on a record (a volunteer's, a parent's, a guardian's).
PHONE_RULE = ("电话号码为7至20位，由数字组成，可带开头的+、连字符-和空格"
              "（a phone number is 7 to 20 characters: digits, an optional leading +, "
              "hyphens and spaces）")


@dataclass(frozen=True)
class Actor:
    """Who recorded a fact: a user's id and the role they acted in (记录人)."""

    id: str
    role: str

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidRecord("actor.id", "记录人必须可知（who recorded the fact must be known）")
        if self.role not in ROLES:
            raise InvalidRecord("actor.role", f"记录人角色须为 {', '.join(ROLES)} 之一"
                                f"（must be one of {', '.join(ROLES)}）")


SYSTEM = Actor(id="system", role="system")


def not_in_future(field: str, value: date, today: date) -> date:
    """Return ``value`` if it is not after ``today``; facts are recorded late, never early."""
    if value > today:
        raise DateInFuture(field, value, today)
    return value


def division_code(field: str, value: str) -> str:
    """Check an administrative division code (行政区划代码): 6, 9 or 12 digits."""
    if not _DIVISION_CODE.match(value or ""):
        raise InvalidRecord(
            field, "行政区划代码为6位（县）、9位（乡镇）或12位（村）数字（an administrative "
            "division code has 6 (county), 9 (township) or 12 (village) digits）")
    return value


def phone_number(field: str, value: str) -> str:
    """Check a phone number (:data:`PHONE_RULE`): 7 to 20 characters, digits with an
    optional leading +, hyphens and spaces (13800000001, +86 138-0000-0001, 0724-4221234)."""
    if not (7 <= len(value) <= 20 and _PHONE.fullmatch(value)):
        raise InvalidRecord(field, PHONE_RULE)
    return value


def required_text(field: str, value: str) -> str:
    """Return stripped ``value``; an empty required text is refused."""
    text = (value or "").strip()
    if not text:
        raise InvalidRecord(field, "必填，不能为空（is required）")
    return text


def contact_amounts(duration_minutes: int | None, items: int) -> None:
    """What a contact says it took and gave (时长、物品): a duration from 0 to a whole day, and
    items given counted from 0 up."""
    if duration_minutes is not None and not 0 <= duration_minutes <= 24 * 60:
        raise InvalidRecord("duration_minutes", "时长在 0 到 1440 分钟之间"
                            "（must be between 0 and 1440 minutes）")
    if items < 0:
        raise InvalidRecord("items", ITEMS_FROM_ZERO)


#: Items given (发放物品) are counted from 0 up.
ITEMS_FROM_ZERO = "发放物品件数不能为负（items given are counted from 0 up）"


def age_on(birth_date: date, on: date) -> int:
    """Completed years (周岁) on ``on``.

    A person born on 29 February completes a year on 1 March in years without one.
    """
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def member_of(enum: type[E], field: str, value: object) -> E:
    """``value`` as a member of ``enum``, or an error naming the field and the choices."""
    try:
        return enum(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidRecord(field, f"“{value}”不是可选值（{allowed}）之一"
                            f"（{value!r} is not one of {allowed}）") from None


class Remembered(dict[str, V]):
    """Facts kept in memory across batches and requests (where a child or a pairing
    belongs, a pairing's children or members), which change only by events applied in order
    by whoever keeps them (a child's move). A view's memory is made afresh when a batch
    failed (it may hold what was read in the batch's transaction) and when another runner
    applied events it did not see (``projections.runner.ViewRunner``). At most ``limit`` of them;
    then the memory starts again (a miss reads the records again)."""

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: str, value: V) -> None:
        if len(self) >= self.limit and key not in self:
            self.clear()
        super().__setitem__(key, value)
