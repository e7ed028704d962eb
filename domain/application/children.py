"""Use cases for the child's record (建档与动态管理)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.application.national_ids import NationalIdsService
from domain.application.views import ChildView
from domain.children import Child, Consent, Guardian, Parent, Profile
from domain.children.merging import Absorbed, absorbed_by
from domain.common import Actor
from domain.errors import DataErased, StaleVersion
from domain.national_ids import NationalIdClaim, checked_id_number


class ChildrenService(NationalIdsService):
    """Register children, keep their record current, report and resolve concerns."""

    def register_child(
        self, *, actor: Actor, name: str, sex: str, birth_date: date, region_code: str,
        school: str, class_name: str, parents: Sequence[Parent], guardian: Guardian | None,
        consent: Consent | None, categories: Sequence[str] = (),
        registered_on: date | None = None, ethnicity: str = "", id_number: str = "",
        boarding: bool = False, address: str = "", village_contact: str = "",
        income_source: str = "", profile: Profile | None = None,
    ) -> UUID:
        """Register a child (建档) and return its id.

        A child with a national ID number takes the claim of its number in the same
        transaction (:class:`~domain.national_ids.NationalIdClaim`): a number already held
        by a child on the register is refused (ChildAlreadyRegistered), and of two
        registrations of one number at the same moment the second is refused likewise. A
        number not of the resident ID's shape, or whose check character does not agree with
        its digits, is refused (InvalidRecord naming ``id_number``)."""
        today = self.today()
        id_number = checked_id_number("id_number", id_number)
        child = Child.register(
            today=today, actor=actor, name=name, sex=sex, birth_date=birth_date,
            region_code=region_code, school=school.strip(), class_name=class_name.strip(),
            parents=tuple(parents), guardian=guardian, categories=tuple(categories),
            consent=consent, registered_on=registered_on or today, ethnicity=ethnicity,
            id_number=id_number, boarding=boarding, address=address,
            village_contact=village_contact, income_source=income_source, profile=profile)
        index = self.national_id_index(id_number)
        if index is None:
            self._commit(child)
            return child.id
        claim = self._new_claim(index, child.id, on=child.registered_on, actor=actor)
        try:
            self._commit(child, claim)
        except StaleVersion:  # a registration of the same number came first
            self._new_claim(index, child.id, on=child.registered_on, actor=actor)
            raise
        return child.id

    def get_child(self, child_id: UUID, on: date | None = None) -> ChildView:
        """The child's record as it stands on ``on`` (default today)."""
        return ChildView.of(self._get(Child, child_id), on or self.today())

    def change_parent(self, child_id: UUID, parent: Parent, *, actor: Actor,
                      on: date | None = None, reason: str = "",
                      expected_version: int | None = None) -> int:
        """A parent's status or work location changed; returns the new version."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.change_parent(
            parent, on=on or today, today=today, actor=actor, reason=reason)).version

    def change_guardian(self, child_id: UUID, guardian: Guardian, *, actor: Actor,
                        on: date | None = None, reason: str = "",
                        expected_version: int | None = None) -> int:
        """The entrusted guardian changed (or an earlier entry is corrected)."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.change_guardian(
            guardian, on=on or today, today=today, actor=actor, reason=reason)).version

    def update_profile(self, child_id: UUID, profile: Profile, *, actor: Actor,
                       on: date | None = None, expected_version: int | None = None) -> int:
        """New health, study or psychology notes."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.update_profile(
            profile, on=on or today, today=today, actor=actor)).version

    def change_categories(self, child_id: UUID, categories: Sequence[str], *, actor: Actor,
                          on: date | None = None, reason: str = "",
                          expected_version: int | None = None) -> int:
        """The special-attention categories that apply from ``on``."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.change_categories(
            list(categories), on=on or today, today=today, actor=actor, reason=reason)).version

    def report_concern(self, child_id: UUID, *, kind: str, description: str, actor: Actor,
                       occurred_on: date | None = None,
                       expected_version: int | None = None) -> str:
        """Report an anomaly about the child (情况报告); returns the concern's id."""
        child = self._get(Child, child_id, expected_version)
        concern_id = child.report_concern(kind=kind, description=description,
                                          occurred_on=occurred_on or self.today(),
                                          today=self.today(), actor=actor)
        self._commit(child)
        return concern_id

    def resolve_concern(self, child_id: UUID, concern_id: str, *, action: str, actor: Actor,
                        on: date | None = None, expected_version: int | None = None) -> int:
        """Close a concern with the action taken."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.resolve_concern(
            concern_id, action=action, on=on or today, today=today, actor=actor)).version

    def exit_child(self, child_id: UUID, *, reason: str, actor: Actor, on: date | None = None,
                   expected_version: int | None = None) -> int:
        """The child leaves the programme; the history stays. Its national ID number is
        free again from then (the claim released in the same transaction)."""
        today = self.today()
        child = self._get(Child, child_id, expected_version)
        child.exit(reason=reason, on=on or today, today=today, actor=actor)
        released = self._released(child, reason="exited", on=on or today, actor=actor)
        self._commit(child, *released)
        return self.version_recorded(child_id, child.version)

    def erase_personal_data(self, child_id: UUID, *, reason: str, actor: Actor,
                            on: date | None = None) -> Erasure:
        """Erase the child's personal data (个人信息删除) on a legal ground: the erasure is
        recorded on the child, then its data keys are destroyed (crypto-shredding); the log
        is not rewritten.

        The records merged into the child (重复档案, :func:`~domain.children.merging.absorbed_by`)
        were the same child's: each is erased in the same steps after it, and the records
        merged into those in turn (``absorbed`` names them).

        Idempotent: a second erasure records nothing (``recorded`` is false), and destroys
        the keys again in case a first attempt stopped between the steps; a merged record
        erased already (on its own, or by a first attempt) is not erased twice.
        """
        today = self.today()
        recorded = self._erase(child_id, reason=reason, on=on or today, today=today,
                               actor=actor)
        absorbed = self._absorbed_ever(child_id)
        for record_id in absorbed:
            self._erase(record_id, reason=reason, on=on or today, today=today, actor=actor)
        child = self._get(Child, child_id)
        assert child.erased_on is not None
        return Erasure(child.version, child.erased_on, recorded, absorbed)

    def _erase(self, child_id: UUID, *, reason: str, on: date, today: date,
               actor: Actor) -> bool:
        """One record's erasure: its national ID number's claims forgotten, the erasure
        recorded (unless it was already: then False), its data keys destroyed."""
        self._forget_national_id(child_id, reason=reason, on=on, today=today, actor=actor)
        recorded, _ = self._change_racing(Child, child_id, lambda c: c.erase_personal_data(
            reason=reason, on=on, today=today, actor=actor), refused=DataErased)
        if self.personal_data is not None:
            self.personal_data.shred(child_id)
        return recorded

    def _absorbed_ever(self, child_id: UUID) -> tuple[UUID, ...]:
        """The records merged into the child, and those merged into them, and so on, each
        once, in the order they are found."""
        found: list[UUID] = []
        waiting = [child_id]
        while waiting:
            for record_id in absorbed_by(self._get(Child, waiting.pop(0))):
                if record_id != child_id and record_id not in found:
                    found.append(record_id)
                    waiting.append(record_id)
        return tuple(found)

    def _forget_national_id(self, child_id: UUID, *, reason: str, on: date, today: date,
                            actor: Actor) -> None:
        """Before a child's personal data is erased: its national ID number is released, and
        every claim it held is made to forget whose it was (the claims' keys destroyed), so
        that the number no longer leads to the erased record. An erasure the child's record
        refuses changes no claim."""
        child = self._get(Child, child_id)
        if getattr(child, "erased_on", None) is not None:  # snapshots before it lack it
            return
        claims = self._claims_of(child) + [
            claim for number in self._former_id_numbers(child_id)
            if number != child.id_number for claim in self._claims_held(number, child_id)]
        child.erase_personal_data(reason=reason, on=on, today=today, actor=actor)  # not saved
        for claim in claims:
            claim.forget(on=on, actor=actor)
            self._commit(claim)
        if self.personal_data is not None:
            for claim in claims:
                self.personal_data.shred(claim.id)

    def _former_id_numbers(self, child_id: UUID) -> set[str]:
        """Every national ID number the child's record has held: the one registered, one
        taken from a record merged into it (合并) and each one a correction (更正) put in
        its place."""
        numbers: set[str] = set()
        for recorded in self.events.get(child_id):
            if isinstance(recorded, Child.Registered | Absorbed):
                numbers.add(recorded.id_number)
            elif isinstance(recorded, Child.Corrected) and recorded.field == "id_number":
                numbers.add(recorded.personal_value)
        return numbers

    def _claims_held(self, id_number: str, child_id: UUID) -> list[NationalIdClaim]:
        index = self.national_id_index(id_number)
        if index is None:
            return []
        return [claim for claim in self._claims(index) if claim.held_by(child_id)]


@dataclass(frozen=True)
class Erasure:
    """An erasure as recorded: the child's version, its date, whether this call made it, and
    the records merged into the child that were erased with it."""

    version: int
    erased_on: date
    recorded: bool
    absorbed: tuple[UUID, ...] = ()
