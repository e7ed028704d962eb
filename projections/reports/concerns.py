"""Anomalies (情况报告): reported and resolved within the quarter, by kind, and open on its last
day (reported by then and not resolved by then)."""

from __future__ import annotations

from datetime import date

from domain.reports import Quarter
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Row, Tx


def count_concerns(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Anomalies reported and resolved within the quarter, and open on its last day."""
    where, params = scope.sql()
    reported: dict[str, Row] = {}
    resolved_by_day: set[str] = set()
    for row in tx.execute(
            f"SELECT event, {scope.unit()} AS township, school, kind, detail, occurred_on"
            " FROM rf_facts"
            f" WHERE {where} AND event IN ('ConcernReported', 'ConcernResolved')"
            " AND recorded_at <= ? AND occurred_on <= ? ORDER BY position",
            [*params, at, q.end.isoformat()]).all():
        place, on = (row["township"], row["school"]), date.fromisoformat(row["occurred_on"])
        if row["event"] == "ConcernReported":
            reported[row["detail"]] = row
            if on in q:
                tally.count(*place, "concerns_reported")
                tally.count_in(*place, "concerns_by_kind", row["kind"])
        else:
            resolved_by_day.add(row["detail"])
            if on in q:
                tally.count(*place, "concerns_resolved")
    for concern_id, row in reported.items():
        if concern_id not in resolved_by_day:
            tally.count(row["township"], row["school"], "concerns_open")
