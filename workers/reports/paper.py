"""The report's files on paper (打印): A4, page numbers (第 X 页 共 Y 页) and, for the workbook,
each sheet fit to the page's width with its header row repeated on every page, so the county
prints a handful of pages and sends them upward."""

from __future__ import annotations

from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

#: The smallest scale a sheet prints at upright (portrait); a wider one prints across the page.
_UPRIGHT_SCALE = 0.9


def sheet_for_print(sheet: Worksheet | WriteOnlyWorksheet, heading: str, unit: str, *,
                    columns: int | None = None) -> None:
    """A4, upright unless the sheet would print below 90 % so (then across the page), as
    wide as the page and as many pages down as the rows need (fit to width), the
    header row on every page, the report's title in the page header and 第 X 页 共 Y 页 with
    the reporting unit in the footer. ``columns``: how many columns the sheet fills, for a
    sheet whose rows are yet to be written (openpyxl's write-only mode)."""
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = "portrait"
    if print_scale(sheet, columns) < _UPRIGHT_SCALE:
        setup.orientation = "landscape"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.8, bottom=0.8, header=0.3,
                                     footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = f"{heading}——{sheet.title}"
    sheet.oddFooter.left.text = unit
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"


#: A column's width when none is set, in characters.
_DEFAULT_WIDTH = 8.43
#: An A4 page's width less the sheets' side margins (0.5 inch each), in screen pixels (96 per
#: inch), landscape and portrait.
_PRINTABLE_PX = {"landscape": (297 / 25.4 - 1.0) * 96, "portrait": (210 / 25.4 - 1.0) * 96}


def print_scale(sheet: Worksheet | WriteOnlyWorksheet, columns: int | None = None) -> float:
    """The scale a sheet fit to its page's width prints at (1.0: full size), from its columns'
    widths as Excel lays them out (a width of ``w`` characters is ``7w + 5`` pixels in the
    default font); ``columns``: how many it fills, if not the sheet's cells."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():  # a saved file groups equal columns
        first = dimension.min or column_index_from_string(dimension.index)
        for index in range(first, (dimension.max or first) + 1):
            widths[index] = dimension.width or _DEFAULT_WIDTH
    total = sum(widths.get(index, _DEFAULT_WIDTH) * 7 + 5
                for index in range(1, (columns or sheet.max_column) + 1))
    orientation = sheet.page_setup.orientation or "portrait"
    return min(1.0, _PRINTABLE_PX[orientation] / total)


def a4_with_page_numbers(document: Any) -> None:
    """A4 portrait with the usual margins; 第 X 页 共 Y 页 (PAGE and NUMPAGES fields) centred
    in the footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(2.2)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in when it lays out the pages: its
    begin, instruction, separator, the number shown until then, and end, a run each."""
    def mark(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    for element in (mark("begin"), instruction, mark("separate")):
        paragraph.add_run()._r.append(element)
    paragraph.add_run("1")
    paragraph.add_run()._r.append(mark("end"))
