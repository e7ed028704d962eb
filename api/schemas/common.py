"""Shapes shared by every resource: created responses, pages, reasons."""

from __future__ import annotations

from datetime import date
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Strict(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Created(BaseModel):
    id: UUID
    version: int


class Changed(BaseModel):
    id: UUID
    version: int


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next`` back as ``after`` for the following page."""

    items: list[T]
    next: str | None = None


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=2000, examples=["半年未履行帮扶职责"])
    on: date | None = None
