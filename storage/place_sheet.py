"""A spreadsheet of places (地名表, .xlsx) read into (code, name) pairs: the columns 区划代码
and 名称 under a header row among the first rows of the first sheet; other columns are left
alone, blank rows skipped."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from domain.errors import InvalidRecord

CODE, NAME = "区划代码", "名称"
_HEADER_ROWS = 10


def read_place_sheet(source: Path | bytes) -> list[tuple[str, str]]:
    """The places the sheet lists, in its order. InvalidRecord (in Chinese) when the file is
    not a spreadsheet or has no header row with both columns."""
    from openpyxl import load_workbook  # loaded when a sheet is read, not at import

    try:
        book = load_workbook(BytesIO(source) if isinstance(source, bytes) else source,
                             read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not .xlsx
        raise InvalidRecord("file", f"无法读取表格（须为 .xlsx 文件）：{error}") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        columns: tuple[int, int] | None = None
        found: list[tuple[str, str]] = []
        for number, row in enumerate(rows, 1):
            cells = [_text(cell) for cell in row]
            if columns is None:
                if CODE in cells and NAME in cells:
                    columns = (cells.index(CODE), cells.index(NAME))
                elif number >= _HEADER_ROWS:
                    break
                continue
            code = cells[columns[0]] if columns[0] < len(cells) else ""
            name = cells[columns[1]] if columns[1] < len(cells) else ""
            if code or name:
                found.append((code, name))
        if columns is None:
            raise InvalidRecord("file", f"表格前 {_HEADER_ROWS} 行中找不到“{CODE}”和“{NAME}”两列")
        return found
    finally:
        book.close()


def _text(cell: Any) -> str:
    """A cell as text; a code typed as a number (420881102, 420881102.0) as its digits."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()
