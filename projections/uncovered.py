"""The children the children's register holds as paired but whom pairing coverage (结对覆盖,
:func:`~projections.reports.coverage.covered_children`) does not count on a day: every pairing
of theirs has no volunteer in good standing (her caring mother suspended or disqualified), or
has not started yet. The report's rule decides; this finds the few children it must be asked
about, so that the dashboard and the work-lists never load every left-behind child's id.
"""

from __future__ import annotations

from datetime import date

from projections.reports.coverage import covered_children
from projections.reports.volunteers import in_good_standing_on
from projections.scoping import scope_clauses
from storage.sql import Tx

#: Later than any instant recorded: counts whatever has been recorded.
EVERYTHING_RECORDED = "9999-12-31T23:59:59.999999+00:00"
#: Why a volunteer is not in good standing, by the last change of her standing.
_NOT_STANDING = {"VolunteerSuspended": "结对的爱心妈妈已暂停",
                 "VolunteerDisqualified": "结对的爱心妈妈已被取消资格"}


def paired_but_not_covered(tx: Tx, on: date, *, region_code: str | None = None,
                           school: str | None = None) -> dict[str, str]:
    """The children (by id, with the reason in words) in a pairing not ended by ``on`` whom
    coverage does not count on ``on``, within a region and school; read from the report
    facts (``ReportFacts``) in the caller's transaction."""
    day = on.isoformat()
    changes: dict[str, str] = {}
    for row in tx.execute(
            "SELECT subject_id, event FROM rf_facts WHERE event IN"
            " ('VolunteerSuspended', 'VolunteerDisqualified', 'VolunteerReinstated')"
            " AND occurred_on <= ? ORDER BY occurred_on, position", [day]).all():
        changes[row["subject_id"]] = row["event"]
    standing = in_good_standing_on(tx, changes, on, EVERYTHING_RECORDED)
    lapsed = sorted(set(changes) - standing)
    lapsed_set = set(lapsed)
    scoped, params = scope_clauses(region_code, school, region_column="pc.region_code",
                                   school_column="pc.school")
    where = " AND ".join(["1 = 1", *scoped])
    lapsed_in = (f" OR pv.volunteer_id IN ({', '.join('?' * len(lapsed))})" if lapsed else "")
    reasons: dict[str, str] = {}
    for row in tx.execute(
            "SELECT pc.child_id, p.starts_on, pv.volunteer_id FROM rf_pairing_children pc"
            " JOIN rf_pairings p ON p.pairing_id = pc.pairing_id"
            " JOIN rf_pairing_volunteers pv ON pv.pairing_id = p.pairing_id"
            f" WHERE {where} AND (p.ended_on IS NULL OR p.ended_on > ?)"
            f" AND (p.starts_on > ?{lapsed_in}) ORDER BY p.starts_on",
            [*params, day, day, *lapsed]).all():
        volunteer = row["volunteer_id"]
        reason = (_NOT_STANDING.get(changes[volunteer], "结对的爱心妈妈不在册有效")
                  if volunteer in lapsed_set else f"结对自 {row['starts_on']} 起才开始")
        reasons.setdefault(row["child_id"], reason)
    if not reasons:
        return {}
    covered = covered_children(tx, where, params, on, EVERYTHING_RECORDED, reasons)
    return {child: reason for child, reason in sorted(reasons.items()) if child not in covered}
