"""Who a register's row is about (登记标识), kept as claims that an erasure forgets.

A child imported from a register holds the claim of its row's identity (its name, birth
date and guardian's phone), beside the claim of its national ID number; a volunteer, whether
imported or registered by hand, holds the claim of her name and phone. A claim is named by
a keyed hash of the identity (never by the identity itself) and the claim's tenure, as a
national ID number's claim is (:class:`~domain.national_ids.NationalIdClaim`): of two runs
writing the same identity's claim at once, the event store refuses the second. The record a
claim leads to has an identity drawn at random, so nothing about a record can be computed
from the identity; an erasure makes the claim forget whose it was, and a child who exited or
was erased counts as not on the register, so the row can be imported again.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.application.national_ids import NationalIdsService
from domain.children import Child
from domain.children.merging import merged_into
from domain.common import Actor
from domain.errors import NotFound
from domain.imports.rows import named_identity
from domain.national_ids import NationalIdClaim
from domain.volunteers import Volunteer

#: How many merges in a row are followed to the record that stands for a child.
_MERGES = 20


class RowIdentitiesService(NationalIdsService):
    """The claims of registers' row identities, by a keyed hash of each identity."""

    def row_index(self, row_identity: str) -> str:
        """The keyed hash (HMAC-SHA256 under the blind index's key) a row identity's claims
        are named by."""
        return hmac.digest(self.national_id_key, f"aixin:row:{row_identity}".encode(),
                           "sha256").hex()

    def identity_holder(self, index: str, current: Callable[[UUID], UUID | None]
                        ) -> tuple[UUID | None, int]:
        """The record standing for the identity's holder now (``current`` of the last
        claim's holder; None: none) and the tenure a new holder would take."""
        holder: UUID | None = None
        tenure = 0
        for claim in self._claims(index):
            holder = claim.holder_id if claim.is_held else None
            tenure = claim.tenure + 1
        return (current(holder) if holder is not None else None), tenure

    @staticmethod
    def identity_claim(index: str, tenure: int, holder: UUID, *, on: date,
                       actor: Actor) -> NationalIdClaim:
        """The identity's ``tenure``-th claim, held by ``holder`` from ``on``."""
        return NationalIdClaim.claim(index=index, tenure=tenure, holder=holder, on=on,
                                     actor=actor)

    def child_on_register(self, child_id: UUID) -> UUID | None:
        """The record on the register (recorded, not exited, not erased) that stands for
        the child: the child's own, or the one it was merged into (合并)."""
        for _ in range(_MERGES):
            try:
                child = self._get(Child, child_id)
            except NotFound:
                return None
            survivor = merged_into(child)
            if survivor is None:
                break
            child_id = survivor
        if child.is_active and getattr(child, "erased_on", None) is None:
            return child.id
        return None

    def volunteer_recorded(self, volunteer_id: UUID) -> UUID | None:
        try:
            self._get(Volunteer, volunteer_id)
        except NotFound:
            return None
        return volunteer_id

    def _row_claims_of(self, child_id: UUID) -> list[NationalIdClaim]:
        """The claims of the row identity the child was registered with that it holds."""
        for recorded in self.events.get(child_id):
            if isinstance(recorded, Child.Registered):
                phone = recorded.guardian.phone if recorded.guardian else ""
                index = self.row_index(named_identity(recorded.name, recorded.birth_date, phone))
                return [claim for claim in self._claims(index) if claim.held_by(child_id)]
        return []
