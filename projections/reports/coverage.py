"""Pairing coverage (结对覆盖): the left-behind children with a pairing active on the quarter's
last day, counted per child in the child's own township and school ("every left-behind child
paired", 目标 100 %)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.reports import Quarter
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Row, Tx


def count_coverage(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally,
                   left_behind: Mapping[str, Row]) -> None:
    """Left-behind children with a pairing active on the quarter's last day."""
    day = q.end.isoformat()
    where, params = scope.sql("pc")
    paired: set[str] = set()
    for row in tx.execute(
            "SELECT pc.child_id, p.ended_on, p.end_recorded_at FROM rf_pairing_children pc"
            " JOIN rf_pairings p ON p.pairing_id = pc.pairing_id"
            f" WHERE {where} AND p.recorded_at <= ? AND p.starts_on <= ?",
            [*params, at, day]).all():
        ended_by_day = (row["ended_on"] is not None and row["end_recorded_at"] <= at
                        and row["ended_on"] <= day)
        if not ended_by_day:
            paired.add(row["child_id"])
    for child_id in sorted(paired & left_behind.keys()):
        child = left_behind[child_id]
        tally.count(child["township"], child["school"], "left_behind_paired")
