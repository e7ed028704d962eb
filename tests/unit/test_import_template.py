"""The children's register template (花名册模板) keeps ID numbers as text."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.imports import CHILD_COLUMNS
from workers.imports.sheets import template


def test_the_whole_id_number_column_of_the_template_is_text() -> None:
    sheet = load_workbook(io.BytesIO(template("children"))).active
    headers = [column.header for column in CHILD_COLUMNS]
    letter = get_column_letter(headers.index("身份证号") + 1)

    assert sheet is not None
    assert sheet.column_dimensions[letter].number_format == "@"  # rows typed beyond any cell
