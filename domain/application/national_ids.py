"""One national ID number, one child on the register (身份证号码唯一): the claims that say a
number is taken, kept with the registrations, exits and erasures that take and free it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.application.base import AixinApplication
from domain.children import Child
from domain.common import Actor
from domain.errors import NotFound
from domain.national_ids import ChildAlreadyRegistered, NationalIdClaim, blind_index, normalised
from domain.personal import ERASED

#: The blind index's key where the deployment names none (development and tests): anyone can
#: read it here, so it hides nothing. A deployment's key comes from its settings.
DEVELOPMENT_KEY = hashlib.sha256(b"aixin development national ID index: not a secret").digest()

#: How many registered children the backfill reads from the log at a time.
_PAGE = 500


@dataclass
class ClaimsBackfilled:
    """What :meth:`NationalIdsService.claim_national_ids` did: claims made now, children who
    held theirs already, and each duplicate left unclaimed (its id, the holder's id)."""

    claimed: int = 0
    already: int = 0
    duplicates: list[tuple[UUID, UUID | None]] = field(default_factory=list)


class NationalIdsService(AixinApplication):
    """The claims of national ID numbers (:class:`NationalIdClaim`), by their blind index."""

    #: The key of the blind index (HMAC-SHA256); the deployment's, set when it is built.
    national_id_key: bytes = DEVELOPMENT_KEY

    def national_id_index(self, id_number: str) -> str | None:
        """The number's blind index, or None for no number (or an erased one)."""
        number = normalised(id_number or "")
        if not number or number == normalised(ERASED):
            return None
        return blind_index(self.national_id_key, number)

    def _claims(self, index: str) -> Iterator[NationalIdClaim]:
        """The number's claims, tenure by tenure, the current one last."""
        for tenure in count():
            try:
                yield self._get(NationalIdClaim, NationalIdClaim.id_of(index, tenure))
            except NotFound:
                return

    def _new_claim(self, index: str, child_id: UUID, *, on: date,
                   actor: Actor) -> NationalIdClaim:
        """The number's next tenure, held by ``child_id``; ChildAlreadyRegistered while
        another child on the register holds it."""
        tenure = 0
        for claim in self._claims(index):
            if claim.is_held and not claim.held_by(child_id):
                raise ChildAlreadyRegistered(claim.holder_id)
            tenure = claim.tenure + 1
        return NationalIdClaim.claim(index=index, tenure=tenure, holder=child_id, on=on,
                                     actor=actor)

    def _claims_of(self, child: Child) -> list[NationalIdClaim]:
        """Every tenure of the child's number the child held (none once it is erased)."""
        index = self.national_id_index(child.id_number)
        if index is None:
            return []
        return [claim for claim in self._claims(index) if claim.held_by(child.id)]

    def _released(self, child: Child, *, reason: str, on: date,
                  actor: Actor) -> list[NationalIdClaim]:
        """The child's held claim, released (to be saved with the child's change)."""
        released = []
        for claim in self._claims_of(child):
            if claim.is_held:
                claim.release(reason=reason, on=on, actor=actor)
                released.append(claim)
        return released

    def claim_national_ids(self, *, actor: Actor) -> ClaimsBackfilled:
        """Give every child on the register (not exited, not erased) with a national ID
        number the claim of its number, where a record from before the claims has none.

        Idempotent. Of children registered with the same number, the one registered first
        (by ``registered_on``, then by its place in the log) keeps the claim; the others are
        reported as duplicates and left for staff to put right."""
        done = ClaimsBackfilled()
        for _, record in sorted(self._registered_children(), key=lambda c: c[0]):
            index = self.national_id_index(record.id_number)
            if (index is None or not record.is_active
                    or getattr(record, "erased_on", None) is not None):
                continue
            held = [claim for claim in self._claims(index) if claim.is_held]
            if any(claim.held_by(record.id) for claim in held):
                done.already += 1
            elif held:
                done.duplicates.append((record.id, held[-1].holder_id))
            else:
                self._commit(self._new_claim(index, record.id, on=record.registered_on,
                                             actor=actor))
                done.claimed += 1
        return done

    def _registered_children(self) -> Iterator[tuple[tuple[date, int], Child]]:
        topic = get_topic(Child.Registered)
        start: int | None = None
        while True:
            page = self.recorder.select_notifications(start=start, limit=_PAGE, topics=[topic])
            for notification in page:
                child = self._get(Child, UUID(str(notification.originator_id)))
                yield (child.registered_on, notification.id), child
            if len(page) < _PAGE:
                return
            start = page[-1].id + 1
