"""The volunteer as an event-sourced aggregate: applied, reviewed level by level, and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.common import Actor, member_of, not_in_future, phone_number, required_text
from domain.dated import Dated
from domain.errors import (
    ApplicationClosed,
    ApprovalOutOfOrder,
    InvalidRecord,
    VolunteerStatusRule,
)
from domain.identity import new_id
from domain.vocabulary import REVIEW_LEVEL_TITLES, VOLUNTEER_STATUS_TITLES, title_of
from domain.volunteers.form import Decision, ReviewLevel, VolunteerForm
from domain.volunteers.managing import STANDING_CHANGES, allows
from domain.volunteers.signing import check_signer, signed_by_of, signer


class VolunteerStatus(StrEnum):
    PENDING = "pending"  # 审核中
    APPROVED = "approved"  # 已批准
    REJECTED = "rejected"  # 未通过
    SUSPENDED = "suspended"  # 暂停
    DISQUALIFIED = "disqualified"  # 取消资格


@dataclass(frozen=True)
class Review:
    """One level's opinion (意见) with its date: recorded by the user ``by``, and signed by
    them or (a paper form keyed in by an admin) by ``signed_by``."""

    level: ReviewLevel
    decision: Decision
    opinion: str
    on: date
    by: str
    signed_by: str = ""

    #: An opinion in words may name the volunteer's children: sealed with her data key.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"opinion"})

    @property
    def signer(self) -> str:
        """The person who gave this level's opinion (一人只签一级意见)."""
        return signer(self.by, self.signed_by)


