"""Two records of one child merged (合并重复档案): the second record leaves the register, its
history joining the record kept.

A child registered twice (a school and a township each keyed in the same pupil from their
own 花名册) is put right by a clerk: the duplicate record is *merged into* the surviving one
(:class:`MergedInto`, an exit from the register, so that every list and count that follows
exits leaves it out from then), and the surviving record *absorbs* it (:class:`Absorbed`).
Both are recorded in one transaction; the log is not rewritten, so "as known" before the
merge the two records read as they were, and after it as one.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.children.aggregate import Child
from domain.common import Actor, required_text
from domain.errors import DomainError
from domain.national_ids import normalised
from domain.personal import ERASED


class MergeRefused(DomainError):
    """合并不成立: the two records cannot be merged as asked (the message says why)."""

    rule = "merge_refused"


class MergedInto(Child.Exited):
    """This record was a second record of a child, merged into ``surviving_id`` (并入) on
    ``on``: it leaves the register as an exit does, and its history joins that record's."""

    surviving_id: UUID

    def apply(self, aggregate: Any) -> None:
        aggregate.exited_on, aggregate.exit_reason = self.on, self.reason
        aggregate.merged_into = self.surviving_id


class Absorbed(Child.Event):
    """This record absorbed ``duplicate_id``, a second record of the same child (合并), on
    ``on``: the duplicate's history is this child's from then."""

    duplicate_id: UUID
    reason: str
    on: date
    actor: Actor
    id_number: str  # the duplicate's national ID number, for a survivor without one

    def apply(self, aggregate: Any) -> None:
        aggregate.absorbed = (*absorbed_by(aggregate), self.duplicate_id)
        if self.id_number:
            aggregate.id_number = self.id_number


def merged_into(child: Child) -> UUID | None:
    """The record this one was merged into, if it was (records before merges lack it)."""
    found: UUID | None = getattr(child, "merged_into", None)
    return found


def absorbed_by(child: Child) -> tuple[UUID, ...]:
    """The records merged into this one, in the order they were."""
    return tuple(getattr(child, "absorbed", ()))


def merge(survivor: Child, duplicate: Child, *, reason: str, on: date, today: date,
          actor: Actor, active_pairings: int = 0, id_number: str = "") -> None:
    """Merge ``duplicate`` into ``survivor`` (both changed, to be saved together).

    Refused (MergeRefused, nothing changed) when they are one record, when either was merged
    already, when either left the register or was erased, when their national ID numbers
    differ (two numbers: two children), while the duplicate has an open concern (resolve it
    first: a merged record takes no new facts), or while the duplicate is still in a pairing
    (``active_pairings``: end it first, so that no caring mother's work is lost).
    ``id_number``: the duplicate's national ID number, taken by a survivor without one."""
    reason = required_text("reason", reason)
    if survivor.id == duplicate.id:
        raise MergeRefused("不能把一份档案并入它自己（a record cannot be merged into itself）")
    for role, child in (("保留的", survivor), ("被合并的", duplicate)):
        into = merged_into(child)
        if into is not None:
            raise MergeRefused(f"{role}档案已于{child.exited_on}并入另一份档案（{into}），"
                               f"不能再合并（that record was already merged into {into} on "
                               f"{child.exited_on}）")
        if getattr(child, "erased_on", None) is not None:
            raise MergeRefused(f"{role}档案的个人信息已删除，不能合并（a record whose personal "
                               "data was erased is not merged）")
        if child.exited_on is not None:
            raise MergeRefused(f"{role}档案已于{child.exited_on}退出关爱项目，只能合并在册的档案"
                               f"（the record left the programme on {child.exited_on}; only "
                               "records on the register are merged）")
    numbers = {normalised(c.id_number or "") for c in (survivor, duplicate)} - {""}
    if len(numbers) > 1 and normalised(ERASED) not in numbers:
        raise MergeRefused("两份档案的身份证号码不同，不是同一名儿童，不能合并（the two records "
                           "carry different national ID numbers: they are two children）")
    if duplicate.open_concerns():
        raise MergeRefused("被合并的档案还有未办结的情况报告：请先办结，再合并（the duplicate "
                           "record has open concerns: resolve them first, then merge）")
    if active_pairings:
        raise MergeRefused("被合并的档案还在结对帮扶中：请先结束其结对（或在保留的档案上重新"
                           "结对），再合并（the duplicate record is still paired: end its pairing "
                           "first, then merge）")
    for child in (survivor, duplicate):
        child._check_change("on", on, today)  # the record's own guard
    duplicate.trigger_event(MergedInto, surviving_id=survivor.id, reason=reason, on=on,
                            actor=actor)
    survivor.trigger_event(Absorbed, duplicate_id=duplicate.id, reason=reason, on=on,
                           actor=actor, id_number=id_number)


class ToldApart(Child.Event):
    """A clerk found this record and ``other_id`` to be two children (不是同一人), though
    they looked like one child registered twice: the pair is not listed as likely again."""

    other_id: UUID
    reason: str
    actor: Actor

    def apply(self, aggregate: Any) -> None:
        aggregate.told_apart = (*told_apart_from(aggregate), self.other_id)


def told_apart_from(child: Child) -> tuple[UUID, ...]:
    """The records a clerk found to be other children than this one."""
    return tuple(getattr(child, "told_apart", ()))


def tell_apart(first: Child, second: Child, *, reason: str, today: date,
               actor: Actor) -> None:
    """Record on both records that they are two children (不是同一人), to be saved together.
    Refused (MergeRefused) for one record, for a pair told apart already, and for a record
    off the register or erased (its own rules)."""
    reason = required_text("reason", reason)
    if first.id == second.id:
        raise MergeRefused("同一份档案不需要确认“不是同一人”（a record is not told apart from "
                           "itself）")
    if second.id in told_apart_from(first):
        raise MergeRefused("这两份档案已确认不是同一人（the two records were told apart "
                           "already）")
    for child in (first, second):
        child._check_change("on", today, today)  # the record's own guard
    first.trigger_event(ToldApart, other_id=second.id, reason=reason, actor=actor)
    second.trigger_event(ToldApart, other_id=first.id, reason=reason, actor=actor)
