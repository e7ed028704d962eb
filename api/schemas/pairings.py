"""Pairings, contacts and duties over HTTP (结对帮扶)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, WithJsonSchema, computed_field, model_validator

from api.schemas.common import Day, Lines, Strict
from api.schemas.duty_sets import CONTACT_KIND_DESCRIPTION
from domain.duties.periods import period_title
from domain.duties.rules import DUTY_SETS

#: How many of its contacts a pairing shows (its latest); all are listed a page at a time.
CONTACTS_SHOWN = 50


#: The name of a duty rule set in force (the domain checks it and names those it knows).
DutySetName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(DUTY_SETS)})]


class PairingCreate(Strict):
    child_ids: list[UUID] = Field(min_length=1, max_length=50,
                                  json_schema_extra={"uniqueItems": True})
    volunteer_ids: list[UUID] = Field(min_length=1, max_length=20,
                                      json_schema_extra={"uniqueItems": True})
    principle: Literal["nearby", "kin", "need"]
    agreement_signed_on: Day | None = None
    starts_on: Day | None = None
    duty_sets: list[DutySetName] | None = None


class ContactIn(Strict):
    kind: str = Field(min_length=1, max_length=50, examples=["home_visit"],
                      description=CONTACT_KIND_DESCRIPTION)
    occurred_on: Day | None = None
    notes: Lines = Field(default="", max_length=4000, examples=["家访，辅导作业"])
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    items: int = Field(default=0, ge=0, le=100000)
    child_ids: list[UUID] | None = Field(default=None, min_length=1, max_length=50, description=(
        "The children of the pairing the contact concerns (a contact counts only for the "
        "children it names). With one child it defaults to that child; with several it is "
        "required."))


class EndIn(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["孩子随父母迁出"])
    on: Day | None = None


class ContactOut(BaseModel):
    id: str
    kind: str
    occurred_on: date
    notes: str
    duration_minutes: int | None
    items: int
    child_ids: list[UUID] = Field(description=(
        "The children of the pairing the contact concerns; a contact recorded before "
        "contacts named their children concerns every child of its pairing."))


class ContactListed(ContactOut):
    """A contact in the pairing's list of contacts."""

    version: int = Field(description="The pairing's version (what `If-Match` on the "
                         "pairing's commands names): a contact never changes once recorded.")


class ContactCreated(BaseModel):
    id: str
    pairing_id: UUID
    version: int


class PairingPublic(BaseModel):
    """A pairing with its most recent contacts."""

    id: UUID
    version: int
    child_ids: list[UUID]
    volunteer_ids: list[UUID]
    shape: str
    principle: str
    agreement_signed_on: date
    starts_on: date
    duty_sets: list[str]
    status: Literal["active", "ended"]
    ended_on: date | None
    end_reason: str
    contacts: list[ContactOut] = Field(description=(
        f"The most recent contacts (at most {CONTACTS_SHOWN}), by the day they happened, "
        "the latest last; every contact is listed, a page at a time, by "
        "`GET /pairings/{id}/contacts`."))
    contacts_total: int = Field(description="How many contacts the pairing has in all.")


class PairingListed(BaseModel):
    """A pairing in the list of pairings (结对台账): who with whom, and its contacts in sum."""

    id: UUID
    version: int
    status: Literal["active", "ended"]
    principle: str
    shape: str
    child_ids: list[UUID]
    volunteer_ids: list[UUID]
    starts_on: date
    ended_on: date | None
    contacts: int = Field(description="How many contacts the pairing has in all.")
    home_visits: int
    last_contact_on: date | None


class PeriodOut(BaseModel):
    kind: str
    start: date
    end: date
    label: str
    title: str = Field(default="", description=(
        "The period in words: 2026年12月, 2026年第4季度, 2026年秋季学期期中."))

    @model_validator(mode="before")
    @classmethod
    def _titled(cls, data: Any) -> Any:
        """A period read from the duty engine gets its words from the engine's one place."""
        if isinstance(data, dict) and not data.get("title") and "label" in data:
            return {**data, "title": period_title(str(data["label"]),
                                                  term_title=str(data.get("term_title") or ""))}
        return data


class DutyOut(BaseModel):
    child_id: UUID = Field(description="The child the duty is owed to: every duty is owed to "
                           "each child of the pairing.")
    name: str
    title: str
    status: Literal["met", "due", "overdue"]
    period: PeriodOut
    last_qualifying_contact: date | None
    overdue_since: date | None
    reason: str

    @computed_field(description="The period in words, beside its code `period.label`: "  # type: ignore[prop-decorator]
                    "2026年12月, 2026年第4季度, 2026年秋季学期期中.")
    @property
    def period_title(self) -> str:
        return self.period.title


class Duties(BaseModel):
    on: date
    duties: list[DutyOut] = Field(description=(
        "One entry per duty and child: by child in the pairing's order, then by duty."))
