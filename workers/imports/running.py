"""Running an import (导入): the kept upload, read row by row into the register, and the
outcome recorded on the import's record. The Celery task and the tests call :func:`run`.

The upload is kept in ``AIXIN_DATA_DIR/imports/<id>.xlsx`` until the import is settled, then
removed; a dry run's stays until the console imports it for real.
A re-delivered task (its worker died) runs the file again: what the first attempt
recorded is ``unchanged``, the rest is recorded now.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)


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
    """Run the import (if not settled yet) and return it as recorded."""
    if not register.start_import(import_id):
        return register.get_import(import_id)
    record = register.get_import(import_id)
    path = upload_path(data_dir, import_id)
    caller = Caller(record.requested_by.id, Role(record.requested_by.role),
                    record.region_code or None, record.school or None)
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
    else:
        register.finish_import(import_id, outcome)
    if not record.dry_run:  # a dry run's file is kept for its import for real (the console)
        path.unlink(missing_ok=True)
    return register.get_import(import_id)
