"""The quarterly report's files: see :mod:`workers.reports.files`."""
