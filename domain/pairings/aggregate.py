"""The pairing (结对) as an event-sourced aggregate: formed, contacts recorded, ended."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.children import Child
from domain.common import Actor, member_of, not_in_future, required_text
from domain.errors import (
    ContactRule,
    InvalidRecord,
    PairingHasEnded,
    PairingRule,
    VolunteerNotInGoodStanding,
)
from domain.identity import new_id
from domain.pairings.contact import Contact, PairingShape, Principle
from domain.pairings.forming import check_eligible, check_start
from domain.volunteers import Volunteer


class Pairing(Aggregate):
    """Volunteers paired with children under a signed responsibility agreement (责任状)."""

    #: Texts in words that may name its children: sealed with the pairing's data key,
    #: destroyed with the data of any of its children (beside a contact's notes).
    personal_attributes: ClassVar[frozenset[str]] = frozenset({"reason", "end_reason"})

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new pairing's identity (drawn from the command that records it, if any)."""
        return new_id()

    class Formed(Aggregate.Created):
        """Volunteers were paired with children (结对) under a signed agreement (责任状)."""

        child_ids: tuple[UUID, ...]
        volunteer_ids: tuple[UUID, ...]
        principle: Principle
        agreement_signed_on: date
        starts_on: date
        duty_sets: tuple[str, ...]
        actor: Actor

    @event(Formed)
    def __init__(self, *, child_ids: tuple[UUID, ...], volunteer_ids: tuple[UUID, ...],
                 principle: Principle, agreement_signed_on: date, starts_on: date,
                 duty_sets: tuple[str, ...], actor: Actor) -> None:
        self.child_ids, self.volunteer_ids = child_ids, volunteer_ids
        self.principle, self.duty_sets = principle, duty_sets
        self.agreement_signed_on, self.starts_on = agreement_signed_on, starts_on
        self.contacts: list[Contact] = []
        self.ended_on: date | None = None
        self.end_reason = ""

    @classmethod
    def form(cls, *, children: Sequence[Child], volunteers: Sequence[Volunteer],
             principle: str, agreement_signed_on: date, starts_on: date,
             duty_sets: Sequence[str], today: date, actor: Actor) -> Pairing:
        """Pair approved volunteers with active children (结对), starting neither before
        each volunteer was approved nor before each child was registered
        (:mod:`domain.pairings.forming`)."""
        principle_ = member_of(Principle, "principle", principle)
        _check_shape(children, volunteers)
        check_eligible(children, volunteers)
        not_in_future("starts_on", starts_on, today)
        not_in_future("agreement_signed_on", agreement_signed_on, today)
        if agreement_signed_on > starts_on:
            raise PairingRule("the responsibility agreement (责任状) is signed before the "
                              "pairing starts", rule="agreement_before_start")
        check_start(children, volunteers, starts_on)
        return cls(child_ids=tuple(c.id for c in children),
                   volunteer_ids=tuple(v.id for v in volunteers), principle=principle_,
                   agreement_signed_on=agreement_signed_on, starts_on=starts_on,
                   duty_sets=tuple(duty_sets), actor=actor)

    @property
    def shape(self) -> PairingShape:
        return PairingShape.of(len(self.child_ids), len(self.volunteer_ids))

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def record_contact(self, *, kind: str, occurred_on: date, notes: str, today: date,
                       actor: Actor, known_kinds: Collection[str],
                       duration_minutes: int | None = None, items: int = 0,
                       child_ids: Sequence[UUID] | None = None,
                       volunteers: Sequence[Volunteer] = (),
                       by_volunteer: UUID | None = None) -> str:
        """Record a contact or visit; it may be recorded late but never dated ahead.

        "A contact names the children of the pairing it concerns" (``child_ids``, see
        :meth:`children_named`). ``volunteers`` are the pairing's volunteers as they stand
        and ``by_volunteer`` the recording user's own volunteer record, if she is one: see
        :func:`check_in_good_standing`.
        """
        named = self.children_named(child_ids)
        if not self.is_active:
            raise PairingHasEnded(f"该结对已于 {self.ended_on} 结束，已结束的结对不再记录联系"
                                  f"（pairing_ended: the pairing ended on {self.ended_on}; "
                                  "no contact is recorded on an ended pairing）")
        check_in_good_standing(volunteers, by_volunteer)
        if kind not in known_kinds:
            raise InvalidRecord("kind", f"联系方式“{kind}”不是本项目的联系方式；可选："
                                f"{', '.join(sorted(known_kinds))}（{kind!r} is not a "
                                "contact kind of this programme）")
        not_in_future("occurred_on", occurred_on, today)
        if occurred_on < self.starts_on:
            raise ContactRule(f"联系日期 {occurred_on} 早于结对开始日期 {self.starts_on}"
                              "（a contact cannot be dated before the pairing started）",
                              rule="contact_before_pairing")
        contact = Contact(new_id().hex, kind, occurred_on, notes.strip(), actor.id,
                          duration_minutes, items, named)
        self._contact_recorded(contact=contact, actor=actor)
        return contact.id

    def children_named(self, child_ids: Sequence[UUID] | None) -> tuple[UUID, ...]:
        """The children a new contact names (联系涉及的孩子), in the pairing's order.

        "A contact counts only for the children it names": with one child it names that
        child unless told otherwise; with several it must name them (a call to one child is
        not a call to the other). Each named child is a child of the pairing, named once.
        """
        if child_ids is None:
            if len(self.child_ids) == 1:
                return self.child_ids
            raise InvalidRecord("child_ids", "结对有多名儿童，须写明此次联系涉及哪些儿童"
                                "（a pairing of several children: name the children the "
                                "contact concerns）")
        if not child_ids:
            raise InvalidRecord("child_ids", "至少写明一名儿童（name at least one child of "
                                "the pairing）")
        if len(set(child_ids)) != len(child_ids):
            raise InvalidRecord("child_ids", "每名儿童只写一次（each child is named once）")
        strangers = [str(child) for child in child_ids if child not in self.child_ids]
        if strangers:
            raise InvalidRecord("child_ids", f"不是本结对的儿童：{', '.join(strangers)}"
                                "（not a child of this pairing）")
        return tuple(child for child in self.child_ids if child in child_ids)

    def contacts_naming(self, child_id: UUID) -> tuple[Contact, ...]:
        """The pairing's contacts that concern ``child_id`` (:meth:`Contact.concerns`): the
        only ones that count for the duties owed to that child."""
        return tuple(c for c in self.contacts if child_id in c.concerns(self.child_ids))

    class ContactRecorded(Aggregate.Event):
        """A contact or visit (联系走访) was recorded."""

        contact: Contact
        actor: Actor

    @event(ContactRecorded)
    def _contact_recorded(self, contact: Contact, actor: Actor) -> None:
        self.contacts.append(contact)

    def end(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """End the pairing with a reason; its history stays."""
        if not self.is_active:
            raise PairingHasEnded(f"该结对已于 {self.ended_on} 结束，不能再次结束"
                                  f"（pairing_ended: the pairing already ended on "
                                  f"{self.ended_on}）")
        not_in_future("on", on, today)
        last = max((c.occurred_on for c in self.contacts), default=self.starts_on)
        if on < last:
            raise PairingRule(f"结对结束日期 {on} 不能早于其开始日期或已记录的联系（{last}）"
                              "（a pairing cannot end before its start or a contact on it）",
                              rule="end_after_contacts")
        self._ended(reason=required_text("reason", reason), on=on, actor=actor)

    class Ended(Aggregate.Event):
        """The pairing ended (结对结束) on ``on``, for a reason."""

        reason: str
        on: date
        actor: Actor

    @event(Ended)
    def _ended(self, reason: str, on: date, actor: Actor) -> None:
        self.ended_on, self.end_reason = on, reason


def check_in_good_standing(volunteers: Sequence[Volunteer], by_volunteer: UUID | None) -> None:
    """Contacts are recorded in good standing (在册有效).

    "A volunteer who is suspended, disqualified or rejected records no contacts." When the
    recording user is a volunteer, her own standing decides (``by_volunteer``, one of
    ``volunteers``); when staff record on a pairing, it is refused if no volunteer of the
    pairing is in good standing (:attr:`Volunteer.in_good_standing`).
    """
    if not volunteers:
        return
    if by_volunteer is not None:
        own = [v for v in volunteers if v.id == by_volunteer]
        if own and not own[0].in_good_standing:
            raise VolunteerNotInGoodStanding(
                f"志愿者已暂停/取消资格/未通过审核（{own[0].status.value}），不能记录联系"
                "（volunteer_not_in_good_standing: a volunteer who is suspended, "
                "disqualified or rejected records no contacts）")
        if own:
            return
    if not any(v.in_good_standing for v in volunteers):
        raise VolunteerNotInGoodStanding(
            "本结对没有在册有效的志愿者（均已暂停/取消资格/未通过审核），不能记录联系"
            "（volunteer_not_in_good_standing: no volunteer of the pairing is in good "
            "standing）")


def _check_shape(children: Sequence[Child], volunteers: Sequence[Volunteer]) -> None:
    if not children:
        raise InvalidRecord("child_ids", "结对至少有一名儿童（a pairing has at least one child）")
    if not volunteers:
        raise InvalidRecord("volunteer_ids", "结对至少有一名爱心妈妈"
                            "（a pairing has at least one volunteer）")
    if len({c.id for c in children}) != len(children):
        raise InvalidRecord("child_ids", "每名儿童只能列一次（each child appears once）")
    if len({v.id for v in volunteers}) != len(volunteers):
        raise InvalidRecord("volunteer_ids", "each volunteer appears once")
    if len(children) > 1 and len(volunteers) > 1:
        raise PairingRule("a pairing is one-to-one, several volunteers to one child (多帮一) "
                          "or one volunteer to several children (一对多), never many-to-many",
                          rule="pairing_shape")
