"""Reminders (履职提醒) and the scan that issues them, over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Day, Strict

ReminderStatus = Literal["due", "overdue", "pending", "sending", "delivered", "failed"]


class ScanIn(Strict):
    on: Day | None = Field(default=None, description="The day to scan as of (default today); "
                            "never in the future.")


class ScanQueued(BaseModel):
    id: str = Field(description="The background task's id.")
    status: Literal["queued"] = "queued"
    on: date


class DeliveryOut(BaseModel):
    volunteer_id: UUID
    channel: str = Field(description="email, webhook, or none (no channel reaches them)")
    state: Literal["sending", "retrying", "delivered", "failed"]
    attempts: int
    error: str
    at: datetime


class EscalationOut(BaseModel):
    id: UUID
    on: date


class ReminderOut(BaseModel):
    id: UUID
    pairing_id: UUID
    child_id: UUID | None = Field(description=(
        "The child the reminded duty is owed to (every duty is owed to each child of the "
        "pairing); null for a reminder recorded per pairing, about all its children."))
    child_ids: list[UUID] = Field(description="The children of the pairing.")
    volunteer_ids: list[UUID]
    duty: str
    duty_title: str
    status: Literal["due", "overdue"] = Field(
        description="The duty's status when the reminder was issued: due (soon) or overdue.")
    period: str
    period_start: date
    period_end: date
    overdue_since: date | None
    reason: str
    issued_on: date
    issued_at: datetime
    region_code: str
    delivery: Literal["pending", "sending", "delivered", "failed"]
    deliveries: list[DeliveryOut]
    escalation: EscalationOut | None = Field(
        default=None, description="Set when the duty was escalated (逾期上报) to the federation "
        "while this reminder's period ran.")
