"""The caller's own work in one answer (``GET /me/work``): what a phone on a slow network
needs to show a caring mother's or a teacher's children, their duties and reminders."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.children import GuardianForVolunteer, ParentForVolunteer, ParentToCall
from api.schemas.pairings import PeriodOut


class Titled(BaseModel):
    """A code of the programme and its Chinese word."""

    code: str
    title: str


class MyDuty(BaseModel):
    """A duty owed to the child today, in the duty engine's own words (``reason``)."""

    name: str
    title: str
    status: Literal["met", "due", "overdue"]
    period: PeriodOut
    last_qualifying_contact: date | None
    overdue_since: date | None
    reason: str
    pairing_id: UUID | None = Field(description="The pairing owing it; null for the school's.")


class MyChild(BaseModel):
    """A child as the caller's role may read it, with its essentials only: never the
    national ID number, the parents' work locations, the family's income or the consent."""

    id: UUID
    version: int
    name: str
    sex: str
    age: int
    school: str
    class_name: str
    address: str
    village_contact: str
    categories: list[Titled]
    guardian: GuardianForVolunteer | None
    parents: list[ParentToCall | ParentForVolunteer] = Field(description=(
        "Each with its `phone` only when the caller's role or duties call for it."))
    pairing_ids: list[UUID] = Field(description="The caller's active pairings with the child "
                                    "(a caring mother records her contacts on one of them).")
    duties: list[MyDuty]


class MyPairing(BaseModel):
    """One of a caring mother's active pairings, with the children it holds."""

    id: UUID
    version: int
    child_ids: list[UUID]
    starts_on: date


class MyReminder(BaseModel):
    """A reminder issued to the caller whose duty is still not met today."""

    id: UUID
    pairing_id: UUID
    child_id: UUID | None
    duty: str
    duty_title: str
    status: Literal["due", "overdue"]
    period: str
    period_title: str = Field(default="", description="The period in words (2026年11月).")
    reason: str
    issued_on: date


class MyWork(BaseModel):
    """Who the caller is and the work before them today."""

    username: str
    role: Literal["volunteer", "school"]
    role_title: str
    school: str | None
    today: date
    timezone: str = Field(description="The programme's time zone, in which `today` is today.")
    records_on: Literal["pairing", "child"] = Field(description=(
        "Where the caller records a contact: on a pairing (`POST /pairings/{id}/contacts`, a "
        "caring mother) or on the child (`POST /children/{id}/contacts`, a teacher)."))
    contact_kinds: list[Titled] = Field(description="The kinds of contact the caller records, "
                                        "the most usual first.")
    concern_kinds: list[Titled]
    children: list[MyChild]
    pairings: list[MyPairing]
    reminders: list[MyReminder]
    truncated: bool = Field(description="More children are in scope than one answer holds "
                            "(the register lists them all).")
