"""Use cases for the child's record (建档与动态管理)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.application.base import AixinApplication
from domain.application.views import ChildView
from domain.children import Child, Consent, Guardian, Parent, Profile
from domain.common import Actor
from domain.errors import DataErased


class ChildrenService(AixinApplication):
    """Register children, keep their record current, report and resolve concerns."""

    def register_child(
        self, *, actor: Actor, name: str, sex: str, birth_date: date, region_code: str,
        school: str, class_name: str, parents: Sequence[Parent], guardian: Guardian | None,
        consent: Consent | None, categories: Sequence[str] = (),
        registered_on: date | None = None, ethnicity: str = "", id_number: str = "",
        boarding: bool = False, address: str = "", village_contact: str = "",
        income_source: str = "", profile: Profile | None = None,
    ) -> UUID:
        """Register a child (建档) and return its id."""
        today = self.today()
        child = Child.register(
            today=today, actor=actor, name=name, sex=sex, birth_date=birth_date,
            region_code=region_code, school=school.strip(), class_name=class_name.strip(),
            parents=tuple(parents), guardian=guardian, categories=tuple(categories),
            consent=consent, registered_on=registered_on or today, ethnicity=ethnicity,
            id_number=id_number, boarding=boarding, address=address,
            village_contact=village_contact, income_source=income_source, profile=profile)
        self._commit(child)
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
        """The child leaves the programme; the history stays."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.exit(
            reason=reason, on=on or today, today=today, actor=actor)).version

    def erase_personal_data(self, child_id: UUID, *, reason: str, actor: Actor,
                            on: date | None = None) -> Erasure:
        """Erase the child's personal data (个人信息删除) on a legal ground: the erasure is
        recorded on the child, then its data keys are destroyed (crypto-shredding); the log
        is not rewritten.

        Idempotent: a second erasure records nothing (``recorded`` is false), and destroys
        the keys again in case a first attempt stopped between the two steps.
        """
        today = self.today()
        recorded, _ = self._change_racing(Child, child_id, lambda c: c.erase_personal_data(
            reason=reason, on=on or today, today=today, actor=actor), refused=DataErased)
        if self.personal_data is not None:
            self.personal_data.shred(child_id)
        child = self._get(Child, child_id)
        assert child.erased_on is not None
        return Erasure(child.version, child.erased_on, recorded)


@dataclass(frozen=True)
class Erasure:
    """An erasure as recorded: the child's version, its date, and whether this call made it."""

    version: int
    erased_on: date
    recorded: bool
