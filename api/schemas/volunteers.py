"""The volunteer registration form and its reviews over HTTP (爱心妈妈登记表)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.codes import DIVISION_CODE
from api.schemas.common import Day, Lines, Strict, phone_field

#: An e-mail address as the volunteer's form takes it, or none (``domain.volunteers.form``).
EMAIL = r"^([^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+)?$"


class VolunteerCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["刘爱华"])
    unit: str = Field(default="", max_length=200, examples=["钟祥市妇联"])
    address: str = Field(default="", max_length=300, examples=["湖北省钟祥市郢中街道"])
    birth_date: Day | None = None
    postal_code: str = Field(default="", max_length=10, examples=["431900"])
    political_status: str = Field(default="", max_length=50, examples=["中共党员"])
    position: str = Field(default="", max_length=100, examples=["干部"])
    phone: str = phone_field(optional=False)
    education: str = Field(default="", max_length=50, examples=["大专"])
    experience: Lines = Field(default="", max_length=4000,
                              examples=["从事妇联工作十年，曾结对帮扶三名留守儿童"])
    email: str = Field(default="", max_length=254, examples=["liuaihua@example.cn"],
                       description="Optional: reminders are e-mailed to it.",
                       json_schema_extra={"pattern": EMAIL})
    region_code: str = Field(examples=["420821"], json_schema_extra={"pattern": DIVISION_CODE})
    applied_on: Day | None = None


class ReviewIn(Strict):
    """One level's opinion. Each level is signed by a different person (一人只签一级意见):
    the reviewing user, or, when an admin keys in a paper form, the person it names in
    ``signed_by``."""

    level: Literal["unit", "county", "city", "province"]
    decision: Literal["approve", "reject"]
    opinion: Lines = Field(default="", max_length=4000, examples=["同意"])
    on: Day | None = None
    signed_by: str | None = Field(
        default=None, max_length=100, examples=["张丽（县妇联）"],
        description="Who signed this opinion on the paper form: given only by an admin "
        "keying the form in (422 from anyone else); the rule that one person signs one "
        "level then applies to the person named.")


class CommendationIn(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["优秀爱心妈妈"])
    on: Day | None = None


class StatusChange(Strict):
    reason: Lines = Field(default="", max_length=2000, examples=["外出学习三个月"])
    on: Day | None = None


class CommendationOut(BaseModel):
    """A commendation (表彰) as recorded: why, and on which day."""

    model_config = ConfigDict(from_attributes=True)

    reason: str
    on: date


class ReviewOut(BaseModel):
    level: str
    decision: str
    opinion: str
    on: date
    signed_by: str | None = Field(
        default=None, description="Who signed the opinion on the paper form, as the admin "
        "who keyed it in named them; null when the reviewing user signed it.")


class VolunteerPublic(BaseModel):
    id: UUID
    version: int
    name: str
    unit: str
    address: str
    birth_date: date | None
    postal_code: str
    political_status: str
    position: str
    phone: str
    education: str
    experience: str
    email: str = ""
    region_code: str
    applied_on: date
    status: str
    status_reason: str
    approval_levels: list[str]
    next_level: str | None
    level_reached: str | None
    reviews: list[ReviewOut]
    commendations: list[CommendationOut]


class VolunteerListed(BaseModel):
    id: UUID
    version: int
    name: str
    region_code: str
    unit: str
    status: str
    level_reached: str | None
    applied_on: date
