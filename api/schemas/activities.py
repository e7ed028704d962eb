"""Group activities and aid over HTTP (集体活动, 慰问)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from api.schemas.common import Day, Lines, Strict
from domain.activities import MAX_CHILDREN, GroupActivityKind

#: The kinds held for a group, as the OpenAPI document lists them.
KindOfGroup = Annotated[str, WithJsonSchema({
    "type": "string", "enum": [kind.value for kind in GroupActivityKind],
    "description": "What was held for the group: `activity` (集体活动), `festival` (共度节日), "
                   "`birthday` (集体生日), `material_aid` (物资帮扶, 慰问), `tutoring` (学业辅导), "
                   "`counselling` (团体心理辅导)."})]

#: Money given, in yuan with at most two decimal places (分): a JSON number or a string.
Yuan = Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=2, examples=[1500.5])]


#: Money as answered: a JSON number of yuan (at most two decimal places).
YuanOut = Annotated[Decimal, PlainSerializer(float, return_type=float),
                    WithJsonSchema({"type": "number", "examples": [1500.5]})]


class ActivityCreate(Strict):
    """A group activity or aid held for the children named (集体活动, 慰问)."""

    kind: KindOfGroup = Field(min_length=1, max_length=50, examples=["festival"])
    title: str = Field(min_length=1, max_length=200, examples=["端午节集体活动"], description=(
        "What was held, in the organiser's words. Not personal: it never names a child."))
    occurred_on: Day | None = Field(default=None, description=(
        "The day it was held (default today): in the past or today, never in the future, and "
        "not before any child named was registered (409 `activity_before_registration`)."))
    child_ids: list[UUID] = Field(min_length=1, max_length=MAX_CHILDREN,
                                  json_schema_extra={"uniqueItems": True}, description=(
        "The children it reached, each once: every one on the register and within the "
        "caller's scope (a child outside it is 404; one who left the programme is 409)."))
    organiser: str = Field(min_length=1, max_length=200, examples=["石牌镇妇联"])
    items: int = Field(default=0, ge=0, le=1_000_000, description="Items given (件), in all.")
    amount_yuan: Yuan = Field(default=Decimal(0), description=(
        "Money given (元), in all: a decimal with at most two places."))


class CancellationIn(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["重复录入"])
    on: Day | None = None


class ActivityPublic(BaseModel):
    """A group activity as the caller may read it."""

    id: UUID
    version: int
    kind: str
    title: str
    occurred_on: date
    child_ids: list[UUID] = Field(description=(
        "The children it reached that the caller may see (a child whose personal data was "
        "erased is no longer listed)."))
    organiser: str
    items: int
    amount_yuan: YuanOut = Field(description="Money given (元), in all.")
    status: Literal["held", "cancelled"]
    cancelled_on: date | None
    cancel_reason: str


class ActivityListed(BaseModel):
    """A group activity in the list of activities (集体活动台账)."""

    id: UUID
    version: int
    kind: str
    title: str
    occurred_on: date
    organiser: str
    items: int
    amount_yuan: YuanOut
    status: Literal["held", "cancelled"]
    children: int = Field(description="How many children it reached in all.")
    child_ids: list[UUID] = Field(description="Those of its children the caller may see.")
