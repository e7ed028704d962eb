"""The quarterly report's files (issue 5): see :mod:`workers.reports.files`."""
