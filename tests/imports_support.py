"""Registers as spreadsheets for the import tests: a header row and rows, saved as .xlsx."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from domain.national_ids import check_character

CHILD_HEADER = ("姓名", "性别", "出生日期", "民族", "身份证号", "行政区划代码", "学校", "班级",
                "父亲姓名", "父亲状况", "父亲电话", "父亲务工地", "母亲姓名", "母亲状况",
                "监护人姓名", "监护人关系", "监护人电话", "类别", "同意人", "同意人关系",
                "同意日期", "同意方式")
#: A township of the register of places used by the rows below (name it before importing).
TOWNSHIP = ("420881108", "石牌镇")
VOLUNTEER_HEADER = ("姓名", "单位", "出生日期", "联系电话", "文化程度", "行政区划代码")


def id_number(digits: str) -> str:
    """The resident ID number of ``digits`` (its first 17) with its check character."""
    return digits + check_character(digits)


def child_row(number: int, **changes: Any) -> list[Any]:
    """A good row of the children's register: child ``number`` of the township."""
    values: dict[str, Any] = {
        "姓名": f"王小{number}", "性别": "女" if number % 2 else "男",
        "出生日期": "2015/3/2", "民族": "汉族", "身份证号": id_number(f"4208812015{number:07d}"),
        "行政区划代码": TOWNSHIP[0], "学校": "石牌镇中心小学", "班级": "四年级二班",
        "父亲姓名": f"王建{number}", "父亲状况": "外出务工", "父亲电话": "13800000001",
        "父亲务工地": "广东省东莞市", "母亲姓名": f"李秀{number}", "母亲状况": "外出务工",
        "监护人姓名": f"张桂{number}", "监护人关系": "奶奶", "监护人电话": "13900000002",
        "类别": "", "同意人": f"王建{number}", "同意人关系": "父亲", "同意日期": "2026年3月1日",
        "同意方式": "书面签字"}
    values.update(changes)
    return [values[header] for header in CHILD_HEADER]


def volunteer_row(number: int, **changes: Any) -> list[Any]:
    values: dict[str, Any] = {"姓名": f"刘芳{number}", "单位": "石牌镇卫生院",
                              "出生日期": "1980-05-01", "联系电话": f"1370000{number:04d}",
                              "文化程度": "大专", "行政区划代码": TOWNSHIP[0]}
    values.update(changes)
    return [values[header] for header in VOLUNTEER_HEADER]


def workbook(path: Path, header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Path:
    """Save a sheet with ``header`` and ``rows`` as ``path`` (.xlsx)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path
