"""Verifying the event log against its hash chain (日志完整性校验): intact, or what changed.

The log and the chain are read side by side in position order, a page at a time (memory
stays constant however long the log), and each position falls in one case:

- in both: the row's digest must be the entry's, else the event was **changed** (and the
  fields that differ are named: originator, version, topic, or the stored state);
- in the chain only: the event recorded there was **removed**;
- in the log only, below the chain's head: a row was **inserted** where the chain saw
  none (positions commit in order, so no genuine event lands below the head later);
- in the log only, after the head: not witnessed yet (``unchained``): the chain has not
  reached it, and will take it in as genuine (see ``projections.integrity``).

The answer says how far it checked: ``checked_through`` (the chain's head: every position up
to it was compared) and ``log_head`` (the log's last position); an intact log whose chain is
behind is intact through ``checked_through`` only, the ``unchained`` events after it unchecked.

The chain is also checked against itself: an entry whose hash does not follow from the
one before was rewritten, and its event is reported changed. Last, the hash of the log as
it is now is carried along and compared with every anchor: a chain rebuilt, or rewritten,
over an altered log agrees with it entry by entry, but no longer leads to the anchors
written before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from projections.anchors import Anchor, Anchors, utc_now
from projections.integrity import GENESIS, ChainHead, HashChain, chain_head, link, stored_digest
from storage.recorders import ViewRecorder
from storage.stored_log import StoredLog

Kind = Literal["changed", "removed", "inserted"]
#: Rows read from the log, and chain entries, per page.
PAGE = 1000


@dataclass(frozen=True)
class Finding:
    """One event of the log that is not as the chain witnessed it."""

    position: int
    originator_id: str
    version: int | None  # None: altered into something that is not a version
    kind: Kind
    detail: str

    @classmethod
    def about(cls, row: Any, kind: Kind, detail: str) -> Finding:
        """A finding about a row of the log as it is now."""
        version = row.originator_version
        return cls(row.id, str(row.originator_id),
                   version if isinstance(version, int) else None, kind, detail)


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    intact: bool  # the log as it is now leads to the anchored hash


@dataclass
class Verification:
    """The answer: intact or not, and the evidence."""

    checked: int = 0  # events compared with their chain entry
    unchained: int = 0  # events after the chain's head, not witnessed yet
    head: ChainHead | None = None
    log_head: int = 0  # the log's last position, as the verification read it

    @property
    def checked_through(self) -> int:
        """The last log position checked: every event up to it was compared with the
        chain; those after it (``unchained``) were not, the chain being behind the log."""
        return self.head.position if self.head else 0
    anchors: list[AnchorCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the first ``limit`` of them
    findings_total: int = 0

    @property
    def intact(self) -> bool:
        return self.findings_total == 0 and all(check.intact for check in self.anchors)


@dataclass(frozen=True)
class _Entry:
    position: int
    seq: int
    originator_id: str
    originator_version: int
    topic: str
    digest: str
    hash: str


class LogAudit:
    """The register's event log, its hash chain (the view in service) and the anchors."""

    def __init__(self, app: Any, chain: ViewRecorder, *, page: int = PAGE) -> None:
        self.app = app
        self.chain = chain
        self.anchors = Anchors(app)
        self.page = page

    @classmethod
    def of(cls, runner: Any) -> LogAudit:
        """The audit of a runner's log (``ViewRunner``), on its hash chain."""
        return cls(runner.app, runner.store.recorder(HashChain))

    def head(self) -> ChainHead | None:
        with self.chain.read() as tx:
            return chain_head(tx)

    def anchor(self) -> Anchor | None:
        """Write the chain's head down now (the anchor there, if one was written already)."""
        head = self.head()
        if head is None:
            return None
        self.anchors.add([Anchor(head.position, head.seq, head.hash, utc_now(), "on demand")])
        return self.anchors.at(head.position)

    def verify(self, *, limit: int = 1000, given: Iterable[Anchor] = (),
               on_finding: Callable[[Finding], None] | None = None) -> Verification:
        """Re-read the whole log and compare it with the chain and the anchors.

        ``given`` anchors were kept outside the system; ``on_finding`` hears every finding
        as it is found (the report keeps the first ``limit``).
        """
        result = Verification(head=self.head())
        head = result.head.position if result.head else 0
        anchors = sorted([*self.anchors.all(), *given], key=lambda a: a.position)
        pending = iter(anchors)
        next_anchor = next(pending, None)
        fresh = previous = GENESIS

        def found(finding: Finding) -> None:
            result.findings_total += 1
            if len(result.findings) < limit:
                result.findings.append(finding)
            if on_finding is not None:
                on_finding(finding)

        def settle(before: float) -> None:  # anchors at positions below ``before``
            nonlocal next_anchor
            while next_anchor is not None and next_anchor.position < before:
                result.anchors.append(AnchorCheck(next_anchor, next_anchor.hash == fresh.hex()))
                next_anchor = next(pending, None)

        rows, entries = StoredLog(self.app).scan(page=self.page), self._entries(head)
        row, entry = next(rows, None), next(entries, None)
        while row is not None or entry is not None:
            if entry is not None and (row is None or entry.position < row.id):
                found(Finding(entry.position, entry.originator_id, entry.originator_version,
                              "removed", f"the {_short(entry.topic)} recorded here is gone"))
                previous, entry = bytes.fromhex(entry.hash), next(entries, None)
                continue
            assert row is not None
            settle(row.id)
            digest = stored_digest(row)
            fresh = link(fresh, digest)
            if entry is not None and entry.position == row.id:
                result.checked += 1
                if digest.hex() != entry.digest:
                    found(Finding.about(row, "changed", _differences(entry, row)))
                elif link(previous, digest).hex() != entry.hash:
                    found(Finding.about(row, "changed", "the chain breaks here: its entry's "
                                        "hash does not follow from the entry before (one "
                                        "of them was rewritten)"))
                previous, entry = bytes.fromhex(entry.hash), next(entries, None)
            elif row.id <= head:
                found(Finding.about(row, "inserted",
                                    f"a {_short(row.topic)} where the chain saw no event"))
            else:
                result.unchained += 1
            result.log_head = max(result.log_head, row.id)
            row = next(rows, None)
        settle(float("inf"))
        return result

    def _entries(self, head: int) -> Iterator[_Entry]:
        """The chain's entries up to ``head``, in position order, a page at a time."""
        position = 0
        while position < head:
            with self.chain.read() as tx:
                page = tx.execute(
                    "SELECT position, seq, originator_id, originator_version, topic, digest,"
                    " hash FROM ic_chain WHERE position > ? AND position <= ?"
                    " ORDER BY position LIMIT ?", (position, head, self.page)).all()
            if not page:
                return
            for row in page:
                yield _Entry(int(row["position"]), int(row["seq"]), str(row["originator_id"]),
                             int(row["originator_version"]), str(row["topic"]),
                             str(row["digest"]), str(row["hash"]))
            position = int(page[-1]["position"])


def parse_anchor(text: str) -> Anchor:
    """An anchor kept outside the system, written ``POSITION:HASH``."""
    position, _, digest = (part.strip() for part in text.partition(":"))
    if not position.isdigit() or len(digest) != 64 \
            or digest.strip("0123456789abcdefABCDEF"):
        raise ValueError(f"an anchor is POSITION:HASH (64 hex digits), not {text!r}")
    return Anchor(int(position), 0, digest.lower(), "", "given")


def _differences(entry: _Entry, row: Any) -> str:
    altered = [f"{name} {was} → {now}" for name, was, now in (
        ("originator_id", entry.originator_id, row.originator_id),
        ("originator_version", entry.originator_version, row.originator_version),
        ("topic", entry.topic, row.topic)) if str(was) != str(now)]
    if not altered:
        return "its stored state differs from what the chain witnessed"
    return "altered: " + ", ".join(altered)


def _short(topic: Any) -> str:
    """``domain.children:Child.Registered`` → ``Child.Registered``."""
    return str(topic).rpartition(":")[2] or "event"
