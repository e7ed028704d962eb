"""The reminders' register (提醒台账): every reminder issued, its delivery, and escalations.

One row per reminder with what it is about (pairing, child, duty, period, the duty's status
when it was issued: ``due`` or ``overdue``) and where its delivery stands:

- ``pending``: issued, no attempt recorded yet (or no channel is configured);
- ``sending``: an attempt is under way or will be retried;
- ``delivered``: reached the volunteers on every channel tried;
- ``failed``: at least one target was given up on (staff should follow up).

Escalations (逾期上报) are kept beside, and mark the reminder of the period they were raised in.
Where a reminder belongs, for federation staff: the division code of the child it is about
(a reminder issued before reminders named their child: its pairing's first child's) or any of
its volunteers' own. Ids and codes only: names and addresses stay in the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import (
    ChildTransferred,
    DutyEscalated,
    ReminderDelivered,
    ReminderDeliveryAttempted,
    ReminderDeliveryFailed,
    ReminderIssued,
    SchoolChanged,
    VolunteerApplied,
)
from projections.events import csv, iso
from projections.moves import is_latest_move, moves_schema, place_of
from projections.projection import View
from storage.sql import Row, Tx, prefix, starts_with

#: The events of one target's delivery (attempted, then delivered or failed).
Delivery = ReminderDeliveryAttempted | ReminderDelivered | ReminderDeliveryFailed

DUTY_STATUSES = ("due", "overdue")
DELIVERY_STATUSES = ("pending", "sending", "delivered", "failed")


class RemindersRegister(View):
    """Reminders by volunteer, pairing, child, status and region; escalations by region."""

    name = "reminders"
    tables = ("rem_volunteers", "rem_reminders", "rem_recipients", "rem_children",
              "rem_deliveries", "rem_escalations", "rem_child_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rem_volunteers (volunteer_id TEXT PRIMARY KEY,"
        " region_code TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rem_reminders ("
        " reminder_id TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL,"
        " pairing_id TEXT NOT NULL, child_ids TEXT NOT NULL, volunteer_ids TEXT NOT NULL,"
        " region_code TEXT NOT NULL, school TEXT NOT NULL, duty TEXT NOT NULL,"
        " duty_title TEXT NOT NULL, status TEXT NOT NULL, period_label TEXT NOT NULL,"
        " period_start TEXT NOT NULL, period_end TEXT NOT NULL, overdue_since TEXT,"
        " reason TEXT NOT NULL, issued_on TEXT NOT NULL, issued_at TEXT NOT NULL,"
        " delivery TEXT NOT NULL, escalation_id TEXT, escalated_on TEXT, child_id TEXT)",
        "CREATE INDEX IF NOT EXISTS rem_reminders_position ON rem_reminders (position)",
        "CREATE INDEX IF NOT EXISTS rem_reminders_pairing ON rem_reminders (pairing_id)",
        "CREATE TABLE IF NOT EXISTS rem_recipients (reminder_id TEXT NOT NULL,"
        " volunteer_id TEXT NOT NULL, region_code TEXT NOT NULL,"
        " PRIMARY KEY (reminder_id, volunteer_id))",
        "CREATE INDEX IF NOT EXISTS rem_recipients_volunteer ON rem_recipients (volunteer_id)",
        "CREATE TABLE IF NOT EXISTS rem_children (reminder_id TEXT NOT NULL,"
        " child_id TEXT NOT NULL, PRIMARY KEY (reminder_id, child_id))",
        "CREATE INDEX IF NOT EXISTS rem_children_child ON rem_children (child_id)",
        "CREATE TABLE IF NOT EXISTS rem_deliveries (reminder_id TEXT NOT NULL,"
        " volunteer_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL,"
        " attempts INTEGER NOT NULL, error TEXT NOT NULL, at TEXT NOT NULL,"
        " PRIMARY KEY (reminder_id, volunteer_id, channel))",
        "CREATE TABLE IF NOT EXISTS rem_escalations (escalation_id TEXT PRIMARY KEY,"
        " position BIGINT NOT NULL, pairing_id TEXT NOT NULL, child_ids TEXT NOT NULL,"
        " volunteer_ids TEXT NOT NULL, region_code TEXT NOT NULL, school TEXT NOT NULL,"
        " federation_region_codes TEXT NOT NULL, duty TEXT NOT NULL, duty_title TEXT NOT NULL,"
        " overdue_since TEXT NOT NULL, days_overdue INTEGER NOT NULL,"
        " threshold_days INTEGER NOT NULL, reminder_id TEXT NOT NULL, raised_on TEXT NOT NULL,"
        " child_id TEXT)",
        "CREATE INDEX IF NOT EXISTS rem_escalations_position ON rem_escalations (position)",
        moves_schema("rem_child_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _volunteer(self, e: VolunteerApplied, tx: Tx) -> None:
        tx.insert("rem_volunteers", ("volunteer_id", "region_code"),
                  [(str(e.originator_id), e.form.region_code)])

    @apply.register
    def _issued(self, e: ReminderIssued, tx: Tx) -> None:
        key = str(e.originator_id)
        tx.insert(
            "rem_reminders",
            ("reminder_id", "position", "version", "pairing_id", "child_ids", "volunteer_ids",
             "region_code", "school", "duty", "duty_title", "status", "period_label",
             "period_start", "period_end", "overdue_since", "reason", "issued_on", "issued_at",
             "delivery", "child_id"),
            [(key, tx.position, e.originator_version, str(e.pairing_id), csv(e.child_ids),
              csv(e.volunteer_ids), e.region_code, e.school, e.duty, e.duty_title,
              e.duty_status, e.period_label, iso(e.period_start), iso(e.period_end),
              iso(e.overdue_since), e.reason, iso(e.on), _instant(e.timestamp), "pending",
              None if e.child_id is None else str(e.child_id))])
        for volunteer_id in e.volunteer_ids:
            region = tx.execute("SELECT region_code FROM rem_volunteers WHERE volunteer_id = ?",
                                (str(volunteer_id),)).scalar()
            tx.insert("rem_recipients", ("reminder_id", "volunteer_id", "region_code"),
                      [(key, str(volunteer_id), region or "")])
        tx.insert("rem_children", ("reminder_id", "child_id"),
                  [(key, str(child_id)) for child_id in e.children])

    @apply.register
    def _child_moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: the reminders and escalations about the child (about it alone,
        for a pairing's) belong where the child now is. After a transfer they no longer
        reach the staff of its caring mothers' region either: the child has left their
        sight (its pairings ended before it moved)."""
        if not is_latest_move(tx, "rem_child_moves", e):
            return
        column, value = place_of(e)
        child = str(e.originator_id)
        about = ("SELECT reminder_id FROM rem_reminders WHERE child_id = ? OR reminder_id IN"
                 " (SELECT reminder_id FROM rem_children GROUP BY reminder_id"
                 " HAVING MIN(child_id) = ? AND MAX(child_id) = ?)")
        reminders = [row["reminder_id"] for row in tx.execute(about, (child,) * 3).all()]
        for reminder_id in reminders:
            tx.execute(f"UPDATE rem_reminders SET {column} = ? WHERE reminder_id = ?",
                       (value, reminder_id))
            if column == "region_code":
                tx.execute("UPDATE rem_recipients SET region_code = '' WHERE reminder_id = ?",
                           (reminder_id,))
        tx.execute(f"UPDATE rem_escalations SET {column} = ? WHERE child_id = ?", (value, child))

    @apply.register
    def _attempted(self, e: ReminderDeliveryAttempted, tx: Tx) -> None:
        key = (str(e.originator_id), str(e.volunteer_id), e.channel)
        tx.execute("DELETE FROM rem_deliveries WHERE reminder_id = ? AND volunteer_id = ?"
                   " AND channel = ?", key)
        tx.insert(
            "rem_deliveries",
            ("reminder_id", "volunteer_id", "channel", "state", "attempts", "error", "at"),
            [(*key, "sending", e.attempt, "", _instant(e.at))])
        self._settle(e, tx)

    @apply.register
    def _delivered(self, e: ReminderDelivered, tx: Tx) -> None:
        self._outcome(e, tx, "delivered", "")

    @apply.register
    def _failed(self, e: ReminderDeliveryFailed, tx: Tx) -> None:
        self._outcome(e, tx, "failed" if e.final else "retrying", e.error)

    def _outcome(self, e: ReminderDelivered | ReminderDeliveryFailed, tx: Tx, state: str,
                 error: str) -> None:
        tx.execute("UPDATE rem_deliveries SET state = ?, error = ?, at = ? WHERE reminder_id = ?"
                   " AND volunteer_id = ? AND channel = ?",
                   (state, error, _instant(e.at), str(e.originator_id), str(e.volunteer_id),
                    e.channel))
        self._settle(e, tx)

    @staticmethod
    def _settle(e: Delivery, tx: Tx) -> None:
        """The reminder's delivery status from its targets' states."""
        key = str(e.originator_id)
        states = {row["state"] for row in tx.execute(
            "SELECT state FROM rem_deliveries WHERE reminder_id = ?", (key,)).all()}
        if "failed" in states:
            delivery = "failed"
        elif states & {"sending", "retrying"}:
            delivery = "sending"
        else:
            delivery = "delivered" if "delivered" in states else "pending"
        tx.execute("UPDATE rem_reminders SET delivery = ?, version = ? WHERE reminder_id = ?",
                   (delivery, e.originator_version, key))

    @apply.register
    def _escalated(self, e: DutyEscalated, tx: Tx) -> None:
        key = str(e.originator_id)
        tx.insert(
            "rem_escalations",
            ("escalation_id", "position", "pairing_id", "child_ids", "volunteer_ids",
             "region_code", "school", "federation_region_codes", "duty", "duty_title",
             "overdue_since", "days_overdue", "threshold_days", "reminder_id", "raised_on",
             "child_id"),
            [(key, tx.position, str(e.pairing_id), csv(e.child_ids), csv(e.volunteer_ids),
              e.region_code, e.school, csv(e.federation_region_codes), e.duty, e.duty_title,
              iso(e.overdue_since), e.days_overdue, e.threshold_days, str(e.reminder_id),
              iso(e.on), None if e.child_id is None else str(e.child_id))])
        tx.execute("UPDATE rem_reminders SET escalation_id = ?, escalated_on = ?"
                   " WHERE reminder_id = ? AND escalation_id IS NULL",
                   (key, iso(e.on), str(e.reminder_id)))


