"""``aixin import-register FILE --kind children|volunteers [--dry-run]`` on the embedded store."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from aixin.bootstrap import build_register
from aixin.commands import app
from aixin.settings import Settings
from domain.common import SYSTEM
from tests.imports_support import CHILD_HEADER, TOWNSHIP, child_row, workbook


def aixin(data: Path, *args: str) -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data)}
    return CliRunner().invoke(app, list(args), env=env)


def _named(data: Path) -> None:
    register = build_register(Settings(store="sqlite", data_dir=data))  # type: ignore[call-arg]
    try:
        register.name_places([TOWNSHIP], actor=SYSTEM)
    finally:
        register.close()


def test_the_command_prints_the_counts_and_the_refused_rows_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "var"
    _named(data)
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                     [child_row(1), child_row(2, 性别="未知")])

    result = aixin(data, "import-register", str(sheet), "--kind", "children")

    assert result.exit_code == 1, result.output
    assert "accepted 导入: 1" in result.output and "refused 未导入: 1" in result.output
    assert "第3行\t性别" in result.output


def test_a_dry_run_then_the_same_file_twice_records_each_row_once(tmp_path: Path) -> None:
    data = tmp_path / "var"
    _named(data)
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1), child_row(2)])

    dry = aixin(data, "import-register", str(sheet), "--kind", "children", "--dry-run")
    real = aixin(data, "import-register", str(sheet), "--kind", "children")
    again = aixin(data, "import-register", str(sheet), "--kind", "children")

    assert dry.exit_code == real.exit_code == again.exit_code == 0, dry.output + real.output
    assert "accepted 导入: 2" in dry.output and "未记录" in dry.output
    assert "accepted 导入: 2" in real.output
    assert "accepted 导入: 0; unchanged 已有: 2" in again.output


def test_a_sheet_with_wrong_headers_is_refused_whole(tmp_path: Path) -> None:
    data = tmp_path / "var"
    sheet = workbook(tmp_path / "a.xlsx", ["姓名", "备注"], [["王小花", "x"]])

    result = aixin(data, "import-register", str(sheet), "--kind", "children")

    assert result.exit_code == 2 and "备注" in result.output
