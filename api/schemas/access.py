"""Break-glass access (紧急调阅) over HTTP: the request, the grant, and the auditors' list."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Lines, Strict
from domain.access import MIN_REASON


class BreakGlassIn(Strict):
    reason: Lines = Field(min_length=MIN_REASON, max_length=2000,
                        description=f"Why the record must be read now (at least {MIN_REASON} "
                        "characters); it goes on the child's timeline and to the auditors.",
                        examples=["接到县公安局通报，该儿童离家出走，需立即联系监护人"])


class BreakGlassOut(BaseModel):
    """A grant in force: the caller may read the child's record and history until
    ``expires_at``; every read is recorded with the grant's id."""

    id: UUID = Field(description="The grant's record: reads under it carry this id.")
    version: int
    child_id: UUID
    reason: str
    expires_at: datetime


class BreakGlassUse(BaseModel):
    """One use of break-glass access, for auditors (督导审计)."""

    position: int = Field(description="The grant's position in the log; the page cursor.")
    grant_id: UUID
    child_id: UUID
    user_id: str
    username: str | None = Field(description="The account's username (null if unknown).")
    role: str
    reason: str
    minutes: int
    granted_at: datetime
    expires_at: datetime
    reads: int = Field(description="Reads of the child's record or history made under it.")


class ReaderOut(BaseModel):
    """One reader of children's records in the year: how often, which children, why."""

    user_id: str
    username: str | None
    role: str
    reads: int
    children: list[str]
    what: dict[str, int] = Field(description="Reads by what was read (`record`, `history`).")
    break_glass_reads: int
    reasons: list[str] = Field(description="Reasons stated (break-glass); none: within duty.")


class AccessOut(BaseModel):
    reads: int
    children_read: int
    readers: list[ReaderOut]


class GlassUseOut(BaseModel):
    grant_id: str
    child_id: str
    user_id: str
    username: str | None
    reason: str
    minutes: int
    granted_at: str
    expires_at: str
    reads: int


class GlassOut(BaseModel):
    uses: int
    items: list[GlassUseOut]


class ErasureOut(BaseModel):
    child_id: str
    reason: str
    on: str
    by: str | None


class ErasuresOut(BaseModel):
    count: int
    items: list[ErasureOut]


class EscalationOut(BaseModel):
    escalation_id: str
    pairing_id: str
    child_ids: list[str]
    volunteer_ids: list[str]
    region_code: str
    duty: str
    duty_title: str
    overdue_since: str
    days_overdue: int
    raised_on: str


class OverdueDutyOut(BaseModel):
    duty: str
    duty_title: str
    reminders: int


class BreachesOut(BaseModel):
    escalations: int = Field(description="Duties overdue long enough to be flagged to the "
                             "federation (逾期上报), raised in the year.")
    items: list[EscalationOut]
    overdue_reminders: int
    overdue_by_duty: list[OverdueDutyOut]


class KeyRotationOut(BaseModel):
    key: str
    at: str
    reason: str


class KeyRotationsOut(BaseModel):
    count: int
    items: list[KeyRotationOut]
    recorded: bool = Field(description="Whether the system records key rotations at all.")


class PeriodOut(BaseModel):
    from_: str = Field(alias="from")
    to: str


class ComplianceAuditOut(BaseModel):
    """The annual compliance audit (年度合规审计); the same year always gives the same
    answer (``digest``: SHA-256 of the rest). ``aixin compliance-audit`` writes it as a
    document in Chinese."""

    year: int
    timezone: str
    period: PeriodOut
    access: AccessOut
    break_glass: GlassOut
    erasures: ErasuresOut
    duty_breaches: BreachesOut
    key_rotations: KeyRotationsOut
    digest: str
