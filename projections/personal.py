"""Personal texts on the registers (a child's or a volunteer's name): kept sealed, found blind.

A register never keeps a name in clear text: it keeps what the register's application's
``personal_data`` (:class:`domain.application.base.PersonalTexts`) makes of it, sealed with
the record's data key, and the blind index entries of its parts for a search by part of a
name. Without field encryption (in-memory tests of the views alone) :class:`InClear` keeps
the texts as they are, through the same code.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.application.base import PersonalTexts
from domain.personal import name_parts, query_parts
from storage.sql import Row


class InClear:
    """Texts kept as they are (no field encryption configured): the index is the parts."""

    def seal_text(self, subject_id: UUID, text: str) -> str:
        return text

    def open_text(self, kept: str) -> str:
        return kept

    def hold_keys(self) -> None:
        """No keys to hold."""

    def blind_tokens(self, text: str) -> list[str]:
        return name_parts(text)

    def blind_query(self, part: str) -> list[str]:
        return query_parts(part)


def opened(rows: list[Row], texts: PersonalTexts, column: str = "name") -> list[Row]:
    """``rows`` read from a register with ``column`` opened by ``texts`` (in place)."""
    for row in rows:
        row[column] = texts.open_text(row[column])
    return rows


def texts_of(app: Any) -> PersonalTexts:
    """How ``app`` (a register application) keeps personal texts on read models."""
    texts: PersonalTexts | None = getattr(app, "personal_data", None)
    return texts if texts is not None else InClear()
