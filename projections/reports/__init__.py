"""The quarterly report (季度报送): bitemporal facts and the figures computed from them.

- :class:`~projections.reports.facts.ReportFacts`: the view (one row per fact, both dates).
- :func:`~projections.reports.quarterly.compute_figures`, :func:`combine`, :func:`townships`,
  :func:`to_json`: the figures as known at an instant, per township and combined;
  :func:`~projections.reports.changes.changes_between`, :func:`explain_changes`: what late
  records changed.
"""

from domain.reports import Quarter
from projections.reports.changes import changes_between, explain_changes, figure_changes
from projections.reports.facts import ReportFacts
from projections.reports.quarterly import combine, compute_figures, to_json, townships

__all__ = [
    "Quarter",
    "ReportFacts",
    "changes_between",
    "combine",
    "compute_figures",
    "explain_changes",
    "figure_changes",
    "to_json",
    "townships",
]
