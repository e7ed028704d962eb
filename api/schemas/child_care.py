"""The school's and the staff's own contacts with a child, and every duty owed to the child,
over HTTP (班主任谈心家访, 履职情况)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Day, Lines, Strict
from api.schemas.duty_sets import CONTACT_KIND_DESCRIPTION
from api.schemas.pairings import DutyOut


class ChildContactIn(Strict):
    """A contact outside any pairing: the homeroom teacher's talk (谈心) or home visit (家访),
    a staff visit. Kinds are the programme's contact kinds, as on a pairing."""

    kind: str = Field(min_length=1, max_length=50, examples=["talk"],
                      description=CONTACT_KIND_DESCRIPTION)
    occurred_on: Day | None = None
    notes: Lines = Field(default="", max_length=4000, examples=["谈心，了解近期学习情况"])
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    items: int = Field(default=0, ge=0, le=100000)


class ChildContactCreated(BaseModel):
    id: str
    child_id: UUID
    version: int


class ChildContactListed(BaseModel):
    """A contact recorded on the child itself."""

    id: str
    kind: str
    occurred_on: date
    notes: str
    recorded_by: str
    duration_minutes: int | None
    items: int
    version: int = Field(description="The child's record version (what `If-Match` on the "
                         "child's commands names): a contact never changes once recorded.")


class ChildDutyOut(DutyOut):
    """One duty owed to the child: by one of its pairings, or by its school."""

    pairing_id: UUID | None = Field(description="The pairing that owes the duty; null for the "
                                    "school's duties (班主任职责).")


class ChildDuties(BaseModel):
    on: date
    duties: list[ChildDutyOut]
