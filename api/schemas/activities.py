"""Group activities and aid over HTTP (集体活动, 慰问)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from api.schemas.common import Day, Lines, Strict
from domain.activities import MAX_CHILDREN

#: The kinds held for a group (``domain.activities.GroupActivityKind``).
KindOfGroup = Literal["activity", "festival", "birthday", "material_aid", "tutoring",
                      "counselling"]
KIND_DESCRIPTION = ("What was held for the group: `activity` (集体活动), `festival` (共度节日), "
                    "`birthday` (集体生日), `material_aid` (物资帮扶, 慰问), "
                    "`tutoring` (学业辅导), `counselling` (团体心理辅导).")

#: Money as a text: yuan, and at most two decimal places (分).
YUAN_TEXT = r"^[0-9]{1,7}(\.[0-9]{1,2})?$"


def _yuan(value: object) -> object:
    """Money as sent: a JSON number, or a text of digits with at most two decimal places."""
    if isinstance(value, bool):
        raise ValueError("金额（元）须为数字（an amount of yuan is a number）")
    if isinstance(value, str) and not re.match(YUAN_TEXT, value):
        raise ValueError("金额（元）为数字，最多两位小数（到分），如 1500.50（an amount of yuan "
                         "as a text is digits with at most two decimal places (e.g. 1500.50)）")
    return value


#: Money given, in yuan with at most two decimal places (分): a JSON number or a text.
Yuan = Annotated[Decimal, BeforeValidator(_yuan),
                 Field(ge=0, le=10_000_000, decimal_places=2),
                 WithJsonSchema({"anyOf": [
                     {"type": "number", "minimum": 0, "maximum": 10_000_000, "multipleOf": 0.01},
                     {"type": "string", "pattern": YUAN_TEXT}], "examples": [1500.5]})]


#: Money as answered: a JSON number of yuan (at most two decimal places).
YuanOut = Annotated[Decimal, PlainSerializer(float, return_type=float),
                    WithJsonSchema({"type": "number", "examples": [1500.5]})]


class ActivityCreate(Strict):
    """A group activity or aid held for the children named (集体活动, 慰问)."""

    kind: KindOfGroup = Field(examples=["festival"], description=KIND_DESCRIPTION)
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
