"""Importing the children's and volunteers' registers from spreadsheets (花名册导入): each row
through the registration's rules, nothing recorded twice, nothing recorded by a dry run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from domain.application import CareRegister, ImportOutcome
from domain.common import Actor
from domain.imports import HeadersRefused
from tests.imports_support import (
    CHILD_HEADER,
    TOWNSHIP,
    VOLUNTEER_HEADER,
    child_row,
    volunteer_row,
    workbook,
)
from tests.integration.conftest import EACH_STORE
from workers.imports.sheets import sheet_rows

CLERK = Actor(id="clerk-1", role="federation")


def _everywhere(code: str, school: str) -> bool:
    return True


def _counties(code: str) -> bool:
    return code == "420881"


@pytest.fixture
def named(register: CareRegister) -> CareRegister:
    register.name_places([TOWNSHIP], actor=CLERK)
    return register


def _import(register: CareRegister, path: Path, *, kind: str = "children",
            dry_run: bool = False,
            admits: Callable[[str, str], bool] = _everywhere) -> ImportOutcome:
    with sheet_rows(path) as rows:
        return register.import_register(kind, rows, actor=CLERK, admits=admits,
                                        division_known=_counties, dry_run=dry_run)


def _position(register: CareRegister) -> int:
    return register.recorder.max_notification_id() or 0


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_register_imports_its_good_rows_and_refuses_the_others_by_row_and_column(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [
        child_row(1), child_row(2, 出生日期="2030-01-01"), child_row(3, 行政区划代码="420881999"),
        child_row(4, 同意人="", 同意人关系="", 同意日期="", 同意方式=""), child_row(5)])

    outcome = _import(named, sheet)

    assert (outcome.rows, outcome.accepted, outcome.unchanged, outcome.refused) == (5, 2, 0, 3)
    refused = {row: (column, message) for row, column, message in outcome.errors}
    assert refused[3][0] == "出生日期" and "晚于今天" in refused[3][1]
    assert refused[4][0] == "行政区划代码" and "不在地名登记中" in refused[4][1]
    assert refused[5][0] == "同意人" and "同意" in refused[5][1]


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_the_same_file_imported_again_records_nothing_new(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                     [child_row(n) for n in range(1, 6)] + [child_row(6, 身份证号="")])
    _import(named, sheet)
    before = _position(named)

    again = _import(named, sheet)

    assert (again.rows, again.accepted, again.unchanged, again.refused) == (6, 0, 6, 0)
    assert _position(named) == before


def test_a_corrected_file_records_only_the_rows_that_were_refused(
        named: CareRegister, tmp_path: Path) -> None:
    first = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                     [child_row(1), child_row(2, 出生日期="2030-01-01"), child_row(3)])
    _import(named, first)
    corrected = workbook(tmp_path / "b.xlsx", CHILD_HEADER,
                         [child_row(1), child_row(2), child_row(3)])

    outcome = _import(named, corrected)

    assert (outcome.accepted, outcome.unchanged, outcome.refused) == (1, 2, 0)


def test_a_dry_run_records_nothing_and_tells_what_a_real_run_would(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                     [child_row(1), child_row(2, 性别="未知"), child_row(1)])
    before = _position(named)

    dry = _import(named, sheet, dry_run=True)

    assert _position(named) == before
    real = _import(named, sheet)
    assert (dry.accepted, dry.unchanged, dry.refused) == (1, 1, 1)
    assert (real.accepted, real.unchanged, real.refused) == (1, 1, 1)
    assert dry.errors == real.errors == [(3, "性别", dry.errors[0][2])]


def test_an_id_number_already_on_the_register_is_refused_as_already_registered(
        named: CareRegister, tmp_path: Path) -> None:
    _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]))
    other = child_row(1, 姓名="李四", 监护人电话="13700000009")  # another child, the same number
    other_file = workbook(tmp_path / "b.xlsx", CHILD_HEADER, [other])
    from domain.national_ids import normalised

    # the same number is the same row's identity: it is the child imported before
    assert _import(named, other_file).unchanged == 1
    named.register_child(actor=CLERK, **_by_hand("420881201506010011"))
    taken = workbook(tmp_path / "c.xlsx", CHILD_HEADER,
                     [child_row(9, 身份证号=normalised("420881201506010011"))])

    outcome = _import(named, taken)

    assert outcome.refused == 1
    assert outcome.errors[0][1] == "身份证号" and "已在册" in outcome.errors[0][2]


def _by_hand(id_number: str) -> dict[str, object]:
    from tests.builders import child_record

    return {**child_record(region_code=TOWNSHIP[0]), "id_number": id_number}


def test_rows_outside_the_importers_scope_are_refused(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])

    outcome = _import(named, sheet, admits=lambda code, school: code.startswith("4201"))

    assert outcome.refused == 1 and "管辖范围" in outcome.errors[0][2]


def test_a_sheet_whose_headers_are_not_the_forms_is_refused_whole_naming_them(
        named: CareRegister, tmp_path: Path) -> None:
    header = [h for h in CHILD_HEADER if h != "出生日期"] + ["备注栏"]
    sheet = workbook(tmp_path / "a.xlsx", header, [child_row(1)[:-1]])
    before = _position(named)

    with pytest.raises(HeadersRefused) as refused:
        _import(named, sheet)

    assert "出生日期" in refused.value.message and "备注栏" in refused.value.message
    assert _position(named) == before


def test_dates_typed_as_excel_dates_or_as_text_are_read_alike(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [
        child_row(1, 出生日期=date(2015, 3, 2)), child_row(2, 出生日期="2015-03-02"),
        child_row(3, 出生日期="2015年3月2日")])

    assert _import(named, sheet).accepted == 3


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_volunteers_import_once_from_their_registration_forms(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "v.xlsx", VOLUNTEER_HEADER,
                     [volunteer_row(1), volunteer_row(2, 联系电话="12"), volunteer_row(3)])

    first = _import(named, sheet, kind="volunteers")
    again = _import(named, sheet, kind="volunteers")

    assert (first.accepted, first.refused) == (2, 1)
    assert first.errors[0][:2] == (3, "联系电话")
    assert (again.accepted, again.unchanged) == (0, 2)
