"""The annual compliance audit (年度合规审计) that the minors' online-protection regulations
require: for one calendar year (programme time), who read which children's records and why,
every break-glass use (紧急调阅) with its reason, erasures of personal data, breaches of duty
(overdue duties escalated to the federation, 逾期上报), and key rotations.

Built only from the event log and the views kept from it, and nothing else (no clock, no
log head), so the same year gives the same figures, byte for byte, as long as the log holds
the same events for that year. ``digest`` is the SHA-256 of the canonical JSON of the rest.

Erasures and key rotations are events other parts of the system record; they are found in
the log by their names (:data:`ERASURE_EVENTS`, :data:`KEY_ROTATION_EVENTS`) and counted as
none while no such event exists.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.utils import get_topic

from domain import events as domain_events
from domain.application import CareRegister
from domain.errors import NotFound
from projections.registers.access import AccessRegister, break_glass_uses, reads
from projections.registers.reminders import RemindersRegister
from projections.runner import ViewRunner

#: Names (in ``domain.events``) of the event that erases a child's personal data.
ERASURE_EVENTS = ("ChildErased", "PersonalDataErased", "ChildPersonalDataErased")
#: Names of events that rotate an encryption key (hook: none is recorded yet).
KEY_ROTATION_EVENTS = ("KeyRotated", "KeysRotated", "DataKeyRotated", "KeyEncryptionKeyRotated")
#: The views the audit reads (catch them up first for a complete year).
VIEWS = (AccessRegister, RemindersRegister)

Usernames = Callable[[str], str | None]


def year_bounds(year: int, timezone: str) -> tuple[datetime, datetime]:
    """[1 January 00:00, next 1 January 00:00) in the programme's time zone."""
    zone = ZoneInfo(timezone)
    return (datetime.combine(date(year, 1, 1), time(), zone),
            datetime.combine(date(year + 1, 1, 1), time(), zone))


def compliance_audit(register: CareRegister, views: ViewRunner, year: int,
                     names_of: Usernames | None = None) -> dict[str, Any]:
    """The audit of ``year`` as JSON-ready values (see the module's docstring)."""
    zone = register.programme.timezone
    since, until = year_bounds(year, zone)
    names = names_of or usernames(register)
    with views.store.recorder(AccessRegister).read() as tx:
        read_rows = reads(tx, since=since, until=until)
        grants = break_glass_uses(tx, since=since, until=until, limit=1_000_000)
    with views.store.recorder(RemindersRegister).read() as tx:
        escalations = tx.execute(
            "SELECT * FROM rem_escalations WHERE raised_on >= ? AND raised_on <= ?"
            " ORDER BY position", (f"{year}-01-01", f"{year}-12-31")).all()
        overdue = tx.execute(
            "SELECT duty, duty_title, COUNT(*) AS n FROM rem_reminders WHERE status = 'overdue'"
            " AND issued_on >= ? AND issued_on <= ? GROUP BY duty, duty_title ORDER BY duty",
            (f"{year}-01-01", f"{year}-12-31")).all()
    audit: dict[str, Any] = {
        "year": year, "timezone": zone,
        "period": {"from": f"{year}-01-01", "to": f"{year}-12-31"},
        "access": _access(read_rows, names),
        "break_glass": {"uses": len(grants), "items": [{
            "grant_id": g["grant_id"], "child_id": g["child_id"], "user_id": g["user_id"],
            "username": names(g["user_id"]), "reason": g["reason"], "minutes": g["minutes"],
            "granted_at": _local(g["granted_at"], zone),
            "expires_at": _local(g["expires_at"], zone), "reads": g["reads"]} for g in grants]},
        "erasures": _erasures(register, since, until, names),
        "duty_breaches": {
            "escalations": len(escalations),
            "items": [{
                "escalation_id": e["escalation_id"], "pairing_id": e["pairing_id"],
                "child_ids": _ids(e["child_ids"]), "volunteer_ids": _ids(e["volunteer_ids"]),
                "region_code": e["region_code"], "duty": e["duty"], "duty_title": e["duty_title"],
                "overdue_since": e["overdue_since"], "days_overdue": e["days_overdue"],
                "raised_on": e["raised_on"]} for e in escalations],
            "overdue_reminders": sum(row["n"] for row in overdue),
            "overdue_by_duty": [{"duty": row["duty"], "duty_title": row["duty_title"],
                                 "reminders": row["n"]} for row in overdue]},
        "key_rotations": _key_rotations(register, since, until),
    }
    audit["digest"] = digest(audit)
    return audit


