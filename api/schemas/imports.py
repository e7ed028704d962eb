"""Imports of registers from spreadsheets (花名册/登记表导入) as they travel over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.reports import ActorOut

ImportKind = Literal["children", "volunteers"]
ImportStatus = Literal["queued", "running", "done", "failed"]


class RowRefusalOut(BaseModel):
    """A row refused: its number in the sheet (the header is row 1), the column's Chinese
    header ("" where the rule concerns the whole row) and the rule's message."""

    row: int
    column: str
    message: str


class ImportQueued(BaseModel):
    id: UUID
    kind: ImportKind
    dry_run: bool
    status: ImportStatus
    dispatched: bool = Field(description="Whether the job was handed to the workers now; "
                             "false when the broker did not answer.")
    url: str


class ImportOut(BaseModel):
    """An import and, once done, its outcome. ``errors`` is one page of the refused rows
    (``errors_after``, ``errors_limit``); at most the first 1,000 are kept
    (``errors_kept``), ``refused`` counts them all."""

    id: UUID
    kind: ImportKind
    dry_run: bool
    status: ImportStatus
    file_name: str
    size: int
    sha256: str
    requested_by: ActorOut
    requested_on: date
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    rows: int = Field(description="Rows read below the header (blank rows left out).")
    accepted: int = Field(description="Rows recorded (a dry run: that would be recorded).")
    unchanged: int = Field(description="Rows already on the register: nothing recorded.")
    refused: int = Field(description="Rows refused, each in `errors`.")
    errors: list[RowRefusalOut]
    errors_kept: int
    errors_next: int | None = Field(description="`errors_after` for the next page, if any.")
    failure: str = Field(description="Why the import could not run (status `failed`).")
    url: str
