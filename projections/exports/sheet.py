"""One register as one streamed worksheet (.xlsx): a title row, a header row in Chinese,
then the rows as they are read, never the whole register in memory (openpyxl's write-only
mode keeps only the row being written). Headers styled, the title and header rows frozen and
repeated on every printed page, columns sized, A4 landscape fitted to the page's width."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Each column: its header (表头) and its width in characters.
Column = tuple[str, float]


@dataclass(frozen=True)
class Register:
    """A register's sheet: its name (工作表名), title line and columns; ``text`` names the
    columns kept as text (文本格式: ID numbers, codes, phones), so that a number typed into
    one later keeps every digit, as on the import's template."""

    sheet: str
    title: str
    columns: Sequence[Column]
    text: frozenset[str] = frozenset()

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


def write_register(path: Path, register: Register, rows: Iterable[Sequence[Any]],
                   *, subtitle: str = "") -> int:
    """Write ``rows`` (each a sequence of cells, in the columns' order) under the register's
    title and header rows into a new workbook at ``path``; returns how many rows were written.
    ``rows`` is consumed lazily: a generator reading the register a page at a time keeps only
    that page in memory."""
    from openpyxl import Workbook  # loaded when a sheet is written, not at import
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(register.sheet)
    texts = [index for index, header in enumerate(register.headers)
             if header in register.text]
    for number, (header, width) in enumerate(register.columns, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
        if header in register.text:
            sheet.column_dimensions[get_column_letter(number)].number_format = "@"
    last = get_column_letter(len(register.columns))
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    title = WriteOnlyCell(sheet, value=register.title + (f"（{subtitle}）" if subtitle else ""))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    thin = Side(style="thin", color="808080")
    header_cells = []
    for header in register.headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in rows:  # an empty text as no cell at all: the same when read, less to write
        cells: list[Any] = [None if cell == "" else cell for cell in row]
        for index in texts:
            if cells[index] is not None:
                cells[index] = WriteOnlyCell(sheet, value=str(cells[index]))
                cells[index].number_format = "@"
        sheet.append(cells)
        written += 1
    sheet.auto_filter.ref = f"A2:{last}{written + 2}"
    book.save(path)
    return written
