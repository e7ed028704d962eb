"""Running an import (导入): the kept upload, read row by row into the register, and the
outcome recorded on the import's record. The Celery task and the tests call :func:`run`.

The upload (children's names, ID numbers, phones in clear text) is kept in
``AIXIN_DATA_DIR/imports/<id>.xlsx`` only while it is needed: it is deleted once the run
ends, whatever ends it, except a finished dry run's, kept for its 正式导入 for
``AIXIN_IMPORT_UPLOAD_TTL`` (an hour) and then deleted by the sweep
(:mod:`workers.imports.sweep`), and a run cut short by a transient error, kept for the retry.
A re-delivered task (its worker died) runs the file again: what the first attempt
recorded is ``unchanged``, the rest is recorded now.

A run that fails is recorded ``failed`` with a Chinese message for the clerk; what broke
and where goes to the log, never the error's own text (it may quote the file's cells).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from domain.access.caller import Caller
from domain.access.policy import may_change_child, within_region
from domain.application import CareRegister
from domain.application.imports import ImportView
from domain.imports import HeadersRefused
from domain.users import Role
from projections.places.divisions import division_name
from workers.imports.sheets import NotASpreadsheet, sheet_rows
from workers.reports.generation import TRANSIENT

log = logging.getLogger(__name__)

#: What the clerk reads when a run broke off on an error of the file or of the service.
BROKEN_OFF = "导入中断：读取文件时出错，请检查文件后重新上传"
#: ... and when the service stayed unreachable through every retry.
GAVE_UP = "导入中断：系统暂时无法保存，多次重试后仍未成功，请稍后重新上传"


def upload_path(data_dir: Path, import_id: UUID) -> Path:
    """Where an import's file is kept until it is settled."""
    return data_dir / "imports" / f"{import_id}.xlsx"


@dataclass(frozen=True)
class _Where:
    region_code: str
    school: str


def admits_for(caller: Caller, kind: str) -> Callable[[str, str], bool]:
    """Whether a row at (region_code, school) is within the caller's scope."""
    def admits(region_code: str, school: str) -> bool:
        if kind == "volunteers":
            return caller.role is Role.ADMIN or within_region(caller, region_code)
        return may_change_child(caller, _Where(region_code, school))
    return admits


def division_known(code: str) -> bool:
    """A county-level code on the national list of divisions."""
    return division_name(code) is not None


def run(register: CareRegister, data_dir: Path, import_id: UUID) -> ImportView:
    """Run the import (if not settled yet) and return it as recorded. A transient error
    (the database unreachable) is raised with the file kept for a retry; any other error is
    raised once the file is deleted."""
    if not register.start_import(import_id):
        return register.get_import(import_id)
    record = register.get_import(import_id)
    path = upload_path(data_dir, import_id)
    caller = Caller(record.requested_by.id, Role(record.requested_by.role),
                    record.region_code or None, record.school or None)
    keep = False
    try:
        with sheet_rows(path) as rows:
            outcome = register.import_register(
                record.kind, rows, actor=record.requested_by,
                admits=admits_for(caller, record.kind), division_known=division_known,
                dry_run=record.dry_run)
    except (HeadersRefused, NotASpreadsheet) as refused:
        register.fail_import(import_id, str(refused))
    except FileNotFoundError:
        register.fail_import(import_id, "导入的文件已不在（the uploaded file is gone）")
    except TRANSIENT:
        keep = True  # the task tries again with the same file
        raise
    else:
        register.finish_import(import_id, outcome)
        keep = record.dry_run  # kept a while for its import for real (the console)
    finally:
        if not keep:
            path.unlink(missing_ok=True)
    return register.get_import(import_id)


def attempt(register: CareRegister, data_dir: Path, import_id: UUID, *,
            last: bool) -> ImportView:
    """Run the import as the task does: a transient error is raised for a retry unless this
    is the ``last`` attempt; any other error, or the last attempt's, records the import
    failed (in Chinese, the detail logged) and deletes its file."""
    try:
        return run(register, data_dir, import_id)
    except TRANSIENT as error:
        if not last:
            raise
        log.error("import %s given up after its retries: %s: %s", import_id,
                  type(error).__name__, error,
                  extra={"event": "import_gave_up", "import_id": str(import_id)})
        reason = GAVE_UP
    except Exception as error:
        # What broke and where, never the error's text: it may quote the file's cells.
        log.error("import %s broke off: %s", import_id, type(error).__name__, extra={
            "event": "import_broke_off", "import_id": str(import_id),
            "where": "".join(traceback.format_tb(error.__traceback__)[-4:])})
        reason = BROKEN_OFF
    register.fail_import(import_id, reason)
    upload_path(data_dir, import_id).unlink(missing_ok=True)
    return register.get_import(import_id)
