"""The pairings' register (结对台账): active or ended, who with whom, last contact."""

from __future__ import annotations

from typing import Any

from domain.events import ContactRecorded, PairingEnded, PairingFormed
from projections.events import Dispatching, csv, handles, iso
from projections.projection import View
from projections.sql import Row, Tx


class PairingsRegister(Dispatching, View):
    """Pairings with their children, volunteers, contact counts and last contact."""

    name = "pairings"
    tables = ("reg_pairings", "reg_pairing_members")
    schema = (
        "CREATE TABLE IF NOT EXISTS reg_pairings ("
        " pairing_id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL,"
        " principle TEXT NOT NULL, shape TEXT NOT NULL, child_ids TEXT NOT NULL,"
        " volunteer_ids TEXT NOT NULL, starts_on TEXT NOT NULL, ended_on TEXT,"
        " end_reason TEXT, contacts INTEGER NOT NULL DEFAULT 0,"
        " home_visits INTEGER NOT NULL DEFAULT 0, items INTEGER NOT NULL DEFAULT 0,"
        " last_contact_on TEXT)",
        "CREATE TABLE IF NOT EXISTS reg_pairing_members ("
        " pairing_id TEXT NOT NULL, member_id TEXT NOT NULL, member TEXT NOT NULL,"
        " PRIMARY KEY (pairing_id, member_id))",
        "CREATE INDEX IF NOT EXISTS reg_pairing_members_member"
        " ON reg_pairing_members (member_id)",
    )

    @handles(PairingFormed)
    def _formed(self, e: Any, tx: Tx) -> None:
        shape = ("many_to_one" if len(e.volunteer_ids) > 1 else
                 "one_to_many" if len(e.child_ids) > 1 else "one_to_one")
        tx.execute(
            "INSERT INTO reg_pairings (pairing_id, version, status, principle, shape,"
            " child_ids, volunteer_ids, starts_on) VALUES (?,?,?,?,?,?,?,?)",
            (str(e.originator_id), e.originator_version, "active", e.principle.value, shape,
             csv(e.child_ids), csv(e.volunteer_ids), iso(e.starts_on)))
        tx.executemany(
            "INSERT INTO reg_pairing_members (pairing_id, member_id, member) VALUES (?,?,?)",
            [(str(e.originator_id), str(i), "child") for i in e.child_ids]
            + [(str(e.originator_id), str(i), "volunteer") for i in e.volunteer_ids])

    @handles(ContactRecorded)
    def _contact(self, e: Any, tx: Tx) -> None:
        contact = e.contact
        tx.execute(
            "UPDATE reg_pairings SET version = ?, contacts = contacts + 1,"
            " home_visits = home_visits + ?, items = items + ?,"
            " last_contact_on = CASE WHEN last_contact_on IS NULL OR last_contact_on < ?"
            " THEN ? ELSE last_contact_on END WHERE pairing_id = ?",
            (e.originator_version, int(contact.kind == "home_visit"), contact.items,
             iso(contact.occurred_on), iso(contact.occurred_on), str(e.originator_id)))

    @handles(PairingEnded)
    def _ended(self, e: Any, tx: Tx) -> None:
        tx.execute("UPDATE reg_pairings SET version = ?, status = 'ended', ended_on = ?,"
                   " end_reason = ? WHERE pairing_id = ?",
                   (e.originator_version, iso(e.on), e.reason, str(e.originator_id)))


def list_pairings(tx: Tx, *, status: str | None = None, child_id: str | None = None,
                  volunteer_id: str | None = None, after: str | None = None,
                  limit: int = 50) -> list[Row]:
    """Pairings matching the filters, ordered by id, from the cursor ``after``."""
    clauses: list[str] = []
    params: list[Any] = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    for member in (child_id, volunteer_id):
        if member:
            clauses.append("pairing_id IN (SELECT pairing_id FROM reg_pairing_members"
                           " WHERE member_id = ?)")
            params.append(member)
    if after:
        clauses.append("pairing_id > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM reg_pairings{where} ORDER BY pairing_id LIMIT ?",
                      [*params, limit]).all()
