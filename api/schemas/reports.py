"""The quarterly report (季度报送) over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from api.schemas.common import Day, Strict, phone_field

ReportStatus = Literal["queued", "running", "done", "failed"]


def written_instant(value: object) -> object:
    """An instant as a request writes it: ISO 8601 text, never a number of seconds."""
    if isinstance(value, str | datetime):
        return value
    raise PydanticCustomError("datetime_type", "an instant is written ISO 8601 with its "
                              "offset, such as 2026-03-31T12:00:00+08:00")


class ReportIn(Strict):
    kind: Literal["quarterly"] = Field(description="The kind of report: quarterly (季度报送).")
    region_code: str = Field(pattern=r"^\d{2,12}$", examples=["420821"],
                             description="A division-code prefix: the region reported on.")
    year: int = Field(ge=2000, le=9999, examples=[2026])
    quarter: int = Field(ge=1, le=4, examples=[1])
    known_at: Annotated[AwareDatetime, BeforeValidator(written_instant)] | None = Field(
        default=None, description="Report what the register had been told by this instant "
        "(default: now; never later). The same instant gives the same figures, byte for byte.")
    reporting_unit: str = Field(
        default="", max_length=100, examples=["钟祥市妇联"],
        description="Who sends the report upward (报送单位); default: the region's federation, "
        "its name and 妇联 (钟祥市妇联).")
    preparer: str = Field(default="", max_length=50, examples=["王丽"],
                          description="Who prepared it (填报人); empty leaves the blank.")
    preparer_phone: str = phone_field(optional=True)
    reviewer: str = Field(default="", max_length=50, examples=["张敏"],
                          description="Who checked it (审核人); empty leaves the blank.")
    reviewer_phone: str = phone_field(optional=True)
    prepared_on: Day | None = Field(default=None, description="The day it was filled in "
                                    "(填报日期; default: the day it is requested, never later).")


class ActorOut(BaseModel):
    id: str
    role: str


class FileOut(BaseModel):
    name: str = Field(examples=["420821-2026Q1.xlsx"])
    content_type: str
    size: int
    sha256: str
    url: str = Field(description="Where to download it (GET, with the bearer token).")


class ReportQueued(BaseModel):
    id: UUID
    status: Literal["queued"] = "queued"
    kind: str
    region_code: str
    year: int
    quarter: int
    known_at: datetime
    dispatched: bool = Field(description="Whether the report was handed to the background "
                             "workers now; if not (the broker is down), it is recorded and "
                             "queued again within minutes of the broker's return.")
    url: str = Field(description="Where to follow it: GET for its status, figures and files.")


class ReportListed(BaseModel):
    id: UUID
    kind: str
    region_code: str
    year: int
    quarter: int
    known_at: datetime
    status: ReportStatus
    requested_at: datetime
    requested_by: ActorOut
    attempts: int
    finished_at: datetime | None
    position: int | None = Field(description="The event-log position the figures were "
                                 "computed at (once done).")
    figures_sha256: str | None
    failure: str | None
    files: list[FileOut]
    url: str


class DefinitionChangedOut(BaseModel):
    """A figure whose definition changed after the report's ``known_at`` (口径变更)."""

    figure: str = Field(description="The figure's key, dotted for a figure within another "
                        "(duties.monthly_activity).", examples=["pairing_coverage"])
    since: date = Field(description="The day (China's) the new definition took effect.")
    what: str = Field(description="What changed, in Chinese.",
                      examples=["结对覆盖率只计季度末有在岗（未暂停、未取消资格）爱心妈妈结对的留守儿童"])


class SubmissionOut(BaseModel):
    """Who sends the report upward, as its files say at the foot (落款)."""

    reporting_unit: str = Field(description="报送单位.")
    preparer: str = Field(description="填报人 (empty: a blank).")
    preparer_phone: str
    reviewer: str = Field(description="审核人 (empty: a blank).")
    reviewer_phone: str
    prepared_on: date = Field(description="填报日期.")


class ReportOut(ReportListed):
    submission: SubmissionOut
    escalate_after_days: int = Field(description="Days overdue from which a duty counts as "
                                     "escalated in the figures (逾期上报时限).")
    requested_on: date
    started_at: datetime | None
    figures: dict[str, Any] | None = Field(
        description="The figures (once done): meta, totals, townships, schools. The canonical "
        "bytes, whose SHA-256 is figures_sha256, are the .json file.")
    changes: dict[str, Any] | None = Field(
        description="What changed since the previous completed report of the same region and "
        "quarter, known at an earlier instant: the figures that moved, and the late records "
        "(补录) that moved them. None for the first.")
    definitions_changed: list[DefinitionChangedOut] = Field(
        default_factory=list,
        description="The figures whose definition changed after known_at (口径变更): the "
        "report is computed by today's definitions, so a report reproduced at an old known_at "
        "keeps its old figures except these. Empty when none changed since.")
