"""Erasure of a child's personal data (个人信息删除): the request and its answer."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Lines, Strict


class ErasureIn(Strict):
    """The legal ground for erasing (e.g. the guardian withdrew consent: 撤回同意)."""

    reason: Lines = Field(min_length=1, max_length=2000,
                        examples=["监护人撤回同意，依《个人信息保护法》第四十七条删除"])


class ErasureOut(BaseModel):
    """The erasure as recorded on the child; ``recorded`` is false for a repeat, which
    records nothing new. Every personal field of the child reads ``"[已删除]"`` from now."""

    id: UUID
    version: int
    erased_on: date
    recorded: bool
