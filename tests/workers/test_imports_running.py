"""Running an import outside any broker (``workers.imports.running``): the kept upload is
deleted however the run ends, and a run that breaks off is recorded failed in Chinese."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from domain.common import Actor
from tests.imports_support import CHILD_HEADER, TOWNSHIP, child_row, workbook
from workers.imports.running import BROKEN_OFF, GAVE_UP, attempt, run, upload_path

CLERK = Actor(id="clerk-1", role="admin")


class Unreachable(CareRegister):
    """The register whose database stops answering as the rows are saved."""

    def import_register(self, kind: str, rows: Iterable[Sequence[object]],
                        **options: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")


def broken_sheet(path: Path, source: Path) -> Path:
    """``source`` with its sheet's XML cut off in the middle of a row."""
    with zipfile.ZipFile(source) as packed, zipfile.ZipFile(path, "w") as out:
        for part in packed.infolist():
            data = packed.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data[:data.index(b'<row r="3"')] + "<row><c><is><t>王小3<<".encode()
            out.writestr(part, data)
    return path


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings("sqlite")


@pytest.fixture
def register(settings: Settings) -> Iterator[CareRegister]:
    built = build_register(settings)
    built.name_places([TOWNSHIP], actor=CLERK)
    yield built
    built.close()


def requested(register: CareRegister, settings: Settings, sheet: Path, *,
              dry_run: bool = False) -> UUID:
    """An import recorded with ``sheet`` kept as its file, as ``POST /imports`` leaves it."""
    import_id = register.request_import(kind="children", dry_run=dry_run, file_name=sheet.name,
                                        size=sheet.stat().st_size, sha256="", actor=CLERK)
    kept = upload_path(settings.data_dir, import_id)
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(sheet, kept)
    return import_id


def test_a_file_that_breaks_the_run_is_deleted_all_the_same(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    good = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(n) for n in range(1, 4)])
    import_id = requested(register, settings, broken_sheet(tmp_path / "b.xlsx", good))

    with pytest.raises(SyntaxError):  # the sheet's XML, not well-formed
        run(register, settings.data_dir, import_id)

    assert not upload_path(settings.data_dir, import_id).exists()


def test_a_run_that_breaks_off_is_recorded_failed_in_chinese_without_the_cells(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    good = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(n) for n in range(1, 4)])
    import_id = requested(register, settings, broken_sheet(tmp_path / "b.xlsx", good))

    failed = attempt(register, settings.data_dir, import_id, last=False)

    assert (failed.status, failed.failure) == ("failed", BROKEN_OFF)
    assert "王小" not in failed.failure and "Error" not in failed.failure


def test_a_dry_runs_file_is_kept_for_its_import_for_real(
        register: CareRegister, settings: Settings, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
    import_id = requested(register, settings, sheet, dry_run=True)

    assert run(register, settings.data_dir, import_id).status == "done"

    assert upload_path(settings.data_dir, import_id).exists()


def test_a_transient_error_keeps_the_file_for_the_retry(
        settings: Settings, tmp_path: Path) -> None:
    register = build_register(settings, kind=Unreachable)
    try:
        sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
        import_id = requested(register, settings, sheet)

        with pytest.raises(sqlite3.OperationalError):
            attempt(register, settings.data_dir, import_id, last=False)

        assert upload_path(settings.data_dir, import_id).exists()
        assert register.get_import(import_id).status == "running"
    finally:
        register.close()


def test_the_last_retry_of_a_transient_error_records_the_import_failed(
        settings: Settings, tmp_path: Path) -> None:
    register = build_register(settings, kind=Unreachable)
    try:
        sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
        import_id = requested(register, settings, sheet)

        given_up = attempt(register, settings.data_dir, import_id, last=True)

        assert (given_up.status, given_up.failure) == ("failed", GAVE_UP)
        assert not upload_path(settings.data_dir, import_id).exists()
    finally:
        register.close()


def test_a_broken_off_run_logs_what_broke_and_where_but_not_the_cells(
        register: CareRegister, settings: Settings, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    good = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(n) for n in range(1, 4)])
    import_id = requested(register, settings, broken_sheet(tmp_path / "b.xlsx", good))

    attempt(register, settings.data_dir, import_id, last=False)

    logged = [r for r in caplog.records if getattr(r, "event", "") == "import_broke_off"]
    assert logged and "ParseError" in logged[0].getMessage()
    assert str(import_id) in logged[0].getMessage() and "openpyxl" in logged[0].where  # type: ignore[attr-defined]
    assert "王小" not in logged[0].getMessage() + logged[0].where  # type: ignore[attr-defined]
