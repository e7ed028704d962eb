"""Export and restore of the event log (日志导出与恢复): the rows as stored, still encrypted.

The file is JSON lines. The first line is the header, padded with spaces to a fixed
width so that it can be written last, once the body is known, without holding the log
in memory::

    {"format": "aixin-event-log", "version": 1, "application": "CareRegister",
     "exported_at": ..., "count": N, "sha256": <of every byte after the header line>,
     "first_position": ..., "last_position": ..., "chain_hash": <the hash chain's hash
     of the exported rows>, "chain_head": {"position", "hash", "agrees"} or null}

then one line per stored event, in log order: ``{"position", "originator_id",
"originator_version", "topic", "state"}``, the state in base64 exactly as stored, so
encrypted (and compressed) when the store encrypts: the file holds no clear text, and
only a store with the same ``AIXIN_CIPHER_KEY`` can read what it restores. ``chain_head``
is the hash chain's head as the view had witnessed it, and whether the exported rows
still lead to it (``agrees``); ``chain_hash`` is what a restored store's chain ends on.

Snapshots are not exported: they are derived from the events, and the restored store
takes them again as aggregates are saved. Nor are the views, rebuilt from the log
(``aixin projections rebuild all``), nor the chain's anchors (the restored log starts its
own chain, whose head matches ``chain_hash``).

The data keys that seal personal fields go beside the file (``FILE.keys``), still wrapped by
``AIXIN_KEY_ENCRYPTION_KEY``; an erased child's key is there only as its tombstone.

``import_log`` refuses a store that already holds events, and a file whose checksum,
count or chain hash does not match its header, before it inserts anything; then it
inserts through the recorder in batches, keeping every originator version. Positions
are given anew by the store (the same, unless the original had gaps left by writes that
failed). An import that fails half-way leaves the rows inserted so far: empty the store
and import again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from projections.integrity import GENESIS, ChainHead, link, stored_digest
from storage.stored_log import StoredLog, StoredRow

FORMAT = "aixin-event-log"
VERSION = 1
#: The header line's width in bytes (spaces pad it), the newline after it not counted.
HEADER_WIDTH = 1024
#: Events per insert when restoring: one transaction each.
BATCH = 500


class ArchiveError(Exception):
    """The file or the store is not fit for the export or import asked for."""


@dataclass(frozen=True)
class Summary:
    """What was written or restored."""

    count: int
    first_position: int | None
    last_position: int | None
    sha256: str
    chain_hash: str
    #: Whether the exported rows lead to the hash chain's head (None: no chain given).
    chain_agrees: bool | None = None


def export_log(app: Any, path: Path, *, chain_head: ChainHead | None = None) -> Summary:
    """Write ``app``'s event log to ``path`` (atomically: a ``.partial`` file renamed)."""
    partial = path.with_name(path.name + ".partial")
    body, count, fresh = hashlib.sha256(), 0, GENESIS
    first: int | None = None
    last: int | None = None
    agrees: bool | None = None if chain_head is None else False
    try:
        with partial.open("wb") as out:
            out.write(b" " * HEADER_WIDTH + b"\n")  # the header's place, written last
            for row in StoredLog(app).scan():
                line = _line(row)
                body.update(line)
                out.write(line)
                fresh = link(fresh, stored_digest(row))
                count, first, last = count + 1, row.id if first is None else first, row.id
                if chain_head is not None and row.id == chain_head.position:
                    agrees = fresh.hex() == chain_head.hash
            summary = Summary(count, first, last, body.hexdigest(), fresh.hex(), agrees)
            out.seek(0)
            out.write(_header_line(app.name, summary, chain_head))
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _export_keys(app, path)
    return summary


def keys_path(path: Path) -> Path:
    """The data keys beside an export: ``FILE.keys``, each still wrapped by the
    key-encryption key (a destroyed key as its tombstone), so a store restored with the
    same ``AIXIN_KEY_ENCRYPTION_KEY`` reads the personal fields, and an erased child stays
    erased."""
    return path.with_name(path.name + ".keys")


def _export_keys(app: Any, path: Path) -> None:
    vault = getattr(app.personal_data, "keys", None)
    if vault is None:
        return
    target = keys_path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps({"format": "aixin-data-keys", "version": 1,
                                   "keys": vault.export()}))
    partial.replace(target)


def _import_keys(app: Any, path: Path) -> None:
    vault = getattr(app.personal_data, "keys", None)
    source = keys_path(path)
    if vault is None or not source.exists():
        return
    try:
        vault.restore(json.loads(source.read_text())["keys"])
    except Exception as error:  # a wrong key-encryption key fails to unwrap
        raise ArchiveError(f"the data keys in {source.name} do not unwrap with this store's "
                           "AIXIN_KEY_ENCRYPTION_KEY") from error


