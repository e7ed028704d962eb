"""Reports (季度报送): each production of a quarterly report, on the record."""

from domain.reports.aggregate import (
    KINDS,
    QuarterlyReport,
    ReportStatus,
    quarter_before,
    quarter_start,
    scheduled_report_id,
)

__all__ = [
    "KINDS",
    "QuarterlyReport",
    "ReportStatus",
    "quarter_before",
    "quarter_start",
    "scheduled_report_id",
]
