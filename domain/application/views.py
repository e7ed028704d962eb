"""Immutable values the use cases return: never an aggregate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.children import Child, Concern, Consent, Guardian, Parent, Profile
from domain.children.contact import ChildContact
from domain.children.merging import merged_into as kept_record_of
from domain.common import age_on
from domain.pairings import Contact, Pairing
from domain.volunteers import Review, Volunteer
from domain.volunteers.form import VolunteerForm


@dataclass(frozen=True)
class ChildView:
    """The child's record as it stands on a date (default today)."""

    id: UUID
    version: int
    on: date
    name: str
    sex: str
    birth_date: date
    age: int
    ethnicity: str
    id_number: str
    region_code: str
    school: str
    class_name: str
    boarding: bool
    address: str
    village_contact: str
    income_source: str
    parents: tuple[Parent, ...]
    guardian: Guardian | None
    profile: Profile
    categories: tuple[str, ...]
    consent: Consent
    registered_on: date
    left_behind: bool
    status: str
    exited_on: date | None
    exit_reason: str
    concerns: tuple[Concern, ...]
    #: Contacts recorded on the child itself, outside any pairing, by the day they happened.
    contacts: tuple[ChildContact, ...] = ()
    #: The record this one was merged into (合并重复档案: a merge is recorded as an exit).
    merged_into: UUID | None = None

    @classmethod
    def of(cls, child: Child, on: date) -> ChildView:
        """The record on ``on``: the school and the region it was in that day (升学、转学、
        迁出 are dated), every correction (更正) as if typed right from the start."""
        school, class_name = child.school_on(on)
        return cls(
            id=child.id, version=child.version, on=on, name=child.name, sex=child.sex.value,
            birth_date=child.birth_date, age=age_on(child.birth_date, on),
            ethnicity=child.ethnicity, id_number=child.id_number,
            region_code=child.region_on(on), school=school, class_name=class_name,
            boarding=child.boarding, address=child.address,
            village_contact=child.village_contact, income_source=child.income_source,
            parents=child.parents_on(on), guardian=child.guardian_on(on),
            profile=child.profile_on(on), categories=child.categories_on(on),
            consent=child.consent, registered_on=child.registered_on,
            left_behind=child.left_behind_on(on),
            status="exited" if child.exited_on is not None and child.exited_on <= on
            else "active",
            exited_on=child.exited_on, exit_reason=child.exit_reason,
            concerns=tuple(sorted(child.concerns.values(), key=lambda c: c.occurred_on)),
            contacts=tuple(sorted(child.own_contacts(), key=lambda c: c.occurred_on)),
            merged_into=kept_record_of(child),
        )


@dataclass(frozen=True)
class VolunteerView:
    id: UUID
    version: int
    form: VolunteerForm
    applied_on: date
    status: str
    status_reason: str
    approval_levels: tuple[str, ...]
    next_level: str | None
    level_reached: str | None
    reviews: tuple[Review, ...]
    commendations: tuple[tuple[date, str], ...]

    @classmethod
    def of(cls, volunteer: Volunteer) -> VolunteerView:
        return cls(
            id=volunteer.id, version=volunteer.version, form=volunteer.form,
            applied_on=volunteer.applied_on, status=volunteer.status.value,
            status_reason=volunteer.status_reason,
            approval_levels=tuple(level.value for level in volunteer.approval_levels),
            next_level=volunteer.next_level.value if volunteer.next_level else None,
            level_reached=volunteer.level_reached.value if volunteer.level_reached else None,
            reviews=tuple(volunteer.reviews),
            commendations=tuple((c.on, c.value) for c in volunteer.commendations),
        )


@dataclass(frozen=True)
class PairingMembers:
    """Who a pairing pairs (结对双方): fixed when it is formed, never changed after."""

    child_ids: tuple[UUID, ...]
    volunteer_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class PairingView:
    id: UUID
    version: int
    child_ids: tuple[UUID, ...]
    volunteer_ids: tuple[UUID, ...]
    shape: str
    principle: str
    agreement_signed_on: date
    starts_on: date
    duty_sets: tuple[str, ...]
    status: str
    ended_on: date | None
    end_reason: str
    #: By the day they happened, each naming the children it concerns (a contact recorded
    #: before contacts named their children names every child of the pairing).
    contacts: tuple[Contact, ...]

    @classmethod
    def of(cls, pairing: Pairing) -> PairingView:
        return cls(
            id=pairing.id, version=pairing.version, child_ids=pairing.child_ids,
            volunteer_ids=pairing.volunteer_ids, shape=pairing.shape.value,
            principle=pairing.principle.value,
            agreement_signed_on=pairing.agreement_signed_on, starts_on=pairing.starts_on,
            duty_sets=pairing.duty_sets, status="active" if pairing.is_active else "ended",
            ended_on=pairing.ended_on, end_reason=pairing.end_reason,
            contacts=tuple(sorted(
                (replace(c, child_ids=c.concerns(pairing.child_ids)) for c in pairing.contacts),
                key=lambda c: c.occurred_on)),
        )


@dataclass(frozen=True)
class Recorded:
    """A fact recorded inside an aggregate: its own id, and the aggregate's new version."""

    id: str
    version: int
