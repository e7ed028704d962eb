"""``aixin places load FILE``: an admin names the county's townships and villages from a
spreadsheet (地名表, columns 区划代码 and 名称); the demo county fills the same register."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner, Result

from aixin.bootstrap import build_register, build_runner
from aixin.commands import app
from aixin.demo.build import build_demo
from aixin.settings import Settings
from projections.places.names import place_names
from tests.builders import TODAY


def aixin(data: Path, *args: str) -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data)}
    return CliRunner().invoke(app, list(args), env=env)


def sheet(path: Path, *rows: tuple[object, object]) -> Path:
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["钟祥市乡镇、村名录"])
    page.append(["序号", "区划代码", "名称"])
    for number, (code, name) in enumerate(rows, 1):
        page.append([number, code, name])
    book.save(path)
    return path


def names_in(data: Path, *codes: str) -> list[str]:
    settings = Settings(store="sqlite", data_dir=data)  # type: ignore[arg-type]
    register = build_register(settings)
    runner = build_runner(settings, register)
    try:
        runner.catch_up_all()
        names = place_names(runner)
        return [names.name(code) for code in codes]
    finally:
        runner.store.close()
        register.close()


def test_a_sheet_names_its_places_once_however_often_it_is_loaded(tmp_path: Path) -> None:
    data = tmp_path / "var"
    places = sheet(tmp_path / "places.xlsx", (420881100, "洋梓镇"), ("420881100201", "马湾村"))
    first, second = aixin(data, "places", "load", str(places)), aixin(
        data, "places", "load", str(places))
    assert first.exit_code == 0 and "places named: 2; renamed: 0" in first.output
    assert second.exit_code == 0 and "places named: 0; renamed: 0; unchanged: 2" in second.output
    assert names_in(data, "420881100", "420881100201") == ["洋梓镇", "马湾村"]


def test_a_sheet_without_the_code_column_is_refused_in_chinese(tmp_path: Path) -> None:
    book = Workbook()
    assert book.active is not None
    book.active.append(["名称"])
    book.save(tmp_path / "bad.xlsx")
    refused = aixin(tmp_path / "var", "places", "load", str(tmp_path / "bad.xlsx"))
    assert refused.exit_code == 1
    assert "找不到“区划代码”和“名称”两列" in refused.output


def test_the_demo_county_names_its_townships_and_villages(tmp_path: Path) -> None:
    data = tmp_path / "var"
    build_demo(Settings(store="sqlite", data_dir=data),  # type: ignore[arg-type]
               seed=7, children=5, today=TODAY)
    assert names_in(data, "420881100", "420881200") == ["洋梓镇", "九里回族乡"]
