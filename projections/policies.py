"""Policies (联动规则): records that follow from other records, issued as the log is followed.

When the last active child of a pairing leaves the programme, or its last qualified
volunteer is disqualified, the pairing ends: the decision and its reason are the domain's
(:func:`domain.pairings.ends_when_member_leaves`); the policy keeps who is still in each
pairing and issues the command the decision calls for.

A policy is applied like a view, in batches with its position (so a restart resumes where
it stopped), but it also issues commands to the register. A command can therefore run
again after a crash or a batch refused to a competing projector; each one is idempotent
(ending a pairing already ended records nothing), so a policy acts at least once and
records at most once.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any, Protocol
from uuid import UUID

from domain.common import SYSTEM, Actor
from domain.events import ChildExited, PairingEnded, PairingFormed, VolunteerDisqualified
from domain.pairings import Departure, ends_when_member_leaves
from projections.projection import View
from storage.sql import Tx


class EndsPairings(Protocol):
    def end_pairing_because(self, pairing_id: UUID, *, reason: str, on: Any,
                            actor: Actor) -> bool: ...


class PairingsFollowTheirMembers(View):
    """A pairing ends when none of its children remains in the programme, or none of its
    volunteers remains qualified (儿童退出 / 志愿者取消资格 → 结对终止)."""

    name = "policy_pairings"
    tables = ("pol_members",)
    schema = (
        "CREATE TABLE IF NOT EXISTS pol_members (pairing_id TEXT NOT NULL,"
        " member_id TEXT NOT NULL, member TEXT NOT NULL, gone INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (pairing_id, member_id))",
        "CREATE INDEX IF NOT EXISTS pol_members_member ON pol_members (member_id)",
    )

    def __init__(self, *args: Any, commands: EndsPairings | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = commands

    @classmethod
    def for_app(cls, recorder: Any, app: Any) -> PairingsFollowTheirMembers:
        return cls(recorder, commands=app)

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        pairing_id = str(e.originator_id)
        tx.insert("pol_members", ("pairing_id", "member_id", "member"),
                  [(pairing_id, str(child), "child") for child in e.child_ids]
                  + [(pairing_id, str(volunteer), "volunteer") for volunteer in e.volunteer_ids])

    @apply.register
    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        tx.execute("DELETE FROM pol_members WHERE pairing_id = ?", (str(e.originator_id),))

    @apply.register
    def _child_exited(self, e: ChildExited, tx: Tx) -> None:
        self._member_gone(tx, str(e.originator_id), Departure.CHILD_EXITED, e.reason, e.on)

    @apply.register
    def _volunteer_disqualified(self, e: VolunteerDisqualified, tx: Tx) -> None:
        self._member_gone(tx, str(e.originator_id), Departure.VOLUNTEER_DISQUALIFIED,
                          e.reason, e.on)

    def _member_gone(self, tx: Tx, member_id: str, departure: Departure, reason: str,
                     on: date) -> None:
        """Mark the member gone from its pairings, and end each one the domain says ends."""
        tx.execute("UPDATE pol_members SET gone = 1 WHERE member_id = ?", (member_id,))
        pairings = tx.execute(
            "SELECT m.pairing_id, (SELECT COUNT(*) FROM pol_members o"
            " WHERE o.pairing_id = m.pairing_id AND o.member = m.member AND o.gone = 0)"
            " AS still_in FROM pol_members m WHERE m.member_id = ? ORDER BY m.pairing_id",
            (member_id,)).all()
        if self.commands is None:
            raise RuntimeError("a policy runs with the register it issues commands to")
        for row in pairings:
            ending = ends_when_member_leaves(departure, reason=reason, on=on,
                                             still_on_that_side=int(row["still_in"]))
            if ending is not None:
                self.commands.end_pairing_because(UUID(row["pairing_id"]),
                                                  reason=ending.reason, on=ending.on,
                                                  actor=SYSTEM)
