"""What a text in the record may hold (文本字符): no control, invisible or direction-changing
character. Such a character cannot be kept by every store (PostgreSQL refuses NUL in a
text), hides what a text says from the people who read it, or turns it around
(U+202E): a record about a child says plainly what it says.

Tabs and line breaks are kept in texts of several lines (notes, reasons, opinions,
descriptions); every other character below is refused in every text.
"""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from typing import Any

from domain.errors import InvalidRecord

#: C0 controls but tab and line breaks, DEL and C1 controls, the invisible characters
#: (zero-width space, non-joiner, joiner, word joiner, invisible operators, byte-order
#: mark), the direction marks, embeddings, overrides and isolates, the line and paragraph
#: separators, and lone surrogates (no store can encode them).
NEVER = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
         "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff")
_IN_LINES = re.compile(f"[{NEVER}]")
_IN_ONE_LINE = re.compile(f"[{NEVER}\t\n\r]")

_KINDS = (
    (re.compile("[\t\n\r]"), "a tab or line break (换行符), which a text of one line cannot hold"),
    (re.compile("[\x00-\x1f\x7f-\x9f]"), "a control character (控制字符)"),
    (re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"),
     "a character that changes the direction of text (文字方向控制符)"),
    (re.compile("[\u2028\u2029]"), "a line or paragraph separator (U+2028, U+2029)"),
    (re.compile("[\ud800-\udfff]"), "a lone surrogate, which is no character"),
)
RULE = "texts may not hold control, invisible or direction-changing characters " \
       "(不得含有控制字符、不可见字符或文字方向控制符)"


@dataclasses.dataclass(frozen=True)
class Unwritable:
    """A character a text may not hold: which, where (from 1), and what kind it is."""

    code: str
    position: int
    what: str

    def __str__(self) -> str:
        return f"holds U+{self.code} at character {self.position}: {self.what}; {RULE}"


def unwritable(value: str, *, lines: bool = False) -> Unwritable | None:
    """The first character of ``value`` a text may not hold, or None."""
    found = (_IN_LINES if lines else _IN_ONE_LINE).search(value)
    if found is None:
        return None
    character = found.group()
    what = next((kind for pattern, kind in _KINDS if pattern.match(character)),
                "an invisible character (不可见字符)")
    return Unwritable(f"{ord(character):04X}", found.start() + 1, what)


def check_texts(field: str, value: Any) -> None:
    """Refuse (InvalidRecord naming the field) a text anywhere in ``value`` (an event's
    attributes, a value object, a list) holding a character no text may hold; tabs and
    line breaks pass (the field's own rules say whether it has several lines)."""
    if isinstance(value, str):
        if not isinstance(value, Enum) and (found := unwritable(value, lines=True)):
            raise InvalidRecord(field, str(found))
    elif isinstance(value, dict):
        for key, item in value.items():
            check_texts(f"{field}.{key}" if field else str(key), item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_texts(field, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for part in dataclasses.fields(value):
            check_texts(f"{field}.{part.name}" if field else part.name,
                        getattr(value, part.name))


def plain(text: str) -> str:
    """``text`` (built by the system: an error's message, a reason quoted from an older
    record) with every character a text may not hold replaced by U+FFFD, so that what the
    system records about its own work is never refused."""
    return _IN_LINES.sub("\ufffd", text)