def _instant(moment: datetime) -> str:
    """An instant as stored: UTC ISO 8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None:  # the library records UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def list_reminders(tx: Tx, *, volunteer_id: str | None = None, pairing_id: str | None = None,
                   child_id: str | None = None, status: str | None = None,
                   region_code: str | None = None, school: str | None = None,
                   school_region: str | None = None, escalated: bool | None = None,
                   after: int | None = None, limit: int = 50) -> list[Row]:
    """Reminders matching the filters, in the order they were issued, after the cursor
    ``after`` (the ``position`` of the last row of the previous page).

    ``status`` is the duty's status when issued (``due``, ``overdue``) or the delivery's
    (``pending``, ``sending``, ``delivered``, ``failed``). ``region_code`` is a division-code
    prefix matching the pairing's code or a volunteer's; ``school_region`` one matching the
    pairing's code alone (with ``school``: a school where it is, since names repeat).
    """
    clauses: list[str] = []
    params: list[Any] = []
    if status in DUTY_STATUSES:
        clauses.append("status = ?")
        params.append(status)
    elif status:
        clauses.append("delivery = ?")
        params.append(status)
    for column, table, value in (("volunteer_id", "rem_recipients", volunteer_id),
                                 ("child_id", "rem_children", child_id)):
        if value:
            clauses.append(f"reminder_id IN (SELECT reminder_id FROM {table}"
                           f" WHERE {column} = ?)")
            params.append(str(value))
    for column, value in (("pairing_id", pairing_id), ("school", school)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(str(value))
    if region_code:
        clauses.append(f"({starts_with('region_code')} OR reminder_id IN (SELECT reminder_id"
                       f" FROM rem_recipients WHERE {starts_with('region_code')}))")
        params += [prefix(region_code), prefix(region_code)]
    if school_region:
        clauses.append(starts_with("region_code"))
        params.append(prefix(school_region))
    if escalated is not None:
        clauses.append("escalation_id IS NOT NULL" if escalated else "escalation_id IS NULL")
    if after is not None:
        clauses.append("position > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM rem_reminders{where} ORDER BY position LIMIT ?",
                      [*params, limit]).all()


def deliveries_of(tx: Tx, reminder_ids: Iterable[str]) -> dict[str, list[Row]]:
    """Each reminder's targets (volunteer, channel) with their state, attempts and last error."""
    ids = list(reminder_ids)
    found: dict[str, list[Row]] = {key: [] for key in ids}
    if not ids:
        return found
    marks = ", ".join("?" * len(ids))
    for row in tx.execute(f"SELECT * FROM rem_deliveries WHERE reminder_id IN ({marks})"
                          " ORDER BY reminder_id, volunteer_id, channel", ids).all():
        found[row["reminder_id"]].append(row)
    return found


def list_escalations(tx: Tx, *, region_code: str | None = None, pairing_id: str | None = None,
                     after: int | None = None, limit: int = 50) -> list[Row]:
    """Escalations (逾期上报) in the order raised; ``region_code`` is a prefix matching the
    federation level they were raised to (a volunteer's code) or the pairing's code."""
    clauses: list[str] = []
    params: list[Any] = []
    if region_code:
        clauses.append(f"({starts_with('region_code')}"
                       " OR federation_region_codes LIKE ? ESCAPE '\\')")
        params += [prefix(region_code), "%," + prefix(region_code)]
    if pairing_id:
        clauses.append("pairing_id = ?")
        params.append(str(pairing_id))
    if after is not None:
        clauses.append("position > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM rem_escalations{where} ORDER BY position LIMIT ?",
                      [*params, limit]).all()
