"""The volunteers (志愿者/爱心妈妈队伍): applied, approved (the last level's approval), rejected,
disqualified and commended within the quarter, and by status on its last day
(``volunteers_approved`` are those approved and neither suspended nor disqualified then).
Counted in the township of the registration form."""

from __future__ import annotations

from datetime import date

from domain.reports import Quarter
from domain.volunteers import VolunteerStatus
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Tx

_EVENTS = ("VolunteerApplied", "VolunteerReviewed", "VolunteerSuspended",
           "VolunteerReinstated", "VolunteerDisqualified", "VolunteerCommended")
#: A volunteer's status after each event, as ``domain.volunteers.Volunteer`` moves it.
_STATUS_AFTER = {"VolunteerApplied": VolunteerStatus.PENDING,
                 "VolunteerSuspended": VolunteerStatus.SUSPENDED,
                 "VolunteerReinstated": VolunteerStatus.APPROVED,
                 "VolunteerDisqualified": VolunteerStatus.DISQUALIFIED}
#: The statuses counted on the quarter's last day (``volunteers_<status>``).
_COUNTED = (VolunteerStatus.APPROVED, VolunteerStatus.PENDING, VolunteerStatus.SUSPENDED)


def count_volunteers(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Volunteers applied, approved, rejected, disqualified and commended within the quarter,
    and by status on its last day."""
    where, params = scope.sql()
    status: dict[str, tuple[str, str]] = {}
    commended: set[str] = set()
    marks = ", ".join("?" * len(_EVENTS))
    for row in tx.execute(
            "SELECT event, subject_id, township, kind, amount, occurred_on FROM rf_facts"
            f" WHERE {where} AND event IN ({marks}) AND recorded_at <= ? AND occurred_on <= ?"
            " ORDER BY position", [*params, *_EVENTS, at, q.end.isoformat()]).all():
        event, volunteer, township = row["event"], row["subject_id"], row["township"]
        within = date.fromisoformat(row["occurred_on"]) in q
        now: str = status.get(volunteer, (township, VolunteerStatus.PENDING))[1]
        if event == "VolunteerReviewed":
            if row["kind"] == "reject":
                now = VolunteerStatus.REJECTED
                if within:
                    tally.count(township, None, "volunteers_rejected")
            elif row["amount"]:
                now = VolunteerStatus.APPROVED
                if within:
                    tally.count(township, None, "volunteers_newly_approved")
        elif event == "VolunteerCommended":
            if within:
                commended.add(volunteer)
        else:
            now = _STATUS_AFTER[event]
            if within and event == "VolunteerApplied":
                tally.count(township, None, "volunteers_applied")
            if within and event == "VolunteerDisqualified":
                tally.count(township, None, "volunteers_disqualified")
        status[volunteer] = (township, now)
    for volunteer in sorted(commended):
        tally.count(status[volunteer][0], None, "volunteers_commended")
    for township, now in status.values():
        if now in _COUNTED:
            tally.count(township, None, f"volunteers_{now}")
