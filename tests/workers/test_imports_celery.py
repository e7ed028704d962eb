"""An import run by a real Celery worker on Redis and PostgreSQL: the task reads the kept file
and records the outcome on the import's record."""

from __future__ import annotations

import shutil
from pathlib import Path

from celery import Celery

from aixin.bootstrap import build_register
from domain.common import Actor
from tests.imports_support import CHILD_HEADER, TOWNSHIP, child_row, workbook
from tests.waiting import wait_until
from tests.workers.conftest import Workers
from tests.workers.test_imports_running import broken_sheet, requested
from tests.workers.test_imports_sweep import aged
from workers.imports.running import BROKEN_OFF, upload_path
from workers.imports.sweep import QUEUED_GRACE

CLERK = Actor(id="clerk-1", role="admin")


def test_a_worker_imports_the_kept_file_and_records_the_outcome(
        workers: Workers, celery: Celery, tmp_path: Path) -> None:
    register = build_register(workers.settings)
    try:
        register.name_places([TOWNSHIP], actor=CLERK)
        sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                         [child_row(1), child_row(2, 出生日期="2099-01-01"), child_row(3)])
        import_id = register.request_import(kind="children", dry_run=False, file_name="a.xlsx",
                                            size=sheet.stat().st_size, sha256="", actor=CLERK)
        kept = upload_path(workers.settings.data_dir, import_id)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sheet, kept)
        workers.start("--queues=imports")

        celery.send_task("aixin.imports.run", args=(str(import_id),))

        wait_until(lambda: register.get_import(import_id).status == "done", within=60,
                   what="the import done by the worker")
        done = register.get_import(import_id)
        assert (done.rows, done.accepted, done.refused) == (3, 2, 1)
        assert done.errors[0][:2] == (3, "出生日期")
        assert not kept.exists()
    finally:
        register.close()


def test_an_import_recorded_while_the_broker_was_down_is_queued_again_by_the_sweep(
        workers: Workers, celery: Celery, tmp_path: Path) -> None:
    register = build_register(workers.settings)
    try:
        register.name_places([TOWNSHIP], actor=CLERK)
        sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
        import_id = requested(register, workers.settings, sheet)  # never sent to the broker
        kept = aged(upload_path(workers.settings.data_dir, import_id), QUEUED_GRACE + 60)
        workers.start("--queues=imports")

        celery.send_task("aixin.imports.sweep")

        wait_until(lambda: register.get_import(import_id).status == "done", within=60,
                   what="the stalled import done by the worker")
        assert register.get_import(import_id).accepted == 1 and not kept.exists()
    finally:
        register.close()


def test_a_file_that_breaks_the_run_is_recorded_failed_in_chinese_and_deleted(
        workers: Workers, celery: Celery, tmp_path: Path) -> None:
    register = build_register(workers.settings)
    try:
        good = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(n) for n in range(1, 4)])
        import_id = requested(register, workers.settings,
                              broken_sheet(tmp_path / "b.xlsx", good))
        workers.start("--queues=imports")

        celery.send_task("aixin.imports.run", args=(str(import_id),))

        wait_until(lambda: register.get_import(import_id).status == "failed", within=60,
                   what="the import recorded failed by the worker")
        assert register.get_import(import_id).failure == BROKEN_OFF
        assert not upload_path(workers.settings.data_dir, import_id).exists()
    finally:
        register.close()
