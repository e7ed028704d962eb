"""Reading a register's sheet (花名册): its header row, and cells as clerks type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.imports import CHILD_COLUMNS, CellRefused, HeadersRefused, Layout
from domain.imports.columns import (
    HEADER_ROWS,
    PARENT_STATUSES,
    SEXES,
    categories,
    choice,
    day,
    find_header,
    text,
)
from domain.imports.rows import child_identity, child_record
from tests.imports_support import CHILD_HEADER, child_row


@pytest.mark.parametrize("typed", [datetime(2015, 3, 2), date(2015, 3, 2), "2015-03-02",
                                   "2015/3/2", "2015.3.2", "2015年3月2日", "20150302",
                                   " 2015 年 3 月 2 日 "])
def test_a_date_is_read_as_excel_or_a_clerk_types_it(typed: object) -> None:
    assert day("出生日期", typed) == date(2015, 3, 2)


@pytest.mark.parametrize("typed", ["2015-02-30", "三月二日", "2015", 42])
def test_what_is_no_date_is_refused_naming_its_column(typed: object) -> None:
    with pytest.raises(CellRefused) as refused:
        day("出生日期", typed)
    assert refused.value.column == "出生日期" and "不是日期" in refused.value.reason


def test_words_are_read_as_their_codes() -> None:
    assert [choice("性别", w, SEXES) for w in ("男", "女", "female")] == [
        "male", "female", "female"]
    assert [choice("父亲状况", w, PARENT_STATUSES) for w in ("外出务工", "在家", "无监护能力",
                                                          "已故")] == [
        "away", "home", "incapable", "deceased"]
    assert categories("类别", "单亲家庭、低保，残疾") == (
        "single_parent", "subsistence_allowance", "disabled")


def test_a_number_typed_in_a_text_column_loses_no_digit_and_gains_no_point() -> None:
    assert text(13800000001.0) == "13800000001" and text(420881108) == "420881108"


def test_headers_may_come_in_any_order_and_mark_required_ones() -> None:
    rest = [header for header in CHILD_HEADER if header not in ("学校", "姓名")]
    layout = Layout.of("children", ["学校*", "姓名*", *rest])

    assert layout.positions["school"] == 0 and layout.positions["name"] == 1


def test_a_header_row_missing_or_adding_columns_names_them() -> None:
    with pytest.raises(HeadersRefused) as refused:
        Layout.of("children", ["姓名", "性别", "备注"])

    assert "出生日期" in refused.value.missing and refused.value.unknown == ("备注",)


def test_the_header_row_is_found_below_a_registers_title_rows() -> None:
    lines = iter([("钟祥市留守儿童花名册",), (None, "填报单位：石牌镇", None), (),
                  CHILD_HEADER, child_row(1)])

    layout, number = find_header("children", lines)

    assert number == 4 and layout.positions["name"] == 0
    assert next(lines) == child_row(1)


def test_a_numbering_column_and_the_exported_registers_own_columns_are_passed_over() -> None:
    header = ["序号", *CHILD_HEADER, "是否留守", "结对情况", "状态", "退出日期",
              "年满16周岁日期", "档案编号"]

    layout = Layout.of("children", header)

    assert layout.positions["name"] == 1 and len(layout.positions) == len(CHILD_HEADER)


def test_a_header_row_below_the_first_rows_is_not_looked_for() -> None:
    lines = iter([*[(f"标题{n}",) for n in range(1, HEADER_ROWS + 1)], CHILD_HEADER])

    with pytest.raises(HeadersRefused) as refused:
        find_header("children", lines)

    assert "姓名" in refused.value.missing


def test_below_a_title_row_a_header_the_form_does_not_have_is_still_named() -> None:
    with pytest.raises(HeadersRefused) as refused:
        find_header("children", iter([("花名册",), [*CHILD_HEADER, "备注"]]))

    assert refused.value.unknown == ("备注",)


def test_a_sheet_with_nothing_in_its_first_rows_is_refused_as_empty() -> None:
    with pytest.raises(HeadersRefused) as refused:
        find_header("children", iter([(), (None, "  ")]))

    assert "表格为空" in refused.value.message


def test_a_childs_row_is_about_the_child_of_its_name_birth_date_and_guardians_phone(
        ) -> None:
    layout = Layout.of("children", CHILD_HEADER)
    with_number = child_record(layout, layout.cells(child_row(1)))
    without = child_record(layout, layout.cells(
        child_row(1, 身份证号="", 监护人电话="139-0000 0002")))

    assert child_identity(with_number) == child_identity(without) == (
        "named:王小1|2015-03-02|13900000002")


@pytest.mark.parametrize("typed", [420881201503020005, 4.20881201503020e17])
def test_an_id_number_in_a_number_cell_is_refused_asking_for_text(typed: object) -> None:
    layout = Layout.of("children", CHILD_HEADER)

    with pytest.raises(CellRefused) as refused:
        child_record(layout, layout.cells(child_row(1, 身份证号=typed)))

    assert refused.value.column == "身份证号" and "身份证号须以文本格式填写" in refused.value.reason


def test_a_parent_without_a_status_is_refused_on_the_status_column() -> None:
    layout = Layout.of("children", CHILD_HEADER)

    with pytest.raises(CellRefused) as refused:
        child_record(layout, layout.cells(child_row(1, 父亲状况="")))

    assert refused.value.column == "父亲状况"


def test_every_column_of_the_form_says_what_to_type() -> None:
    assert all(column.note or not column.required for column in CHILD_COLUMNS)
