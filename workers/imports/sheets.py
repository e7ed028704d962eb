"""Spreadsheets of registers (.xlsx): read row by row, never held whole in memory, and the
empty templates with the forms' headers.

Reading uses openpyxl's read-only mode (``load_workbook(read_only=True)``), which streams the
sheet's XML: a 20,000-row register is read in constant memory. Its shared strings
(``xl/sharedStrings.xml``) are read whole, though, so before openpyxl opens a file the sizes
its archive declares are checked (:func:`check_archive`): a small file that would expand to
gigabytes (a zip bomb) is refused. A 20,000-row register is about 2 MB packed and 31 MB
unpacked (a ratio of 16); Python's zip reader never unpacks past a member's declared size.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from domain.imports import COLUMNS, TITLES, HeadersRefused
from domain.imports.columns import find_header, is_blank


class NotASpreadsheet(Exception):
    """The file is not an .xlsx workbook openpyxl can read."""

    MESSAGE = ("文件不是 Excel 工作簿（.xlsx），无法读取；请用模板填写后上传（the file is not an "
               ".xlsx workbook）")


#: The most a workbook's parts may hold unpacked, all together...
MAX_UNPACKED = 256 * 1024 * 1024
#: ...its shared strings (read whole into memory)...
MAX_SHARED_STRINGS = 64 * 1024 * 1024
#: ...and how many times its packed size a large part may unpack to.
MAX_RATIO = 100
_LARGE_PART = 1024 * 1024


class TooExpanded(NotASpreadsheet):
    """The workbook's parts would unpack to far more than any register (a zip bomb)."""

    MESSAGE = ("文件解压后过大或压缩比异常，不像是正常的登记表，未导入；请用模板填写后上传（the "
               "workbook unpacks to more than a register could hold; nothing was imported）")


def check_archive(path: Path) -> None:
    """Refuse a workbook whose archive declares more than a register could unpack to
    (TooExpanded), or no archive at all (NotASpreadsheet), before anything unpacks it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotASpreadsheet(NotASpreadsheet.MESSAGE) from error
    unpacked = sum(part.file_size for part in parts)
    shared = sum(part.file_size for part in parts
                 if part.filename.lower().endswith("sharedstrings.xml"))
    if (unpacked > MAX_UNPACKED or shared > MAX_SHARED_STRINGS
            or any(part.file_size > _LARGE_PART
                   and part.file_size > MAX_RATIO * max(1, part.compress_size)
                   for part in parts)):
        raise TooExpanded(TooExpanded.MESSAGE)


@contextmanager
def sheet_rows(path: Path) -> Iterator[Iterator[tuple[object, ...]]]:
    """The first sheet's rows as tuples of values, streamed; NotASpreadsheet if the file is
    no workbook (TooExpanded if it would unpack to far more than a register)."""
    from openpyxl import load_workbook

    check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise NotASpreadsheet(NotASpreadsheet.MESSAGE) from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise NotASpreadsheet(NotASpreadsheet.MESSAGE)
        yield sheet.iter_rows(values_only=True)
    finally:
        book.close()


def check_sheet(path: Path, kind: str) -> None:
    """Refuse a file before anything is recorded: not a workbook (NotASpreadsheet), an
    empty sheet or one with no header row that is the form's among its first rows
    (HeadersRefused)."""
    with sheet_rows(path) as rows:
        try:
            find_header(kind, rows)
            has_rows = not all(is_blank(row) for row in rows)
        except HeadersRefused:
            raise
        except Exception as error:  # a damaged sheet's XML
            raise NotASpreadsheet(NotASpreadsheet.MESSAGE) from error
        if not has_rows:
            raise HeadersRefused("表格只有表头，没有数据行（the sheet has no rows below its "
                                 "header）")


#: The exported register's own columns, which an import passes over.
_EXPORT_NOTE = {"children": "，导出的花名册中是否留守、结对情况、状态、退出日期、年满16周岁日期、"
                            "档案编号各列为系统记录的情况，导入时不读取，可原样保留"}


def template(kind: str) -> bytes:
    """The empty register of ``kind`` as an .xlsx: the form's headers (required ones marked
    ``*``), styled; drop-downs where a column has choices; a second sheet, 填写说明, saying
    what goes in each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet: Any = book.active
    sheet.title = TITLES[kind]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(COLUMNS[kind], start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required
                                                                     else ""))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, 2.2 * len(column.header) + 2)
        if column.field in ("id_number", "region_code") or column.field.endswith("phone"):
            sheet.column_dimensions[letter].number_format = "@"  # the whole column text
            for row in range(2, 2001):  # typed as text: Excel keeps every digit
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices:
            choices = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                     allow_blank=True, showErrorMessage=True,
                                     errorTitle=column.header,
                                     error="请从下拉列表中选择（choose from the list）")
            choices.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写说明", "可选值"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS[kind]:
        notes.append([column.header, "必填" if column.required else "", column.note,
                      "、".join(column.choices)])
    for letter, width in (("A", 16), ("B", 10), ("C", 70), ("D", 40)):
        notes.column_dimensions[letter].width = width
    notes.append([])
    one = "儿童" if kind == "children" else "爱心妈妈"
    notes.append(["说明", "", "表头请勿修改（模板第一行即表头，其上方可加至多4行标题）；"
                  f"每行一名{one}。“序号”列不导入" + _EXPORT_NOTE.get(kind, "")
                  + "。同一份表格可以重复导入：已导入的行不会重复登记；"
                  "有误的行改正后再次导入即可。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
