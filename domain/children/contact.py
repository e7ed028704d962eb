"""A contact recorded on the child's own record, outside any pairing (班主任谈心、家访).

The homeroom teacher talks with each left-behind pupil (谈心, with a record card: 谈心记录卡) and
visits the home (家访); federation staff visit too. These contacts are the school's and the
staff's own work: they belong to no pairing and count for no caring mother's duties, only for
the duties the school owes the child (:mod:`domain.duties.school`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from domain.common import contact_amounts


@dataclass(frozen=True)
class ChildContact:
    """A talk, a home visit or another contact with the child, as recorded by staff."""

    #: Personal (个人信息): sealed with the child's data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    id: str
    kind: str
    occurred_on: date
    notes: str
    recorded_by: str
    duration_minutes: int | None = None
    items: int = 0

    def __post_init__(self) -> None:
        contact_amounts(self.duration_minutes, self.items)
