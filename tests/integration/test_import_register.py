"""Importing the children's and volunteers' registers from spreadsheets (花名册导入): each row
through the registration's rules, nothing recorded twice, nothing recorded by a dry run."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from domain.application import CareRegister, ImportOutcome
from domain.children import Child
from domain.common import Actor
from domain.imports import HeadersRefused
from tests.imports_support import (
    CHILD_HEADER,
    TOWNSHIP,
    VOLUNTEER_HEADER,
    child_row,
    id_number,
    volunteer_row,
    workbook,
)
from tests.integration.conftest import EACH_STORE
from workers.imports.sheets import check_sheet, sheet_rows

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


def test_a_child_of_another_name_holding_the_id_number_is_refused_as_already_registered(
        named: CareRegister, tmp_path: Path) -> None:
    _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]))
    other = child_row(1, 姓名="李四", 监护人电话="13700000009")  # another child, the same number

    outcome = _import(named, workbook(tmp_path / "b.xlsx", CHILD_HEADER, [other]))

    assert (outcome.accepted, outcome.unchanged, outcome.refused) == (0, 0, 1)
    assert outcome.errors[0][1] == "身份证号" and "已在册" in outcome.errors[0][2]


def test_a_child_registered_by_hand_with_the_id_number_is_unchanged(
        named: CareRegister, tmp_path: Path) -> None:
    by_hand = _by_hand(BY_HAND_NUMBER)
    named.register_child(actor=CLERK, **by_hand)
    row = child_row(9, 姓名=by_hand["name"], 出生日期=by_hand["birth_date"],
                    身份证号=BY_HAND_NUMBER.lower())
    before = _position(named)

    outcome = _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, [row]))

    assert (outcome.accepted, outcome.unchanged, outcome.refused) == (0, 1, 0)
    assert _position(named) == before


BY_HAND_NUMBER = id_number("42088120150601001")


def _by_hand(id_number: str) -> dict[str, Any]:
    from tests.builders import child_record

    return {**child_record(region_code=TOWNSHIP[0]), "id_number": id_number}


def test_a_register_whose_blank_id_numbers_were_filled_in_registers_no_child_twice(
        named: CareRegister, tmp_path: Path) -> None:
    _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1, 身份证号="")]))
    before = _position(named)

    filled_in = _import(named, workbook(tmp_path / "b.xlsx", CHILD_HEADER, [child_row(1)]))

    assert (filled_in.accepted, filled_in.unchanged, filled_in.refused) == (0, 0, 1)
    assert filled_in.errors == [(2, "身份证号", "该儿童已按姓名、出生日期和监护人电话导入，请用"
                                 "“更正”补录身份证号（the child was imported before by name, "
                                 "birth date and guardian's phone; put the ID number in by a "
                                 "correction）")]
    assert _position(named) == before


def test_a_row_without_its_id_number_is_the_child_imported_with_it(
        named: CareRegister, tmp_path: Path) -> None:
    _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]))
    before = _position(named)

    blanked = _import(named, workbook(tmp_path / "b.xlsx", CHILD_HEADER,
                                      [child_row(1, 身份证号="")]))

    assert (blanked.accepted, blanked.unchanged, blanked.refused) == (0, 1, 0)
    assert _position(named) == before


def test_id_numbers_typed_as_numbers_are_refused_and_twins_never_collapse_into_one(
        named: CareRegister, tmp_path: Path) -> None:
    twins = [child_row(1, 身份证号=float(id_number("42088120150302001"))),
             child_row(2, 身份证号=float(id_number("42088120150302002")))]

    outcome = _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER, twins))

    assert (outcome.accepted, outcome.refused) == (0, 2)
    assert {column for _, column, _ in outcome.errors} == {"身份证号"}
    assert all("文本格式" in message for _, _, message in outcome.errors)


def test_an_id_number_whose_check_character_disagrees_is_refused(
        named: CareRegister, tmp_path: Path) -> None:
    good = id_number("42088120150302001")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")

    outcome = _import(named, workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                                      [child_row(1, 身份证号=wrong),
                                       child_row(2, 身份证号="4208812015")]))

    assert outcome.refused == 2
    assert [(column, "校验码" in message) for _, column, message in outcome.errors] == [
        ("身份证号", True), ("身份证号", False)]


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_an_erased_child_is_registered_anew_when_its_row_is_imported_again(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1), child_row(2, 身份证号="")])
    _import(named, sheet)
    first = _imported_children(named)
    for child_id in first:
        named.erase_personal_data(child_id, reason="监护人申请删除", actor=CLERK)

    again = _import(named, sheet)

    assert (again.accepted, again.unchanged, again.refused) == (2, 0, 0)
    assert not set(_imported_children(named)[2:]) & set(first)


def test_a_child_who_exited_is_registered_anew_when_its_row_is_imported_again(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1, 身份证号="")])
    _import(named, sheet)
    named.exit_child(_imported_children(named)[0], reason="随父母迁居外省", actor=CLERK)

    assert _import(named, sheet).accepted == 1


def test_a_child_merged_into_another_record_is_unchanged_when_its_row_is_imported_again(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1, 身份证号="")])
    _import(named, sheet)
    kept = named.register_child(actor=CLERK, **_by_hand(BY_HAND_NUMBER))
    named.merge_children(kept, _imported_children(named)[0], reason="同一儿童登记两次",
                         actor=CLERK)
    before = _position(named)

    again = _import(named, sheet)

    assert (again.accepted, again.unchanged) == (0, 1)
    assert _position(named) == before


def test_two_runs_of_one_register_racing_record_each_child_once(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1), child_row(2, 身份证号="")])
    other: list[ImportOutcome] = []

    def rows_while_another_run_imports() -> Iterator[Sequence[object]]:
        with sheet_rows(sheet) as rows:
            yield from rows  # every row is taken, none saved yet
        other.append(_import(named, sheet))

    first = named.import_register("children", rows_while_another_run_imports(), actor=CLERK,
                                  admits=_everywhere, division_known=_counties)

    assert (other[0].accepted, first.accepted, first.unchanged, first.refused) == (2, 0, 2, 0)
    assert len(_imported_children(named)) == 2


def _imported_children(register: CareRegister) -> list[UUID]:
    """The children on the register, in the order they were registered."""
    found = register.recorder.select_notifications(
        start=None, limit=1000, topics=[get_topic(Child.Registered)])
    return [UUID(str(notification.originator_id)) for notification in found]


def test_rows_outside_the_importers_scope_are_refused(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])

    outcome = _import(named, sheet, admits=lambda code, school: code.startswith("4201"))

    assert outcome.refused == 1 and "管辖范围" in outcome.errors[0][2]


def test_a_row_outside_the_importers_scope_is_refused_even_if_its_child_is_registered(
        named: CareRegister, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)])
    _import(named, sheet)

    outcome = _import(named, sheet, admits=lambda code, school: code.startswith("4201"))

    assert (outcome.unchanged, outcome.refused) == (0, 1)
    assert "管辖范围" in outcome.errors[0][2]


def test_a_sheet_whose_headers_are_not_the_forms_is_refused_whole_naming_them(
        named: CareRegister, tmp_path: Path) -> None:
    header = [h for h in CHILD_HEADER if h != "出生日期"] + ["备注栏"]
    sheet = workbook(tmp_path / "a.xlsx", header, [child_row(1)[:-1]])
    before = _position(named)

    with pytest.raises(HeadersRefused) as refused:
        _import(named, sheet)

    assert "出生日期" in refused.value.message and "备注栏" in refused.value.message
    assert _position(named) == before


def test_a_register_with_title_rows_and_a_numbering_column_imports_numbering_rows_as_the_sheet(
        named: CareRegister, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["石牌镇留守儿童花名册"])
    sheet.append(["填报单位：石牌镇妇联", None, "填报日期：2026年3月1日"])
    sheet.append(["序号", *CHILD_HEADER])
    sheet.append([1, *child_row(1)])
    sheet.append([2, *child_row(2, 行政区划代码="420881999")])
    sheet.append([3, *child_row(3)])
    book.save(tmp_path / "a.xlsx")
    check_sheet(tmp_path / "a.xlsx", "children")

    outcome = _import(named, tmp_path / "a.xlsx")

    assert (outcome.rows, outcome.accepted, outcome.refused) == (3, 2, 1)
    assert [(row, column) for row, column, _ in outcome.errors] == [(5, "行政区划代码")]


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


def test_volunteers_registered_by_hand_are_unchanged_when_a_register_names_them(
        named: CareRegister, tmp_path: Path) -> None:
    from tests.builders import volunteer_form

    named.apply_to_volunteer(volunteer_form(name="刘芳1", phone="137-0000-0001",
                                            region_code=TOWNSHIP[0]), actor=CLERK)
    before = _position(named)

    outcome = _import(named, workbook(tmp_path / "v.xlsx", VOLUNTEER_HEADER, [volunteer_row(1)]),
                      kind="volunteers")

    assert (outcome.accepted, outcome.unchanged) == (0, 1)
    assert _position(named) == before


def test_a_corrected_volunteers_register_records_only_the_rows_refused_before(
        named: CareRegister, tmp_path: Path) -> None:
    _import(named, workbook(tmp_path / "a.xlsx", VOLUNTEER_HEADER,
                            [volunteer_row(1), volunteer_row(2, 联系电话="12")]),
            kind="volunteers")

    corrected = _import(named, workbook(tmp_path / "b.xlsx", VOLUNTEER_HEADER,
                                        [volunteer_row(1, 单位="钟祥市妇联"), volunteer_row(2)]),
                        kind="volunteers")

    assert (corrected.accepted, corrected.unchanged, corrected.refused) == (1, 1, 0)
