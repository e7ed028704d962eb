"""The answer of ``GET /audit/verify``: is the event log intact, and if not, what changed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ChainHeadOut(BaseModel):
    position: int = Field(description="The log position (notification id) of the chain's "
                          "last entry.")
    seq: int = Field(description="Entries in the chain up to it.")
    hash: str = Field(description="The chain's hash there (SHA-256, hex).")


class AnchorOut(BaseModel):
    position: int
    hash: str
    anchored_at: str = Field(description="When the head was written down (UTC).")
    reason: str
    intact: bool = Field(description="Whether the log as it is now still leads to it.")


class AnchorsOut(BaseModel):
    checked: int = Field(description="Anchors compared with the log.")
    broken: list[AnchorOut] = Field(description="Anchors the log no longer leads to.")
    latest: AnchorOut | None = Field(description="The last anchor written down.")


class FindingOut(BaseModel):
    position: int = Field(description="The log position of the event.")
    originator_id: str = Field(description="The record (aggregate) the event belongs to.")
    version: int | None = Field(description="The event's version within its record "
                                "(null if altered into something that is not one).")
    kind: Literal["changed", "removed", "inserted"]
    detail: str = Field(description="What differs from what the chain witnessed.")


class Verification(BaseModel):
    intact: bool = Field(description="No finding, and every anchor holds.")
    checked: int = Field(description="Events compared with their entry in the chain.")
    unchained: int = Field(description="Events recorded after the chain's head: not "
                           "witnessed yet (the chain takes them in as it follows the log).")
    checked_through: int = Field(description="The last log position checked: every event "
                                 "up to it was compared with the chain. `intact` speaks for "
                                 "these; the events after it are not checked yet.")
    log_head: int = Field(description="The log's last position as the verification read it; "
                          "above `checked_through` when the hash chain is behind the log.")
    head: ChainHeadOut | None
    anchors: AnchorsOut
    findings: list[FindingOut] = Field(description="The first findings, in log order.")
    findings_total: int = Field(description="Every finding, beyond the ones listed.")
