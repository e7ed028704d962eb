"""A national ID number held by one child on the register (身份证号码唯一).

"A child whose national ID number (``id_number``) is already on the register (not exited,
not erased) is 409, saying that the child is already registered." The number is sensitive
(个人敏感信息): it is kept only sealed in the child's own record. What says that a number is
taken is a *claim*, named by a keyed blind index of the number (HMAC-SHA256 under a key of
the deployment, :func:`blind_index`), never by the number: the claim's identity is derived
from the index, so two registrations of one number at the same moment both write the same
claim's first event, and the second is refused by the event store.

A claim is held from the child's registration until the child exits (退出) or its personal
data is erased (个人信息删除): then it is released, and a later registration of the number
takes the claim's next *tenure* (a claim of its own, named by the index and the tenure's
number). Whom a tenure was held by is a personal text (``holder``), sealed with the tenure's
own data key; an erasure destroys that key, so an erased child's number no longer leads to
its record.
"""

from __future__ import annotations

import hmac
import unicodedata
from datetime import date
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor
from domain.errors import DomainError
from domain.personal import ERASED

#: The namespace of the claims' identities (uuid5 of the blind index and the tenure).
CLAIMS = UUID("6f1c1d5e-3b0e-5a53-9c55-0d1c5e1a1d16")


def normalised(id_number: str) -> str:
    """The number as compared: full-width forms folded, spaces left out, the check
    character ``x`` written ``X`` (居民身份证号码的校验码 X)."""
    folded = unicodedata.normalize("NFKC", id_number)
    return "".join(folded.split()).upper()


def blind_index(key: bytes, id_number: str) -> str:
    """The keyed blind index of a national ID number: HMAC-SHA256 of the normalised number,
    hex. Without the key, the index tells nothing of the number."""
    return hmac.digest(key, normalised(id_number).encode(), "sha256").hex()


class ChildAlreadyRegistered(DomainError):
    """身份证号码已在册: "A child whose national ID number (``id_number``) is already on the
    register (not exited, not erased) is 409, saying that the child is already registered."
    ``existing_id`` is the child holding the number: for the caller to show only to whoever
    may read that child's record (the message never names it)."""

    rule = "child_already_registered"

    def __init__(self, existing_id: UUID | None) -> None:
        super().__init__("该身份证号码的儿童已在册（已建档），不能重复登记：同一身份证号码只登记"
                         "一名在册儿童；儿童退出或个人信息删除后，方可再次登记")
        self.existing_id = existing_id


class NationalIdClaim(Aggregate):
    """One tenure of a national ID number on the register: held by one child from its
    registration until it exits or is erased."""

    #: Whom the tenure is held by (the child's id, in hex): sealed with the tenure's own data
    #: key, destroyed when the holder's personal data is erased.
    personal_attributes: ClassVar[frozenset[str]] = frozenset({"holder"})

    @staticmethod
    def id_of(index: str, tenure: int) -> UUID:
        """The identity of the number's ``tenure``-th claim (0 the first)."""
        return uuid5(CLAIMS, f"{index}:{tenure}")

    class Claimed(Aggregate.Created):
        """A child registered with the number holds it (身份证号码登记)."""

        tenure: int
        holder: str
        on: date
        actor: Actor

    @event(Claimed)
    def __init__(self, *, tenure: int, holder: str, on: date, actor: Actor) -> None:
        self.tenure, self.holder, self.on = tenure, holder, on
        self.released_on: date | None = None
        self.release_reason = ""

    @classmethod
    def claim(cls, *, index: str, tenure: int, holder: UUID, on: date,
              actor: Actor) -> NationalIdClaim:
        """The child ``holder`` holds the number (by its blind ``index``) from ``on``."""
        claim: NationalIdClaim = cls._create(
            cls.Claimed, id=cls.id_of(index, tenure), tenure=tenure, holder=holder.hex,
            on=on, actor=actor)
        return claim

    @property
    def is_held(self) -> bool:
        return self.released_on is None

    @property
    def holder_id(self) -> UUID | None:
        """The child who holds (or held) the number; None once its data was erased."""
        try:
            return UUID(self.holder)
        except ValueError:
            return None

    def held_by(self, child_id: UUID) -> bool:
        return self.holder_id == child_id

    def release(self, *, reason: str, on: date, actor: Actor) -> None:
        """The holder exited (退出) or was erased (个人信息删除): the number is free again.
        Releasing a released claim records nothing."""
        if self.is_held:
            self._released(reason=reason, on=on, actor=actor)

    class Released(Aggregate.Event):
        """The child holding the number exited or was erased: the number is free."""

        reason: str
        on: date
        actor: Actor

    @event(Released)
    def _released(self, reason: str, on: date, actor: Actor) -> None:
        self.released_on, self.release_reason = on, reason

    def forget(self, *, on: date, actor: Actor) -> None:
        """The holder's personal data is erased (个人信息删除): the claim, released, forgets
        whose it was. Forgetting twice records nothing."""
        self.release(reason="erased", on=on, actor=actor)
        if self.holder != ERASED:
            self._forgotten(on=on, actor=actor)

    class Forgotten(Aggregate.Event):
        """The holder's personal data was erased: the claim no longer says whose it was."""

        on: date
        actor: Actor

    @event(Forgotten)
    def _forgotten(self, on: date, actor: Actor) -> None:
        self.holder = ERASED
