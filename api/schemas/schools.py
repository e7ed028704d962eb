"""Schools' enrolment (在校学生数) over HTTP."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.codes import DIVISION_CODE
from api.schemas.common import Day, Lines, Strict

#: A term as the request writes it: 2026秋, 2026年春季学期, or the day it starts (a day of the
#: calendar; the domain checks it with its own message, 422 naming ``term``).
TERM_PATTERN = (r"^20[0-9]{2}(年?[春秋]季?(学期)?|-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
                r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8])))$")


class EnrolmentIn(Strict):
    """A school's pupils in a term (在校学生数), as the school or the federation states them."""

    region_code: str = Field(examples=["420881108"], json_schema_extra={"pattern": DIVISION_CODE},
                             description="Where the school is: the division code of its county, "
                             "township or village (6, 9 or 12 digits); names repeat from "
                             "township to township.")
    school: str = Field(min_length=1, max_length=200, examples=["石牌镇中心小学"])
    term: str = Field(max_length=20, json_schema_extra={"pattern": TERM_PATTERN},
                      examples=["2026秋"],
                      description="The term (学期): 2026秋 (from 1 September), 2026春 (from 1 "
                      "February), or the day the term starts (2026-09-01). The count is in "
                      "force from that day until the next term's.")
    pupils: int = Field(ge=1, le=100_000, examples=[848],
                        description="Pupils enrolled (在校学生数).")
    on: Day | None = Field(default=None, description="The day the count was stated (default "
                           "today; never later).")
    reason: Lines = Field(default="", max_length=500, examples=["开学初漏报插班生，核实后更正"],
                          description="Why a term already counted is counted again (更正原因): "
                          "required to change a count, not needed for a term's first count.")


class EnrolmentOut(BaseModel):
    """What recording a count did."""

    id: UUID = Field(description="The school's enrolment record (one per school where it is).")
    version: int
    recorded: bool = Field(description="False when the same count was already on record for "
                           "the term: nothing was recorded (200 instead of 201).")
    region_code: str
    school: str
    term: str = Field(description="The term as kept: 2026秋, 2026春, or the day it starts.")
    starts_on: date
    pupils: int
    warning: str | None = Field(default=None, description=(
        "In Chinese (with English), when no child on the register in the school's county "
        "attends a school of this name: the count is kept, but the quarterly report finds no "
        "left-behind pupil to divide by it until the children's records name the school so "
        "(a typo in the name, or a school with no left-behind pupil yet)."))


class RecordedBy(BaseModel):
    id: str
    role: str


class EarlierCount(BaseModel):
    """A count of the term that a later one put right (更正前)."""

    pupils: int
    on: date
    reason: str
    recorded_at: str
    recorded_by: RecordedBy


class TermCountOut(BaseModel):
    """A school's count for one term as it stands, with the counts it put right."""

    id: UUID = Field(description="The school's enrolment record.")
    version: int = Field(description="The record's version (every term's counts together).")
    region_code: str
    school: str
    term: str
    starts_on: date
    pupils: int
    on: date = Field(description="The day the count was stated.")
    reason: str = Field(description="Why it put an earlier count right; empty for a first count.")
    recorded_at: str = Field(description="The instant it was recorded (UTC, ISO 8601).")
    recorded_by: RecordedBy
    earlier: list[EarlierCount] = Field(description="Earlier counts of the term, oldest first.")
