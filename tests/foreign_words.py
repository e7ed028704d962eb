"""What a person reads must be Chinese: a check for the words that are not (a figure's dotted
key, a register's code, an English word), used on the console's pages and the report's files.
"""

from __future__ import annotations

import re

#: What a page or a file may show in Latin letters: ids, file names and hashes (and, given to
#: :func:`foreign_words`, the names of the accounts: data people typed in).
_ALLOWED = (
    re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"),  # a record's id
    re.compile(r"[\w.-]+\.(xlsx|docx|json)"),  # a report's file
    re.compile(r"(?=[a-f]*[0-9])[0-9a-f]{6,}"),  # a hash, or its head
)
_KEY = re.compile(r"[a-z_]+\.[a-z_]+")
#: A run of Latin letters, digits, dots, hyphens and underscores: a word, an id or a file name.
_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")


def foreign_words(text: str, names: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The figure keys and Latin-letter words in ``text`` that are not ids, file names,
    hashes or the accounts' names."""
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group(0).strip(".-")
        if not re.search(r"[A-Za-z]", token) or token in names:
            continue
        if _KEY.search(token) or not any(p.fullmatch(token) for p in _ALLOWED):
            found.append(token)
    return found
