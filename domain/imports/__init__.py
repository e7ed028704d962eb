"""Registers imported from spreadsheets (花名册/登记表导入): the forms' columns, how a row is
read, and the record of each import's run."""

from domain.imports.aggregate import ERRORS_KEPT, KINDS, Import, ImportRule, ImportStatus
from domain.imports.columns import (
    CHILD_COLUMNS,
    COLUMNS,
    TITLES,
    VOLUNTEER_COLUMNS,
    CellRefused,
    Column,
    HeadersRefused,
    Layout,
)

__all__ = [
    "CHILD_COLUMNS",
    "COLUMNS",
    "ERRORS_KEPT",
    "KINDS",
    "TITLES",
    "VOLUNTEER_COLUMNS",
    "CellRefused",
    "Column",
    "HeadersRefused",
    "Import",
    "ImportRule",
    "ImportStatus",
    "Layout",
]
