"""Tamper evidence (防篡改): a hash chain over the event log, and anchors of its head.

The chain
    Every stored event, exactly as the store holds it (originator id, version, topic and
    the state bytes: still encrypted when the store encrypts), has a digest, and each
    entry of the chain links that digest to the entry before it::

        digest = SHA-256("aixin.event.v1" | originator id | version | topic | state)
        hash   = SHA-256(previous hash | digest)      (the first follows 32 zero bytes)

    Each field is tagged with its type and sized, so no two different rows encode
    alike, not even rows altered by hand into other types. ``HashChain``
    keeps one entry per log position (notification id): the originator id, version and
    topic it saw there, the digest and the hash. ``projections.audit`` re-reads the log
    and says which event was changed, removed or inserted.

    The log position is kept beside each entry, not hashed into it: the chain is over the
    sequence of events, so a copy restored elsewhere (``aixin import``, where positions
    are given anew) ends on the same head hash as the original. The verification
    compares positions entry by entry, so a row moved to another position is still found
    (removed where it was, inserted where it is).

Why a view, not the write path
    The chain follows the log like the registers, in batches committed with their
    position (a crash resumes exactly, nothing chained twice), so recording an event
    costs nothing more. PostgreSQL's recorder inserts under a table lock, so positions
    commit in order and the chain never passes over a row that commits later: a row that
    appears below the chain's head, at a position the chain saw empty, was put there by
    hand. The price is a window: a row appended behind the application's back after the
    chain's head is taken in as genuine when the chain reaches it (the projector's lag,
    normally under a second). Database permissions close that window; with
    ``AIXIN_CIPHER_KEY`` set, a row forged without the key also fails to decrypt (AES-GCM).

The stored rows
    The runner hands views decoded domain events; the chain needs the bytes as stored,
    so it reads its batch's rows again, raw, from the application's events table
    (``storage.stored_log``): one more SELECT per batch, for this view alone, so the
    runner and the other views are unchanged and not slowed.

Anchors
    Every ``anchor_every`` entries, and on demand (``aixin audit anchor``), the head
    (position, entry number, hash, time) is written to an anchors table beside the event
    log (``careregister_chain_anchors``, named after the application, in the log's own
    database), never with the view: a view can be rebuilt from zero, and a rebuild over an
    altered log would witness the alteration as genuine; the anchors are not rebuilt (the
    first anchor at a position stays), so the verification still finds that the log no
    longer leads to them. An anchor printed by ``aixin audit anchor`` can be kept outside
    the system (the county federation's file) and handed back to
    ``aixin audit verify --anchor``: only an anchor out of the database's reach stands
    against someone who can rewrite the log, the chain and the anchors table together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, ClassVar
from uuid import UUID

from projections.anchors import Anchor, Anchors, utc_now
from projections.events import id_text
from projections.folding import Folded, Folding
from projections.projection import View
from storage.sql import Tx
from storage.stored_log import StoredLog, StoredRow

#: What the first entry of a chain follows.
GENESIS = bytes(32)
#: An anchor every this many entries of the chain.
ANCHOR_EVERY = 1000
_DOMAIN = b"aixin.event.v1\x00"


def event_digest(originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    """The digest of one stored event: its four stored fields, each typed and sized.

    A genuine row is a UUID, an int, a str and bytes; a row altered by hand into other
    types (text for bytes, a NULL) still has a digest, and never that of a genuine row.
    """
    digest = hashlib.sha256(_DOMAIN)
    for value in (originator_id, version, topic, state):
        digest.update(_encoded(value))
    return digest.digest()


def stored_digest(row: StoredRow) -> bytes:
    """:func:`event_digest` of a stored row; a genuine one's fields (a UUID, an int, a str
    and bytes) encoded without asking each what it is."""
    originator, version, topic, state = (row.originator_id, row.originator_version,
                                         row.topic, row.state)
    if (type(originator) is UUID and type(version) is int and type(topic) is str
            and type(state) is bytes and _INT_MIN <= version < _INT_END):
        return hashlib.sha256(b"".join((_DOMAIN, _uuid(originator), _int(version),
                                        _text(topic), _bytes(state)))).digest()
    return event_digest(originator, version, topic, state)


def link(previous: bytes, digest: bytes) -> bytes:
    """The chain's hash of an entry: the previous hash and the entry's digest."""
    return hashlib.sha256(previous + digest).digest()


_INT_MIN, _INT_END = -2**63, 2**63  # the ints encoded as such: those of eight bytes


def _encoded(value: Any) -> bytes:
    if isinstance(value, UUID):
        return _uuid(value)
    if isinstance(value, int) and not isinstance(value, bool) and _INT_MIN <= value < _INT_END:
        return _int(value)
    if isinstance(value, bytes):
        return _bytes(value)
    if isinstance(value, str):
        return _text(value)
    if value is None:
        return b"n"
    other = f"{type(value).__name__}:{value!r}".encode("utf-8", "backslashreplace")
    return b"?" + len(other).to_bytes(8, "big") + other


def _uuid(value: UUID) -> bytes:
    return b"u" + value.bytes


def _int(value: int) -> bytes:
    return b"i" + value.to_bytes(8, "big", signed=True)


def _bytes(value: bytes) -> bytes:
    return b"b" + len(value).to_bytes(8, "big") + value


def _text(value: str) -> bytes:
    text = value.encode("utf-8", "surrogatepass")
    return b"s" + len(text).to_bytes(8, "big") + text


@dataclass(frozen=True)
class ChainHead:
    """The last entry of the chain: where it stands and what it has witnessed."""

    position: int
    seq: int  # entries in the chain up to and including this one
    hash: str


#: The columns of an entry of the chain, in the order :meth:`Links.entries` makes them.
CHAIN_COLUMNS = ("position", "seq", "originator_id", "originator_version", "topic", "digest",
                 "hash")


@dataclass
class Links:
    """The chain from an entry on: the entries of the stored rows that follow it, and the
    anchors they make due. Both the view's batches and its fold from zero
    (:class:`ChainFolding`) make their entries here."""

    seq: int
    previous: bytes
    anchor_every: int = ANCHOR_EVERY
    due: list[Anchor] = field(default_factory=list)

    def entries(self, rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Chain ``rows`` (stored rows, in position order) after the last entry made; each
        entry as a row of ``ic_chain`` (:data:`CHAIN_COLUMNS`)."""
        made = []
        seq, previous = self.seq, self.previous
        for row in rows:
            digest = stored_digest(row)
            previous, seq = link(previous, digest), seq + 1
            made.append((row.id, seq, id_text(row.originator_id), row.originator_version, row.topic,
                         digest.hex(), previous.hex()))
            if seq % self.anchor_every == 0:
                self.due.append(Anchor(row.id, seq, previous.hex(), utc_now(),
                                       f"every {self.anchor_every} entries"))
        self.seq, self.previous = seq, previous
        return made


