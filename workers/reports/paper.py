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
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

#: Sheets wider than this many columns print across an A4 page (landscape).
_WIDE = 6


def sheet_for_print(sheet: Worksheet, heading: str, unit: str) -> None:
    """A4, as wide as the page and as many pages down as the rows need (fit to width), the
    header row on every page, the report's title in the page header and 第 X 页 共 Y 页 with
    the reporting unit in the footer."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if sheet.max_column > _WIDE else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.8, bottom=0.8, header=0.3,
                                     footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = f"{heading}——{sheet.title}"
    sheet.oddFooter.left.text = unit
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"


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
