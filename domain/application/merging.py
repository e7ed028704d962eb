"""Use cases for two records of one child (重复档案): merge one into the other, or say that
a likely pair is two children (不是同一人)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.application.national_ids import NationalIdsService
from domain.children import Child
from domain.children.merging import absorbed_by, merge, merged_into, tell_apart
from domain.common import Actor
from domain.errors import NotFound
from domain.national_ids import NationalIdClaim
from domain.pairings import Pairing


@dataclass(frozen=True)
class Merged:
    """A merge as recorded: the surviving record's and the duplicate's new versions."""

    surviving_id: UUID
    surviving_version: int
    duplicate_id: UUID
    duplicate_version: int


class MergingService(NationalIdsService):
    """Merge a second record of a child into the record kept (合并重复档案)."""

    def merge_children(self, surviving_id: UUID, duplicate_id: UUID, *, reason: str,
                       actor: Actor, pairing_ids: Sequence[UUID] = (),
                       expected_version: int | None = None) -> Merged:
        """Merge ``duplicate_id`` into ``surviving_id``: the duplicate leaves the register
        (merged, :class:`~domain.children.merging.MergedInto`) and the survivor absorbs it,
        in one transaction; ``expected_version`` (If-Match) is the survivor's.

        ``pairing_ids`` are the pairings the duplicate was ever in (from the pairings'
        register): while one of them is active, the merge is refused. The duplicate's
        national ID number, if it has one and the survivor none, passes to the survivor
        (its claim released and claimed again for the survivor, saved with the merge)."""
        survivor = self._get(Child, surviving_id, expected_version)
        duplicate = self._get(Child, duplicate_id)
        active = sum(1 for pairing_id in pairing_ids
                     if self._pairing_holds(pairing_id, duplicate_id))
        today = self.today()
        held = [claim for claim in self._claims_of(duplicate) if claim.is_held]
        index = self.national_id_index(duplicate.id_number)
        takes_number = index is not None and self.national_id_index(survivor.id_number) is None
        merge(survivor, duplicate, reason=reason, on=today, today=today, actor=actor,
              active_pairings=active, id_number=duplicate.id_number if takes_number else "")
        moved: list[NationalIdClaim] = []
        for claim in held:
            claim.release(reason="merged", on=today, actor=actor)
            moved.append(claim)
        if takes_number and index is not None:
            tenure = max((claim.tenure + 1 for claim in self._claims(index)), default=0)
            moved.append(NationalIdClaim.claim(index=index, tenure=tenure, holder=survivor.id,
                                               on=today, actor=actor))
        self._commit(survivor, duplicate, *moved)
        return Merged(survivor.id, self.version_recorded(survivor.id, survivor.version),
                      duplicate.id, self.version_recorded(duplicate.id, duplicate.version))

    def tell_children_apart(self, child_id: UUID, other_id: UUID, *, reason: str,
                            actor: Actor) -> int:
        """Record that two records that looked like one child are two children (不是同一人):
        on both, in one transaction; returns ``child_id``'s new version."""
        first, second = self._get(Child, child_id), self._get(Child, other_id)
        tell_apart(first, second, reason=reason, today=self.today(), actor=actor)
        self._commit(first, second)
        return self.version_recorded(child_id, first.version)

    def merged_into(self, child_id: UUID) -> UUID | None:
        """The record ``child_id`` was merged into, if it was (NotFound: no such child)."""
        return merged_into(self._get(Child, child_id))

    def absorbed_records(self, child_id: UUID) -> tuple[UUID, ...]:
        """The records merged into ``child_id``, in the order they were."""
        return absorbed_by(self._get(Child, child_id))

    def _pairing_holds(self, pairing_id: UUID, child_id: UUID) -> bool:
        """Whether the pairing is active with ``child_id`` among its children."""
        try:
            pairing = self._get(Pairing, pairing_id)
        except NotFound:
            return False
        return pairing.is_active and child_id in pairing.child_ids