class ChainFolding(Folding):
    """The chain folded from zero (:mod:`projections.bulk`): the entries of each stretch
    of stored rows are final as soon as they are made, so they are written at once and
    only the last entry is kept."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.links = Links(0, GENESIS, HashChain.anchor_every)

    def fold(self, stored: Sequence[Any], events: Sequence[tuple[int, Any]]) -> Folded:
        entries = self.links.entries(stored)
        if self.links.due:
            Anchors(self.app).add(self.links.due)  # as the view's batches add them
            self.links.due = []
        return {"ic_chain": (CHAIN_COLUMNS, entries)}


class HashChain(View):
    """The hash chain of the register's event log (事件日志哈希链), one entry per position."""

    name = "hash_chain"
    rebuild_cost = 8
    tables = ("ic_chain",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS ic_chain (position BIGINT PRIMARY KEY,"
        " seq BIGINT NOT NULL, originator_id TEXT NOT NULL,"
        " originator_version BIGINT NOT NULL, topic TEXT NOT NULL, digest TEXT NOT NULL,"
        " hash TEXT NOT NULL)",
    )
    anchor_every: ClassVar[int] = ANCHOR_EVERY

    def __init__(self, view: Any, *, app: Any = None) -> None:
        super().__init__(view)
        self.app = app
        self._stored: Sequence[Any] = ()

    def read_along(self, stored: Sequence[Any]) -> None:
        """Keep the batch's stored rows as the runner read them: no second read of the log."""
        self._stored = stored

    @classmethod
    def for_app(cls, recorder: Any, app: Any) -> HashChain:
        return cls(recorder, app=app)

    def apply(self, event: Any, tx: Tx) -> None:
        """Not used: the chain is made of the stored rows, a batch at a time."""
        raise NotImplementedError("the hash chain is applied a batch at a time")

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Chain the stored rows at the batch's positions, after the head."""
        if not events:
            return
        if self.app is None:
            raise RuntimeError("the hash chain reads the stored rows: make it with for_app")
        first, last = events[0][0], events[-1][0]
        rows = [row for row in self._stored if first <= row.id <= last]
        if not rows or rows[0].id != first or rows[-1].id != last or any(
                row.id <= before.id for before, row in pairwise(rows)):
            rows = StoredLog(self.app).rows(first - 1, last, last - first + 1)
        head = chain_head(tx)
        seq, previous = (head.seq, bytes.fromhex(head.hash)) if head else (0, GENESIS)
        links = Links(seq, previous, self.anchor_every)
        tx.append("ic_chain", CHAIN_COLUMNS, links.entries(rows))
        if links.due:
            # Its own transaction beside the log: an anchor states a fact about the log at
            # its position, true whether or not this batch commits (a replay computes the
            # same); a different hash there later is the evidence, so the first stays.
            Anchors(self.app).add(links.due)


def chain_head(tx: Tx) -> ChainHead | None:
    """The chain's last entry, read in the chain view's transaction."""
    row = tx.execute("SELECT position, seq, hash FROM ic_chain"
                     " ORDER BY position DESC LIMIT 1").one()
    return None if row is None else ChainHead(int(row["position"]), int(row["seq"]),
                                              str(row["hash"]))