def _header_line(application: str, summary: Summary, chain_head: ChainHead | None) -> bytes:
    header = json.dumps({
        "format": FORMAT, "version": VERSION, "application": application,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": summary.count, "sha256": summary.sha256,
        "first_position": summary.first_position, "last_position": summary.last_position,
        "chain_hash": summary.chain_hash,
        "chain_head": None if chain_head is None else {
            "position": chain_head.position, "hash": chain_head.hash,
            "agrees": summary.chain_agrees},
    }).encode()
    if len(header) > HEADER_WIDTH:
        raise ArchiveError("the header outgrew its place")
    return header.ljust(HEADER_WIDTH)


def read_header(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return _header(file)


def check_archive(path: Path, application: str) -> dict[str, Any]:
    """Read the whole file once: its header must describe its body exactly."""
    with path.open("rb") as file:
        header = _header(file)
        if header.get("application") != application:
            raise ArchiveError(f"the file holds the log of {header.get('application')!r}, "
                               f"not of {application!r}")
        body, count, fresh = hashlib.sha256(), 0, GENESIS
        for line in file:
            body.update(line)
            count += 1
            fresh = link(fresh, stored_digest(_row(line, count)))
    if body.hexdigest() != header.get("sha256"):
        raise ArchiveError("the file's content does not match its checksum: it is "
                           "damaged or was altered after export")
    if count != header.get("count") or fresh.hex() != header.get("chain_hash"):
        raise ArchiveError("the file's header does not describe its content (count or "
                           "chain hash): it was altered after export")
    return header


def import_log(app: Any, path: Path, *, batch: int = BATCH,
               progress: Callable[[int, int | None], None] | None = None) -> Summary:
    """Restore the log in ``path`` into ``app``'s store, which must hold no event yet;
    ``progress`` is told after each batch how many events of how many are in."""
    header = check_archive(path, app.name)
    if app.recorder.max_notification_id():
        raise ArchiveError("the store already holds events: a log is restored only into "
                           "an empty store")
    _import_keys(app, path)
    positions: list[int] = []  # the first and the last given by the store
    pending: list[StoredEvent] = []
    for number, row in enumerate(_rows(path)):
        event = StoredEvent(originator_id=row.originator_id,
                            originator_version=row.originator_version, topic=row.topic,
                            state=row.state)
        if number == 0:
            _check_decodes(app, event)
        pending.append(event)
        if len(pending) >= batch:
            positions = _insert(app, pending, positions)
            pending = []
            if progress is not None:
                progress(number + 1, int(header["count"]))
    if pending:
        positions = _insert(app, pending, positions)
    if progress is not None:
        progress(int(header["count"]), int(header["count"]))
    return Summary(int(header["count"]), positions[0] if positions else None,
                   positions[-1] if positions else None, str(header["sha256"]),
                   str(header["chain_hash"]))


def _insert(app: Any, events: list[StoredEvent], positions: list[int]) -> list[int]:
    """Insert one batch (one transaction); the first and last positions so far."""
    ids = list(app.recorder.insert_events(events) or ())
    if not ids:
        return positions
    return [positions[0] if positions else ids[0], ids[-1]]


def _check_decodes(app: Any, event: StoredEvent) -> None:
    """The store's settings must read the events (the cipher key above all)."""
    try:
        app.mapper.to_domain_event(event)
    except Exception as error:  # whatever the cipher or the codec raises
        raise ArchiveError("the file's events do not decode with this store's settings; "
                           "is AIXIN_CIPHER_KEY the key of the store they were exported "
                           f"from? ({type(error).__name__}: {error})") from None


def _header(file: BinaryIO) -> dict[str, Any]:
    line = file.readline()
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError("not an Aixin event log export (no header)")
    if header.get("version") != VERSION:
        raise ArchiveError(f"an export of format version {header.get('version')}; this "
                           f"version reads {VERSION}")
    return header


def _rows(path: Path) -> Iterator[StoredRow]:
    with path.open("rb") as file:
        _header(file)
        for number, line in enumerate(file, start=1):
            yield _row(line, number)


def _line(row: StoredRow) -> bytes:
    if not (isinstance(row.originator_id, UUID) and isinstance(row.originator_version, int)
            and isinstance(row.topic, str) and isinstance(row.state, bytes)):
        raise ArchiveError(f"the row at position {row.id} is not an event as the store "
                           "writes one: run `aixin audit verify`")
    record = {"position": row.id, "originator_id": str(row.originator_id),
              "originator_version": row.originator_version, "topic": row.topic,
              "state": base64.b64encode(row.state).decode("ascii")}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _row(line: bytes, number: int) -> StoredRow:
    try:
        record = json.loads(line)
        return StoredRow(int(record["position"]), UUID(record["originator_id"]),
                         int(record["originator_version"]), str(record["topic"]),
                         base64.b64decode(record["state"], validate=True))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ArchiveError(f"event {number} of the file is not readable") from None
