"""The demo's steps: one command each, through the register's use cases, on the day it is entered.

A step names the records it touches by the demo's own numbers (child 17, pairing 5); the ids the
register gives them are looked up in :class:`Ids` when the step runs. Each step carries the day
it is recorded on (``recorded_on``, the programme's "today" while it runs) and a ``rank`` that
orders the steps of one day (applications before reviews, a pairing before its contacts, an exit
last), so a step never refers to a record entered after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from domain.access.caller import Caller
from domain.access.policy import may_review
from domain.application import CareRegister
from domain.children import Guardian, Parent, Profile
from domain.common import Actor
from domain.volunteers import VolunteerForm


@dataclass
class Ids:
    """The ids the register gave the demo's records, by the demo's numbers."""

    children: dict[int, UUID] = field(default_factory=dict)
    volunteers: dict[int, UUID] = field(default_factory=dict)
    pairings: dict[int, UUID] = field(default_factory=dict)
    concerns: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    recorded_on: date
    rank: ClassVar[int] = 50

    def do(self, register: CareRegister, ids: Ids) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class ApplyVolunteer(Step):
    rank: ClassVar[int] = 0
    volunteer: int
    form: VolunteerForm
    applied_on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        ids.volunteers[self.volunteer] = register.apply_to_volunteer(
            self.form, actor=self.actor, applied_on=self.applied_on)


@dataclass(frozen=True)
class ReviewVolunteer(Step):
    """One level's opinion, given as the API takes it: by a user who may give that level's
    (逐级审核: ``reviewer``, checked by :func:`domain.access.policy.may_review` on the
    volunteer's region and unit), or keyed in from the paper form by the admin naming who
    signed it (``signed_by``)."""

    rank: ClassVar[int] = 1
    volunteer: int
    level: str
    decision: str
    opinion: str
    on: date
    reviewer: Caller
    region_code: str
    unit: str
    signed_by: str | None = None

    def do(self, register: CareRegister, ids: Ids) -> None:
        if not may_review(self.reviewer, self.level, self.region_code, self.unit):
            raise ValueError(f"the demo's {self.reviewer.user_id} may not give the "
                             f"{self.level} opinion on volunteer {self.volunteer}")
        register.review_volunteer(ids.volunteers[self.volunteer], level=self.level,
                                  decision=self.decision, opinion=self.opinion, on=self.on,
                                  actor=self.reviewer.actor, signed_by=self.signed_by)


@dataclass(frozen=True)
class RegisterChild(Step):
    rank: ClassVar[int] = 2
    child: int
    record: dict[str, Any]
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        ids.children[self.child] = register.register_child(actor=self.actor, **self.record)


@dataclass(frozen=True)
class ChangeParent(Step):
    rank: ClassVar[int] = 3
    child: int
    parent: Parent
    on: date
    reason: str
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.change_parent(ids.children[self.child], self.parent, on=self.on,
                               reason=self.reason, actor=self.actor)


@dataclass(frozen=True)
class ChangeGuardian(Step):
    rank: ClassVar[int] = 3
    child: int
    guardian: Guardian
    on: date
    reason: str
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.change_guardian(ids.children[self.child], self.guardian, on=self.on,
                                 reason=self.reason, actor=self.actor)


@dataclass(frozen=True)
class ChangeCategories(Step):
    rank: ClassVar[int] = 3
    child: int
    categories: tuple[str, ...]
    on: date
    reason: str
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.change_categories(ids.children[self.child], self.categories, on=self.on,
                                   reason=self.reason, actor=self.actor)


@dataclass(frozen=True)
class UpdateProfile(Step):
    rank: ClassVar[int] = 3
    child: int
    profile: Profile
    on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.update_profile(ids.children[self.child], self.profile, on=self.on,
                                actor=self.actor)


@dataclass(frozen=True)
class VolunteerStatusStep(Step):
    """Suspension (暂停), reinstatement (恢复), commendation (表彰) or disqualification
    (取消资格)."""

    rank: ClassVar[int] = 4
    volunteer: int
    action: str  # suspend | reinstate | commend | disqualify
    reason: str
    on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        command = {"suspend": register.suspend_volunteer,
                   "reinstate": register.reinstate_volunteer,
                   "commend": register.commend_volunteer,
                   "disqualify": register.disqualify_volunteer}[self.action]
        command(ids.volunteers[self.volunteer], reason=self.reason, on=self.on,
                actor=self.actor)


@dataclass(frozen=True)
class FormPairing(Step):
    rank: ClassVar[int] = 5
    pairing: int
    children: Sequence[int]
    volunteers: Sequence[int]
    principle: str
    agreement_signed_on: date
    starts_on: date
    actor: Actor
    #: The pairing's duty rule sets; none: the programme's.
    duty_sets: tuple[str, ...] = ()

    def do(self, register: CareRegister, ids: Ids) -> None:
        ids.pairings[self.pairing] = register.form_pairing(
            child_ids=[ids.children[c] for c in self.children],
            volunteer_ids=[ids.volunteers[v] for v in self.volunteers],
            principle=self.principle, agreement_signed_on=self.agreement_signed_on,
            starts_on=self.starts_on, actor=self.actor, duty_sets=self.duty_sets or None)


@dataclass(frozen=True)
class RecordContact(Step):
    rank: ClassVar[int] = 6
    pairing: int
    kind: str
    occurred_on: date
    notes: str
    actor: Actor
    duration_minutes: int | None = None
    items: int = 0
    #: The demo's numbers of the children the contact names (those of its pairing).
    children: tuple[int, ...] = ()

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.record_contact(ids.pairings[self.pairing], kind=self.kind,
                                occurred_on=self.occurred_on, notes=self.notes,
                                actor=self.actor, duration_minutes=self.duration_minutes,
                                items=self.items,
                                child_ids=[ids.children[c] for c in self.children] or None)


@dataclass(frozen=True)
class ReportConcern(Step):
    rank: ClassVar[int] = 7
    child: int
    number: int
    kind: str
    description: str
    occurred_on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        ids.concerns[self.child, self.number] = register.report_concern(
            ids.children[self.child], kind=self.kind, description=self.description,
            occurred_on=self.occurred_on, actor=self.actor)


@dataclass(frozen=True)
class ResolveConcern(Step):
    rank: ClassVar[int] = 8
    child: int
    number: int
    action: str
    on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.resolve_concern(ids.children[self.child], ids.concerns[self.child, self.number],
                                 action=self.action, on=self.on, actor=self.actor)


@dataclass(frozen=True)
class EndPairing(Step):
    rank: ClassVar[int] = 9
    pairing: int
    reason: str
    on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.end_pairing(ids.pairings[self.pairing], reason=self.reason, on=self.on,
                             actor=self.actor)


@dataclass(frozen=True)
class ExitChild(Step):
    """The child leaves the programme; its pairings end by the policy (联动规则)."""

    rank: ClassVar[int] = 10
    child: int
    reason: str
    on: date
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.exit_child(ids.children[self.child], reason=self.reason, on=self.on,
                            actor=self.actor)


@dataclass(frozen=True)
class Disqualify(VolunteerStatusStep):
    """Last on its day: the policy then ends the volunteer's pairings."""

    rank: ClassVar[int] = 11


@dataclass(frozen=True)
class CatchUp(Step):
    """The policy catching up with the log (联动规则: it ends the pairings of children who
    left and of disqualified volunteers), at each week's end."""

    rank: ClassVar[int] = 20


@dataclass(frozen=True)
class ReminderScan(Step):
    """The daily reminder scan (每日履职扫描), as it ran on ``recorded_on``."""

    rank: ClassVar[int] = 21


@dataclass(frozen=True)
class QuarterlyReportStep(Step):
    """The county's quarterly report (季度报送), requested and produced on ``recorded_on``;
    ``scheduled`` as the schedule requests it at the quarter's turn, else by a member of staff
    (a second run of a quarter, after late records)."""

    rank: ClassVar[int] = 22
    year: int
    quarter: int
    scheduled: bool = True
