"""Reports (季度报送): each production of a quarterly report, on the record."""

from domain.reports.aggregate import (
    KINDS,
    QuarterlyReport,
    ReportStatus,
    scheduled_report_id,
)
from domain.reports.definitions import (
    DEFINITION_CHANGES,
    DefinitionChange,
    changed_since,
    definitions_changed,
)
from domain.reports.quarter import Quarter, said_to_day
from domain.reports.submission import Submission, federation_of

__all__ = [
    "DEFINITION_CHANGES",
    "KINDS",
    "DefinitionChange",
    "Quarter",
    "QuarterlyReport",
    "ReportStatus",
    "Submission",
    "changed_since",
    "definitions_changed",
    "federation_of",
    "said_to_day",
    "scheduled_report_id",
]
