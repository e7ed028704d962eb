"""Reports (季度报送): each production of a quarterly report, on the record."""

from domain.reports.aggregate import (
    KINDS,
    QuarterlyReport,
    ReportStatus,
    scheduled_report_id,
)
from domain.reports.quarter import Quarter

__all__ = [
    "KINDS",
    "Quarter",
    "QuarterlyReport",
    "ReportStatus",
    "scheduled_report_id",
]
