"""The sweep of the imports' folder (``workers.imports.sweep``): no uploaded register stays on
disk longer than its import needs it, and an import that stalled is queued again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from tests.imports_support import CHILD_HEADER, child_row, workbook
from tests.workers.test_imports_running import CLERK, TOWNSHIP, requested
from workers.app import create_celery
from workers.imports.running import run, upload_path
from workers.imports.sweep import QUEUED_GRACE, sweep

HOUR = 3600.0


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings("sqlite", import_upload_ttl=HOUR)


@pytest.fixture
def register(settings: Settings) -> Iterator[CareRegister]:
    built = build_register(settings)
    built.name_places([TOWNSHIP], actor=CLERK)
    yield built
    built.close()


def swept(register: CareRegister, settings: Settings, *, later: float = 0.0) -> list[UUID]:
    """Sweep ``later`` seconds from now; the imports it queued again."""
    queued: list[UUID] = []
    sweep(register, settings.data_dir, ttl=settings.import_upload_ttl, queue=queued.append,
          now=time.time() + later)
    return queued


def aged(path: Path, seconds: float) -> Path:
    """``path`` as if written ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def written(path: Path, seconds_ago: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04")
    return aged(path, seconds_ago)


def test_a_dry_runs_file_is_kept_for_an_hour_then_deleted(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
    import_id = requested(register, settings, sheet, dry_run=True)
    run(register, settings.data_dir, import_id)
    kept = upload_path(settings.data_dir, import_id)

    swept(register, settings, later=HOUR - 60)
    assert kept.exists()
    swept(register, settings, later=HOUR + 60)
    assert not kept.exists()


def test_an_upload_a_request_left_behind_is_deleted_once_older_than_an_hour(
        register: CareRegister, settings: Settings) -> None:
    folder = settings.data_dir / "imports"
    underway = written(folder / "upload-k2j4.xlsx", 30)
    left = written(folder / "upload-a8x1.xlsx", HOUR + 60)
    copying = written(folder / "3f1c0b52-8d0e-4b6f-9a51-7d0c7c7f0a11.xlsx.part", HOUR + 60)
    unknown = written(folder / "0c0e1f6e-2b2a-4d55-8f0e-5b8c9d1e2f30.xlsx", HOUR + 60)

    swept(register, settings)

    assert underway.exists()
    assert not left.exists() and not copying.exists() and not unknown.exists()


def test_a_settled_imports_file_left_on_disk_is_deleted(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
    import_id = requested(register, settings, sheet)
    run(register, settings.data_dir, import_id)
    kept = upload_path(settings.data_dir, import_id)
    kept.write_bytes(sheet.read_bytes())  # as a worker killed after recording it would leave

    swept(register, settings)

    assert not kept.exists()


def test_an_import_queued_while_the_broker_was_down_is_queued_again_with_its_file(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
    fresh = requested(register, settings, sheet)
    stalled = requested(register, settings, sheet)
    aged(upload_path(settings.data_dir, stalled), QUEUED_GRACE + 60)

    assert swept(register, settings) == [stalled]
    assert upload_path(settings.data_dir, stalled).exists()
    assert upload_path(settings.data_dir, fresh).exists()


def test_the_schedule_runs_the_imports_sweep(settings: Settings) -> None:
    schedule = create_celery(settings).conf.beat_schedule

    assert schedule["imports-sweep"]["task"] == "aixin.imports.sweep"
    assert schedule["imports-sweep"]["schedule"] <= settings.import_upload_ttl / 2