def digest(audit: dict[str, Any]) -> str:
    """SHA-256 of the audit's canonical JSON, ``digest`` itself left out."""
    body = {key: value for key, value in audit.items() if key != "digest"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _access(rows: list[Any], names: Usernames) -> dict[str, Any]:
    """Reads by reader: how many, which children, what, and why (a break-glass reason, or
    the reader's duty)."""
    by_user: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_user[row["user_id"]].append(row)
    readers = []
    for user_id, own in sorted(by_user.items()):
        readers.append({
            "user_id": user_id, "username": names(user_id), "role": own[-1]["role"],
            "reads": len(own), "children": sorted({r["child_id"] for r in own}),
            "what": dict(sorted(Counter(r["what"] for r in own).items())),
            "break_glass_reads": sum(r["break_glass"] is not None for r in own),
            "reasons": sorted({r["reason"] for r in own if r["reason"]})})
    readers.sort(key=lambda r: (-r["reads"], r["username"] or "", r["user_id"]))
    return {"reads": len(rows), "children_read": len({r["child_id"] for r in rows}),
            "readers": readers}


def _events(register: CareRegister, names: tuple[str, ...]) -> Iterator[Any]:
    """Every event in the log of the classes named (those that exist), in log order."""
    classes = [getattr(domain_events, name) for name in names if hasattr(domain_events, name)]
    if not classes:
        return
    topics = [get_topic(cls) for cls in classes]
    position: int | None = None
    while True:
        batch = register.recorder.select_notifications(
            start=position, limit=500, topics=topics, inclusive_of_start=position is None)
        if not batch:
            return
        for notification in batch:
            yield register.mapper.to_domain_event(notification)
        position = batch[-1].id


def _erasures(register: CareRegister, since: datetime, until: datetime,
              names: Usernames) -> dict[str, Any]:
    items = []
    for e in _events(register, ERASURE_EVENTS):
        if since <= e.timestamp < until:
            actor = getattr(e, "actor", None)
            items.append({"child_id": str(e.originator_id), "reason": getattr(e, "reason", ""),
                          "on": _day(getattr(e, "on", None), e.timestamp, since.tzinfo),
                          "by": None if actor is None else names(actor.id)})
    return {"count": len(items), "items": items}


def _key_rotations(register: CareRegister, since: datetime, until: datetime) -> dict[str, Any]:
    items = [{"key": str(e.originator_id), "at": e.timestamp.astimezone(UTC).isoformat(),
              "reason": getattr(e, "reason", "")}
             for e in _events(register, KEY_ROTATION_EVENTS) if since <= e.timestamp < until]
    return {"count": len(items), "items": items,
            "recorded": any(hasattr(domain_events, name) for name in KEY_ROTATION_EVENTS)}


def usernames(register: CareRegister) -> Usernames:
    """Each user id's username, looked up once (None for an unknown id)."""
    known: dict[str, str | None] = {}

    def name(user_id: str) -> str | None:
        if user_id not in known:
            try:
                known[user_id] = register.get_user(UUID(user_id)).username
            except (ValueError, NotFound):
                known[user_id] = None
        return known[user_id]

    return name


def _ids(text: str) -> list[str]:
    return [item for item in text.strip(",").split(",") if item]


def _local(instant: str, zone: str) -> str:
    return datetime.fromisoformat(instant).astimezone(ZoneInfo(zone)).isoformat()


def _day(on: object, at: datetime, zone: Any) -> str:
    return on.isoformat() if isinstance(on, date) else at.astimezone(zone).date().isoformat()
