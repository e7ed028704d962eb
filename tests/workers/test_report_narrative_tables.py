"""The narrative's tables by place and school: built by copying one row, they are the same
XML as python-docx writes adding every row and setting every cell's text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from workers.reports.narrative import _docx_table
from workers.reports.wording import SCHOOL_PLACE, TABLE_SIZE, column_title, shown, total_row

COLUMNS = (SCHOOL_PLACE, "left_behind", "pairing_coverage", "aid_yuan")


def _row_by_row(document: Any, first: str, units: Sequence[tuple[str, Mapping[str, Any]]],
                columns: Sequence[str]) -> None:
    """The table as python-docx writes it cell by cell: what the narrative must equal."""
    table = document.add_table(rows=1, cols=len(columns) + 1)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (first, *(column_title(c) for c in columns)),
                          strict=True):
        cell.text = text
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for label, unit in [*units, total_row(units, columns)]:
        cells = table.add_row().cells
        cells[0].text = label
        for cell, column in zip(cells[1:], columns, strict=True):
            cell.text = shown(column, unit.get(column))
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = TABLE_SIZE


def _body(build: Any, units: Sequence[tuple[str, Mapping[str, Any]]]) -> bytes:
    document = Document()
    build(document, "学校", units, COLUMNS)
    return etree.tostring(document.element.body)


def _unit(place: str, left_behind: int, paired: int) -> dict[str, Any]:
    return {SCHOOL_PLACE: place, "left_behind": left_behind, "left_behind_paired": paired,
            "pairing_coverage": paired / left_behind if left_behind else None,
            "aid_yuan": left_behind * 12.5}


def test_copied_rows_are_the_rows_python_docx_writes() -> None:
    units = [(f"第{n}小学", _unit(f"胡集镇（42088110{n % 10}）", n + 3, n))
             for n in range(40)]
    assert _body(_docx_table, units) == _body(_row_by_row, units)
    assert _body(_docx_table, units).count(b"<w:tr>") == len(units) + 2


def test_texts_python_docx_writes_otherwise_are_written_as_it_does() -> None:
    units = [("石牌小学", _unit("", 4, 0)),  # a school with no township known: an empty cell
             (" 前后有空格 ", _unit("石牌镇", 5, 5)),
             ("两行\n名称", _unit("制表\t符", 0, 0)),
             ("回车\r名称", _unit("旧口镇", 7, 1)),
             ("长寿小学", _unit("长寿镇", 9, 3))]
    built = _body(_docx_table, units)
    assert built == _body(_row_by_row, units)
    assert b'xml:space="preserve"' in built and b"<w:br/>" in built and b"<w:tab/>" in built


def test_a_table_of_no_units_says_so() -> None:
    document = Document()
    _docx_table(document, "学校", [], COLUMNS)
    assert document.paragraphs[-1].text == "无。"
    assert not document.tables
