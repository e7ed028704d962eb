"""The work-lists' items (待办清单): a child to act on and why, with what the list knows."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field


class CarerOut(BaseModel):
    """A caring mother an item names (结对帮扶人): whom to call about the duty."""

    id: UUID
    name: str = Field(description="Her name; empty when you may not know her.")
    phone: str = Field(description="Her phone; empty when you may not know her.")


class WorkItem(BaseModel):
    """One item of a work-list: the child, the reason in Chinese, and the facts behind it
    (the fields a list does not know are absent or null)."""

    child_id: UUID
    reason: str = Field(examples=["2027-01-03 年满 16 周岁（还有 28 天）"])
    name: str = Field("", description="The child's name (姓名).")
    region_code: str | None = None
    school: str | None = None
    class_name: str | None = None
    birth_date: date | None = None
    registered_on: date | None = None
    turns_16_on: date | None = Field(None, description="turning_16: the sixteenth birthday.")
    days_left: int | None = Field(None, description="turning_16: days until it, from `on`.")
    pairing_id: UUID | None = Field(None, description="overdue_duties: the pairing owing it.")
    duty: str | None = Field(None, description="overdue_duties: the duty's name.")
    title: str | None = Field(None, description="overdue_duties: the duty in Chinese.")
    period: str | None = Field(None, description="overdue_duties: the period it is owed for.")
    overdue_since: date | None = None
    volunteer_ids: list[UUID] | None = Field(
        None, description="overdue_duties: the caring mothers who owe it.")
    volunteers: list[CarerOut] | None = Field(None, description=(
        "overdue_duties: the caring mothers who owe it (结对帮扶人), each named with her "
        "phone when you may know her: you read her form, or you keep the records of the "
        "child she is paired with (a township's staff know whom to call about the children "
        "of their township, wherever she is registered)."))
    concern_id: str | None = Field(None, description="open_concerns: the concern (情况报告).")
    kind: str | None = Field(None, description="open_concerns: what kind of concern.")
    occurred_on: date | None = Field(None, description="open_concerns: the day it happened.")
