"""The volunteers (志愿者/爱心妈妈队伍): applied, approved (the last level's approval), rejected,
disqualified and commended within the quarter, and by status on its last day
(``volunteers_approved`` are those approved and neither suspended nor disqualified then), and
the volunteers paired (``volunteers_paired``: each volunteer of a pairing active on that day,
once). Counted in the township of the registration form.

Whether a volunteer is in good standing on a day (在册有效: approved, and not suspended,
disqualified or rejected, as ``domain.volunteers.Volunteer.in_good_standing`` says of her now)
is folded from her dated facts (:func:`in_good_standing_on`): pairing coverage counts only the
children whose pairings have such a volunteer (see :mod:`projections.reports.coverage`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.reports import Quarter
from domain.volunteers import VolunteerStatus
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from storage.sql import Row, Tx

_EVENTS = ("VolunteerApplied", "VolunteerReviewed", "VolunteerSuspended",
           "VolunteerReinstated", "VolunteerDisqualified", "VolunteerCommended")
#: A volunteer's status after each event, as ``domain.volunteers.Volunteer`` moves it.
_STATUS_AFTER = {"VolunteerApplied": VolunteerStatus.PENDING,
                 "VolunteerSuspended": VolunteerStatus.SUSPENDED,
                 "VolunteerReinstated": VolunteerStatus.APPROVED,
                 "VolunteerDisqualified": VolunteerStatus.DISQUALIFIED}
#: The statuses counted on the quarter's last day (``volunteers_<status>``).
_COUNTED = (VolunteerStatus.APPROVED, VolunteerStatus.PENDING, VolunteerStatus.SUSPENDED)


#: The order a volunteer's facts are taken in to know her status on a day: by the days they
#: happened on, a later-recorded fact of the same day last (late entries, 补录, fall in place).
_IN_BUSINESS_ORDER = "occurred_on, position"
#: What a fact within the quarter counts (a review: a rejection, or the approval at the last
#: level).
_FLOWS = {"VolunteerApplied": "volunteers_applied",
          "VolunteerDisqualified": "volunteers_disqualified"}


def count_volunteers(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """Volunteers applied, approved, rejected, disqualified and commended within the quarter,
    and by status on its last day."""
    where, params = scope.sql()
    status: dict[str, tuple[str, str]] = {}
    commended: set[str] = set()
    marks = ", ".join("?" * len(_EVENTS))
    for row in tx.execute(
            f"SELECT event, subject_id, {scope.unit()} AS township, kind, amount, occurred_on"
            " FROM rf_facts"
            f" WHERE {where} AND event IN ({marks}) AND recorded_at <= ? AND occurred_on <= ?"
            f" ORDER BY {_IN_BUSINESS_ORDER}", [*params, *_EVENTS, at, q.end.isoformat()]).all():
        event, volunteer, township = row["event"], row["subject_id"], row["township"]
        within = date.fromisoformat(row["occurred_on"]) in q
        if event == "VolunteerCommended":
            if within:
                commended.add(volunteer)
            continue
        now = _status_after(row, status.get(volunteer, (township, None))[1])
        flow = _FLOWS.get(event) if event != "VolunteerReviewed" else (
            "volunteers_rejected" if now == VolunteerStatus.REJECTED
            else "volunteers_newly_approved" if row["amount"] else None)
        if within and flow:
            tally.count(township, None, flow)
        status[volunteer] = (township, now)
    for volunteer in sorted(commended):
        tally.count(status[volunteer][0], None, "volunteers_commended")
    for township, now in status.values():
        if now in _COUNTED:
            tally.count(township, None, f"volunteers_{now}")
    count_volunteers_paired(tx, scope, q, at, tally)


def in_good_standing_on(tx: Tx, volunteer_ids: Iterable[str], day: date, at: str) -> set[str]:
    """The volunteers among ``volunteer_ids`` in good standing on ``day``, as known at ``at``:
    their applications, reviews, suspensions (暂停), reinstatements (恢复) and
    disqualifications (取消资格) recorded by ``at``, taken in the order of the days they happened
    on (a later-recorded fact of the same day last), leave them approved."""
    wanted = sorted(set(volunteer_ids))
    moving = [event for event in _EVENTS if event != "VolunteerCommended"]
    status: dict[str, str] = {}
    for first in range(0, len(wanted), 500):
        chunk = wanted[first:first + 500]
        for row in tx.execute(
                "SELECT event, subject_id, kind, amount FROM rf_facts"
                f" WHERE subject_id IN ({', '.join('?' * len(chunk))})"
                f" AND event IN ({', '.join('?' * len(moving))})"
                f" AND recorded_at <= ? AND occurred_on <= ? ORDER BY {_IN_BUSINESS_ORDER}",
                [*chunk, *moving, at, day.isoformat()]).all():
            status[row["subject_id"]] = _status_after(row, status.get(row["subject_id"]))
    return {volunteer for volunteer, now in status.items() if now == VolunteerStatus.APPROVED}


def _status_after(row: Row, before: str | None) -> str:
    if row["event"] != "VolunteerReviewed":
        return _STATUS_AFTER[row["event"]]
    if row["kind"] == "reject":
        return VolunteerStatus.REJECTED
    if row["amount"]:
        return VolunteerStatus.APPROVED
    return before or VolunteerStatus.PENDING


def count_volunteers_paired(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> None:
    """The volunteers (爱心妈妈) of the pairings active on the quarter's last day, each once, in
    the township of her registration form."""
    day = q.end.isoformat()
    where, params = scope.sql("v")
    paired: dict[str, str] = {}
    for row in tx.execute(
            f"SELECT pv.volunteer_id, {scope.unit('v')} AS township, p.ended_on,"
            " p.end_recorded_at"
            " FROM rf_pairing_volunteers pv"
            " JOIN rf_pairings p ON p.pairing_id = pv.pairing_id"
            " JOIN rf_volunteers v ON v.volunteer_id = pv.volunteer_id"
            f" WHERE {where} AND v.recorded_at <= ? AND p.recorded_at <= ? AND p.starts_on <= ?",
            [*params, at, at, day]).all():
        ended_by_day = (row["ended_on"] is not None and row["end_recorded_at"] <= at
                        and row["ended_on"] <= day)
        if not ended_by_day:
            paired[row["volunteer_id"]] = row["township"]
    for volunteer in sorted(paired):
        tally.count(paired[volunteer], None, "volunteers_paired")
