"""A group activity or aid (集体活动, 慰问) as an event-sourced aggregate: recorded once for every
child it reached, and cancelled with a reason when it was recorded in error.

The documents count activities held and people visited, items given and money spent ("开展活动
____次", "慰问____人，发放物品____件"): a festival party at the township school, a Children's Day
visit with stationery, a birthday held for several pupils together. Such an activity is no
pairing's contact: it is organised by the federation or the school, names the children it
reached, and counts once however many children it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.children import Child
from domain.common import ITEMS_FROM_ZERO, Actor, member_of, not_in_future, required_text
from domain.errors import ActivityRule, ChildHasExited, DataErased, InvalidRecord
from domain.identity import new_id

#: The most children one activity names (a township's festival reaches a few hundred).
MAX_CHILDREN = 1000
#: The most yuan one activity records (a typo guard: ten million).
MAX_YUAN = Decimal("10000000")
_CENT = Decimal("0.01")


class GroupActivityKind(StrEnum):
    """The contact kinds that are held for a group (集体活动的类型): a group activity (集体活动),
    a festival together (共度节日), a birthday together (集体生日), material aid or a visit of
    care (物资帮扶, 慰问), group tutoring (学业辅导) and group counselling (团体心理辅导)."""

    ACTIVITY = "activity"
    FESTIVAL = "festival"
    BIRTHDAY = "birthday"
    MATERIAL_AID = "material_aid"
    TUTORING = "tutoring"
    COUNSELLING = "counselling"


def yuan(field: str, value: object) -> Decimal:
    """Money given (慰问金, 元) as a decimal of at most two places (分), never negative.

    "至多两位小数": 12.5 and 12.50 are the same amount; 12.345 is refused, not rounded."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidRecord(field, f"{value!r} 不是金额（元）（not an amount of yuan）") from None
    if not amount.is_finite():
        raise InvalidRecord(field, "金额须为有限的数（an amount of yuan is a finite number）")
    if amount < 0:
        raise InvalidRecord(field, "发放金额不能为负（money given is counted from 0 yuan up）")
    if amount > MAX_YUAN:
        raise InvalidRecord(field, f"一次活动至多 {MAX_YUAN} 元"
                            f"（at most {MAX_YUAN} yuan for one activity）")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(_CENT):
        raise InvalidRecord(field, "an amount of yuan has at most two decimal places (分)")
    return amount.quantize(_CENT)


class Activity(Aggregate):
    """A group activity or aid (集体活动, 慰问): its kind, title, the day it was held, the
    children it reached, who organised it, and the items and money given."""

    #: Texts in words that may name its children: sealed with the activity's data key,
    #: destroyed with the data of any of its children. The title and the organiser are the
    #: activity's own (六一儿童节慰问, 镇妇联), not personal; they never name a child.
    personal_attributes: ClassVar[frozenset[str]] = frozenset({"reason", "cancel_reason"})

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new activity's identity (drawn from the command that records it, if any)."""
        return new_id()

    class Recorded(Aggregate.Created):
        """A group activity or aid was held (开展集体活动, 慰问) for the children named."""

        kind: str
        title: str
        occurred_on: date
        child_ids: tuple[UUID, ...]
        organiser: str
        items: int
        amount_yuan: Decimal
        actor: Actor

    @event(Recorded)
    def __init__(self, *, kind: str, title: str, occurred_on: date,
                 child_ids: tuple[UUID, ...], organiser: str, items: int,
                 amount_yuan: Decimal, actor: Actor) -> None:
        self.kind, self.title, self.organiser = kind, title, organiser
        self.occurred_on, self.child_ids = occurred_on, child_ids
        self.items, self.amount_yuan = items, amount_yuan
        self.recorded_by = actor.id
        self.cancelled_on: date | None = None
        self.cancel_reason = ""

    @classmethod
    def record(cls, *, kind: str, title: str, occurred_on: date, children: Sequence[Child],
               organiser: str, today: date, actor: Actor, items: int = 0,
               amount_yuan: object = 0) -> Activity:
        """Record an activity held for ``children`` (集体活动, 慰问); it may be recorded late,
        never ahead. Every child named is on the register on the day and was registered by
        then (a child who has left the programme takes no new activity)."""
        kind_ = member_of(GroupActivityKind, "kind", kind).value
        title_ = required_text("title", title)
        organiser_ = required_text("organiser", organiser)
        if isinstance(items, bool) or not isinstance(items, int) or items < 0:
            raise InvalidRecord("items", ITEMS_FROM_ZERO)
        amount = yuan("amount_yuan", amount_yuan)
        _check_children(children)
        not_in_future("occurred_on", occurred_on, today)
        for child in children:
            if getattr(child, "erased_on", None) is not None:
                raise DataErased(f"儿童 {child.id} 的个人信息已于 {child.erased_on} 删除，"
                                 "不再记录新的集体活动")
            if child.exited_on is not None:
                raise ChildHasExited(f"儿童 {child.id} 已于 {child.exited_on} 退出关爱帮扶，"
                                     "退出的儿童不再记录新的集体活动")
            if occurred_on < child.registered_on:
                raise ActivityRule(
                    f"集体活动的日期 {occurred_on} 早于儿童 {child.id} 的建档日期 "
                    f"{child.registered_on}：活动只记录已建档的儿童",
                    rule="activity_before_registration")
        return cls(kind=kind_, title=title_, occurred_on=occurred_on,
                   child_ids=tuple(child.id for child in children), organiser=organiser_,
                   items=items, amount_yuan=amount, actor=actor)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    def cancel(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """Cancel an activity recorded in error (撤销), with a reason: it stays in the log and
        on the children's timelines, and no longer counts. Once only."""
        if self.is_cancelled:
            raise ActivityRule(f"该集体活动已于 {self.cancelled_on} 撤销，不再重复撤销",
                               rule="activity_cancelled")
        not_in_future("on", on, today)
        self._cancelled(reason=required_text("reason", reason), on=on, actor=actor)

    class Cancelled(Aggregate.Event):
        """A group activity recorded in error was cancelled (撤销), for a reason."""

        reason: str
        on: date
        actor: Actor

    @event(Cancelled)
    def _cancelled(self, reason: str, on: date, actor: Actor) -> None:
        self.cancelled_on, self.cancel_reason = on, reason


def _check_children(children: Sequence[Child]) -> None:
    if not children:
        raise InvalidRecord("child_ids", "a group activity names at least one child")
    if len({child.id for child in children}) != len(children):
        raise InvalidRecord("child_ids", "每名儿童只能列一次（each child appears once）")
    if len(children) > MAX_CHILDREN:
        raise InvalidRecord("child_ids", f"一次活动至多 {MAX_CHILDREN} 名儿童"
                            f"（at most {MAX_CHILDREN} children in one activity）")
