"""What a pairing is made of and what it records: shapes, principles, contacts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from domain.common import contact_amounts


class Principle(StrEnum):
    """Matching principle: nearby (就近), kin (就亲), by need (分类)."""

    NEARBY = "nearby"
    KIN = "kin"
    NEED = "need"


class PairingShape(StrEnum):
    """一对一 / 多帮一 / 一对多."""

    ONE_TO_ONE = "one_to_one"
    MANY_TO_ONE = "many_to_one"
    ONE_TO_MANY = "one_to_many"

    @classmethod
    def of(cls, children: int, volunteers: int) -> PairingShape:
        """Several volunteers to one child (多帮一), one volunteer to several children (一对多),
        or one to one (一对一)."""
        if volunteers > 1:
            return cls.MANY_TO_ONE
        if children > 1:
            return cls.ONE_TO_MANY
        return cls.ONE_TO_ONE


@dataclass(frozen=True)
class Contact:
    """A contact or visit (联系/走访) as recorded: when it happened, what was given, and the
    children of the pairing it concerns.

    "A contact counts only for the children it names." ``child_ids`` names them; a contact
    recorded before contacts named their children is read with none named (``()``), and
    concerns every child of its pairing (:meth:`concerns` is the one place that says so).
    """

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    id: str
    kind: str
    occurred_on: date
    notes: str
    recorded_by: str
    duration_minutes: int | None = None
    items: int = 0
    child_ids: tuple[UUID, ...] = ()

    def concerns(self, pairing_child_ids: Sequence[UUID]) -> tuple[UUID, ...]:
        """The children this contact concerns (联系涉及的孩子): those it names, or, for a
        contact that names none (recorded before contacts named their children), every
        child of its pairing, given as ``pairing_child_ids``."""
        return self.child_ids if self.child_ids else tuple(pairing_child_ids)

    def __post_init__(self) -> None:
        contact_amounts(self.duration_minutes, self.items)

    def __deepcopy__(self, memo: dict[int, object]) -> Contact:
        """Itself: a recorded contact never changes (frozen, of immutable values), so the
        copy of its pairing that a command works on shares it rather than copying it, value
        by value, on every command (two years of contacts on a pairing made that copy most
        of the cost of recording the next one)."""
        return self
