"""Use cases of dynamic management (动态管理): a child moves up or changes school (升学、
转学), moves to another region (迁出), or has a part of its record typed wrong put right
(更正)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from uuid import UUID

from domain.application.known_places import DivisionKnown, KnownPlaces
from domain.application.national_ids import NationalIdsService
from domain.children import Child
from domain.common import Actor
from domain.errors import NotFound, StaleVersion, TransferRule
from domain.national_ids import NationalIdClaim, checked_id_number
from domain.pairings import Pairing


class DynamicManagementService(NationalIdsService, KnownPlaces):
    """Keep a child's school, region and record right as its life and the register change."""

    def change_school(self, child_id: UUID, *, school: str, class_name: str, actor: Actor,
                      on: date | None = None, reason: str = "",
                      expected_version: int | None = None) -> int:
        """升学、转学 within the region: from ``on`` (default today) the child is at ``school``
        in ``class_name``; returns the new version. The record as of an earlier date keeps
        the school it was at then."""
        today = self.today()
        return self._change(Child, child_id, expected_version, lambda c: c.change_school(
            school=school, class_name=class_name, on=on or today, today=today, actor=actor,
            reason=reason)).version

    def transfer_child(self, child_id: UUID, *, region_code: str, reason: str, actor: Actor,
                       pairings: Iterable[UUID] = (), on: date | None = None,
                       school: str = "", class_name: str = "",
                       division_known: DivisionKnown | None = None,
                       expected_version: int | None = None) -> int:
        """迁出: the child moves to another region (``region_code``) from ``on``; returns the
        new version. From then the new region's staff keep the child's record with its whole
        history, and the old region's no longer see it. A move to another county changes
        the school too: ``school`` (with ``class_name``), when given, is recorded from the
        same day in the same transaction.

        ``region_code`` names a known place (迁入地): a county on the national list
        (``division_known``, which every entrypoint passes), a township or village in the
        register of places; another is refused (InvalidRecord, 422) and nothing recorded.

        ``pairings`` are the child's pairings (as the read side lists them). A child still
        paired with caring mothers of the region it leaves is refused (TransferRule, 409):
        the clerk ends those pairings first (结对解除, with its reason), so that no mother
        is left with duties to a child she can no longer reach, and the receiving region
        pairs the child anew."""
        today = self.today()
        child = self._get(Child, child_id, expected_version)
        active = [pairing for pairing in self._pairings(pairings)
                  if pairing.is_active and child_id in pairing.child_ids]
        if active:
            raise TransferRule(
                f"该儿童仍有{len(active)}个进行中的结对，须先解除结对再办理迁出（the child is "
                f"still in {len(active)} active pairing(s) with caring mothers of the region "
                "it leaves; end them first, then transfer the child）")
        day = on or today
        child.transfer(region_code=region_code, on=day, reason=reason, today=today,
                       actor=actor)  # the record's own rules first; nothing saved yet
        self.check_place_known("region_code", region_code, ("迁入地", "the place moved to"),
                               division_known)
        school, class_name = school.strip(), class_name.strip()
        if school and child.school_on(day) != (school, class_name):
            child.change_school(school=school, class_name=class_name, on=day, today=today,
                                actor=actor, reason=reason)
        self._commit(child)
        return self.version_recorded(child_id, child.version)

    def correct_child(self, child_id: UUID, *, field: str, value: str, reason: str,
                      actor: Actor, expected_version: int | None = None) -> int:
        """更正: put right a part of the record typed wrong (``field``: name, sex, birth_date,
        id_number, ethnicity); returns the new version. The record as known before shows
        the old value, as known after the new one, on every date.

        A national ID number moves its claim in the same transaction: the old number is
        released (free to be registered again), the new one claimed; a new number held by
        another child on the register is refused (ChildAlreadyRegistered, 409), and so is a
        number not of the resident ID's shape or whose check character does not agree with its
        digits (InvalidRecord naming ``value``)."""
        today = self.today()
        child = self._get(Child, child_id, expected_version)
        released: list[NationalIdClaim] = []
        if field == "id_number":
            value = checked_id_number("value", value)
            released = self._released(child, reason="corrected", on=today, actor=actor)
        child.correct(field=field, value=value, reason=reason, today=today, actor=actor)
        index = self.national_id_index(child.id_number) if field == "id_number" else None
        if index is None:
            self._commit(child, *released)
            return self.version_recorded(child_id, child.version)
        claim = self._new_claim(index, child.id, on=today, actor=actor)
        try:
            self._commit(child, *released, claim)
        except StaleVersion:  # a registration of the same number came first
            self._new_claim(index, child.id, on=today, actor=actor)
            raise
        return self.version_recorded(child_id, child.version)

    def _pairings(self, pairing_ids: Iterable[UUID]) -> Sequence[Pairing]:
        found = []
        for pairing_id in pairing_ids:
            try:
                found.append(self._get(Pairing, pairing_id))
            except NotFound:
                continue
        return found
