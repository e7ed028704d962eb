"""The sweep of the imports' folder (导入文件清理), run by the schedule every few minutes.

An uploaded register holds children's names, ID numbers and phones in clear text, outside the
sealed log and beyond any erasure, so no file stays longer than its import needs it:

- an import's file (``<id>.xlsx``) is deleted once the import is settled, except a finished
  dry run's, kept ``ttl`` seconds after it finished for its 正式导入 (the console);
- an upload left behind by a request that broke off (``upload-*.xlsx``, ``*.part``, or a file
  no import names) is deleted once older than ``ttl``;
- an import still ``queued`` a while after it was requested (the broker was down when it
  was), or ``running`` long past any run's length (its worker died), is queued again: a run
  again records nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from domain.application import CareRegister
from domain.errors import NotFound

log = logging.getLogger(__name__)

#: An import still queued this long after its file was kept is queued again.
QUEUED_GRACE = 10 * 60.0
#: An import whose run started this long ago and has not ended is presumed abandoned.
RUNNING_GRACE = 2 * 3600.0


def sweep(register: CareRegister, data_dir: Path, *, ttl: float,
          queue: Callable[[UUID], object], now: float | None = None) -> dict[str, list[str]]:
    """Delete the uploads no longer needed and queue again the imports that stalled; what
    was done (file names deleted, import ids queued)."""
    folder = data_dir / "imports"
    at = time.time() if now is None else now
    deleted: list[str] = []
    queued: list[str] = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        if not path.is_file():
            continue
        age = at - path.stat().st_mtime
        if _needed(register, path, age=age, ttl=ttl, now=at, stalled=queued):
            continue
        path.unlink(missing_ok=True)
        deleted.append(path.name)
    for import_id in queued:
        queue(UUID(import_id))
    if deleted or queued:
        log.info("imports sweep: %d files deleted, %d imports queued again", len(deleted),
                 len(queued))
    return {"deleted": deleted, "queued": queued}


def _needed(register: CareRegister, path: Path, *, age: float, ttl: float, now: float,
            stalled: list[str]) -> bool:
    """Whether the file is still needed (and, if its import stalled, note it to queue)."""
    import_id = _import_of(path)
    if import_id is None:  # an upload of a request under way, or one that broke off
        return age <= ttl
    try:
        found = register.get_import(import_id)
    except NotFound:
        return age <= ttl
    if found.status == "queued":
        if age > QUEUED_GRACE:
            stalled.append(str(import_id))
        return True
    if found.status == "running":
        started = found.started_at.timestamp() if found.started_at else now - age
        if now - started > RUNNING_GRACE:
            stalled.append(str(import_id))
        return True
    finished = found.finished_at.timestamp() if found.finished_at else now
    return found.dry_run and found.status == "done" and now - finished <= ttl


def _import_of(path: Path) -> UUID | None:
    if path.suffix != ".xlsx":
        return None
    try:
        return UUID(path.stem)
    except ValueError:
        return None