class Volunteer(Aggregate):
    """A caring mother (爱心妈妈) or other volunteer."""

    #: Texts in words (opinions, reasons) that may name her children: sealed with her data
    #: key, beside her registration form's ``personal_fields``.
    personal_attributes: ClassVar[frozenset[str]] = frozenset(
        {"opinion", "reason", "status_reason"})

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new volunteer's identity (drawn from the command that records it, if any)."""
        return new_id()

    class Applied(Aggregate.Created):
        """She applied to volunteer (申请), to be approved at these levels."""

        form: VolunteerForm
        approval_levels: tuple[ReviewLevel, ...]
        applied_on: date
        actor: Actor

    @event(Applied)
    def __init__(self, *, form: VolunteerForm, approval_levels: tuple[ReviewLevel, ...],
                 applied_on: date, actor: Actor) -> None:
        self.form, self.approval_levels, self.applied_on = form, approval_levels, applied_on
        self.reviews: list[Review] = []
        self.status = VolunteerStatus.PENDING
        self.status_reason = ""
        self.commendations: list[Dated[str]] = []

    @classmethod
    def apply(cls, *, form: VolunteerForm, approval_levels: tuple[ReviewLevel, ...],
              applied_on: date, today: date, actor: Actor) -> Volunteer:
        """Apply to volunteer (申请); the programme says which levels must approve. The form's
        birth date is not ahead of today and its phone follows the one rule for phone numbers
        (:func:`domain.common.phone_number`), as a child's record does."""
        not_in_future("applied_on", applied_on, today)
        if form.birth_date is not None:
            not_in_future("birth_date", form.birth_date, today)
        phone_number("phone", form.phone)
        if not approval_levels:
            raise InvalidRecord("approval_levels", "至少须有一级审核（at least one level "
                                "approves a volunteer）")
        return cls(form=form, approval_levels=tuple(approval_levels), applied_on=applied_on,
                   actor=actor)

    @property
    def next_level(self) -> ReviewLevel | None:
        if self.status is not VolunteerStatus.PENDING:
            return None
        return self.approval_levels[len(self.reviews)]

    @property
    def level_reached(self) -> ReviewLevel | None:
        approved = [r.level for r in self.reviews if r.decision is Decision.APPROVE]
        return approved[-1] if approved else None

    @property
    def approved_on(self) -> date | None:
        """The day she was approved (批准之日): the date of the last level's approving
        opinion, once every level approved (she keeps it when suspended or disqualified);
        None while her application is pending or after it was rejected."""
        if len(self.reviews) < len(self.approval_levels) or any(
                r.decision is not Decision.APPROVE for r in self.reviews):
            return None
        return self.reviews[-1].on

    @property
    def in_good_standing(self) -> bool:
        """Whether she is in good standing (在册有效): approved, and not suspended (暂停),
        disqualified (取消资格) or rejected. "Only an approved, active volunteer can be
        paired"; a volunteer who is suspended, disqualified or rejected records no contacts,
        and the children of her pairings are not covered by her."""
        return self.status is VolunteerStatus.APPROVED

    @property
    def can_be_paired(self) -> bool:
        """Only an approved, active volunteer is paired with children."""
        return self.in_good_standing

    def review(self, *, level: str, decision: str, opinion: str, on: date, today: date,
               actor: Actor, signed_by: str | None = None) -> None:
        """Record one level's opinion; levels go in order, each signed by a different
        person (一人只签一级意见), and a rejection ends it. An admin keying in a paper form
        names who signed it (``signed_by``)."""
        level_ = member_of(ReviewLevel, "level", level)
        decision_ = member_of(Decision, "decision", decision)
        if self.status is not VolunteerStatus.PENDING:
            status = title_of(VOLUNTEER_STATUS_TITLES, self.status.value)
            raise ApplicationClosed(
                f"该志愿者的申请已办结（{status}），不再接受审核意见（application_closed: the "
                f"application is closed ({self.status.value}); no further review is taken）")
        if level_ is not self.next_level:
            order = " → ".join(title_of(REVIEW_LEVEL_TITLES, lv) for lv in self.approval_levels)
            expected = title_of(REVIEW_LEVEL_TITLES, self.next_level)
            given = title_of(REVIEW_LEVEL_TITLES, level_.value)
            raise ApprovalOutOfOrder(
                f"审核须逐级进行（{order}）：下一级应为{expected}意见，而不是{given}意见"
                "（approval_order: "
                f"approval goes level by level ({' → '.join(self.approval_levels)}): "
                f"the next review is at level {self.next_level}, not {level_.value}）")
        signed_by_ = signed_by_of(actor, signed_by)
        check_signer(((r.level, r.signer) for r in self.reviews), level_, actor=actor,
                     signed_by=signed_by_)
        not_in_future("on", on, today)
        earliest = self.reviews[-1].on if self.reviews else self.applied_on
        if on < earliest:
            step = (f"{title_of(REVIEW_LEVEL_TITLES, self.reviews[-1].level.value)}意见日期"
                    if self.reviews else "申请日期")
            raise ApprovalOutOfOrder(f"审核意见的日期不能早于上一步（{step} {earliest}）"
                                     "（approval_order: a review is dated on or after the "
                                     f"previous step ({earliest})）")
        self._reviewed(level=level_, decision=decision_, opinion=opinion.strip(), on=on,
                       actor=actor, signed_by=signed_by_)

    class Reviewed(Aggregate.Event):
        """One level gave its opinion (意见), signed by ``signed_by`` if keyed in for them."""

        level: ReviewLevel
        decision: Decision
        opinion: str
        on: date
        actor: Actor
        signed_by: str

    @event(Reviewed)
    def _reviewed(self, level: ReviewLevel, decision: Decision, opinion: str, on: date,
                  actor: Actor, signed_by: str = "") -> None:
        self.reviews.append(Review(level, decision, opinion, on, actor.id, signed_by))
        if decision is Decision.REJECT:
            self.status = VolunteerStatus.REJECTED
        elif len(self.reviews) == len(self.approval_levels):
            self.status = VolunteerStatus.APPROVED

    def suspend(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """Suspend an approved volunteer (暂停), on or after the day she was approved."""
        self._require("suspended")
        approved_on = self.reviews[-1].on
        if on < approved_on:
            raise InvalidRecord("on", f"暂停日期 {on} 早于该志愿者获批之日（{approved_on}）："
                                f"暂停须在获批当日或之后（{on} is before the volunteer was "
                                f"approved ({approved_on}); a suspension is dated on or after "
                                "the approval）")
        self._suspended(reason=required_text("reason", reason),
                        on=not_in_future("on", on, today), actor=actor)

    class Suspended(Aggregate.Event):
        """An approved volunteer was suspended (暂停)."""

        reason: str
        on: date
        actor: Actor

    @event(Suspended)
    def _suspended(self, reason: str, on: date, actor: Actor) -> None:
        self.status, self.status_reason = VolunteerStatus.SUSPENDED, reason

    def reinstate(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """Reinstate a suspended volunteer (恢复)."""
        self._require("reinstated")
        self._reinstated(reason=reason.strip(), on=not_in_future("on", on, today), actor=actor)

    class Reinstated(Aggregate.Event):
        """A suspended volunteer was reinstated (恢复)."""

        reason: str
        on: date
        actor: Actor

    @event(Reinstated)
    def _reinstated(self, reason: str, on: date, actor: Actor) -> None:
        self.status, self.status_reason = VolunteerStatus.APPROVED, reason

    def disqualify(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """Disqualify for not doing the duties (取消资格); final."""
        self._require("disqualified")
        self._disqualified(reason=required_text("reason", reason),
                           on=not_in_future("on", on, today), actor=actor)

    class Disqualified(Aggregate.Event):
        """The volunteer was disqualified (取消资格); final."""

        reason: str
        on: date
        actor: Actor

    @event(Disqualified)
    def _disqualified(self, reason: str, on: date, actor: Actor) -> None:
        self.status, self.status_reason = VolunteerStatus.DISQUALIFIED, reason

    def commend(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """Commend an approved volunteer (表彰)."""
        self._require("commended")
        self._commended(reason=required_text("reason", reason),
                        on=not_in_future("on", on, today), actor=actor)

    class Commended(Aggregate.Event):
        """The volunteer was commended (表彰)."""

        reason: str
        on: date
        actor: Actor

    @event(Commended)
    def _commended(self, reason: str, on: date, actor: Actor) -> None:
        self.commendations.append(Dated(on, reason))

    def _require(self, verb: str) -> None:
        """Refuse a change of standing her status does not allow (``STANDING_CHANGES``)."""
        if not allows(self.status.value, verb):
            allowed, words = STANDING_CHANGES[verb]
            needed = "或".join(title_of(VOLUNTEER_STATUS_TITLES, s) for s in allowed)
            now = title_of(VOLUNTEER_STATUS_TITLES, self.status.value)
            raise VolunteerStatusRule(
                f"只有{needed}的志愿者才能{words}，该志愿者目前为{now}（volunteer_status: "
                f"only a volunteer who is {' or '.join(allowed)} can be "
                f"{verb}; this one is {self.status.value}）")
