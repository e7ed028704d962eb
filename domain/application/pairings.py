"""Use cases for pairings (结对帮扶) and the contacts and visits recorded on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cached_property
from uuid import UUID

from domain.application.base import AixinApplication
from domain.application.views import PairingMembers, PairingView, Recorded
from domain.children import Child
from domain.common import Actor, Remembered
from domain.duties.evaluation import DutyStatus
from domain.duties.rules import DUTY_SETS
from domain.errors import InvalidRecord, NotFound, PairingHasEnded
from domain.pairings import Pairing, duties_owed
from domain.volunteers import Volunteer

#: Pairings whose members one process remembers (see ``pairing_members``).
MEMBERS_REMEMBERED = 100_000


class PairingsService(AixinApplication):
    """Form pairings, record contacts, end pairings, and say where the duties stand."""

    def form_pairing(self, *, child_ids: Sequence[UUID], volunteer_ids: Sequence[UUID],
                     principle: str, actor: Actor, agreement_signed_on: date | None = None,
                     starts_on: date | None = None,
                     duty_sets: Sequence[str] | None = None) -> UUID:
        """Pair approved volunteers with active children; returns the pairing's id."""
        today = self.today()
        starts = starts_on or today
        sets = tuple(duty_sets) if duty_sets else self.programme.pairing_duty_sets
        try:
            self.programme.duty_rules(sets)
        except (KeyError, ValueError) as error:
            raise InvalidRecord("duty_sets", f"{error.args[0] if error.args else error}; "
                                f"known: {', '.join(DUTY_SETS)}") from None
        pairing = Pairing.form(
            children=[self._get(Child, child_id) for child_id in child_ids],
            volunteers=[self._get(Volunteer, volunteer_id) for volunteer_id in volunteer_ids],
            principle=principle, agreement_signed_on=agreement_signed_on or starts,
            starts_on=starts, duty_sets=sets, today=today, actor=actor)
        self._commit(pairing)
        return pairing.id

    def get_pairing(self, pairing_id: UUID) -> PairingView:
        return PairingView.of(self._get(Pairing, pairing_id))

    def pairing_members(self, pairing_id: UUID) -> PairingMembers:
        """Who the pairing pairs. Members are fixed when a pairing is formed, so they are read
        once and then remembered (at most :data:`MEMBERS_REMEMBERED` pairings per process):
        checking who may act on a pairing costs no read of the store."""
        members = self._members.get(str(pairing_id))
        if members is None:
            pairing = self._get(Pairing, pairing_id)
            members = PairingMembers(pairing.child_ids, pairing.volunteer_ids)
            self._members[str(pairing_id)] = members
        return members

    @cached_property
    def _members(self) -> Remembered[PairingMembers]:
        return Remembered(limit=MEMBERS_REMEMBERED)

    def record_contact(self, pairing_id: UUID, *, kind: str, notes: str, actor: Actor,
                       occurred_on: date | None = None, duration_minutes: int | None = None,
                       items: int = 0, expected_version: int | None = None,
                       child_ids: Sequence[UUID] | None = None,
                       by_volunteer: UUID | None = None) -> Recorded:
        """Record a contact or visit (联系/走访); returns its id and the pairing's version.

        ``child_ids`` names the children of the pairing it concerns (required when the pairing
        has several); ``by_volunteer`` is the recording user's own volunteer record, if she is
        one: a volunteer not in good standing records no contacts (see
        :func:`domain.pairings.check_in_good_standing`).

        A contact adds to the pairing's record: one recorded by another volunteer of the
        pairing at the same moment is no reason to refuse it (see ``_add_to``)."""
        def record(pairing: Pairing) -> Recorded:  # the version its new event gives it
            volunteers = [self._read(Volunteer, v) for v in pairing.volunteer_ids]
            return Recorded(pairing.record_contact(
                kind=kind, occurred_on=occurred_on or self.today(), notes=notes,
                today=self.today(), actor=actor, known_kinds=self.programme.contact_kinds,
                duration_minutes=duration_minutes, items=items, child_ids=child_ids,
                volunteers=volunteers, by_volunteer=by_volunteer), pairing.version)

        return self._add_to(Pairing, pairing_id, expected_version, record)

    def end_pairing(self, pairing_id: UUID, *, reason: str, actor: Actor,
                    on: date | None = None, expected_version: int | None = None) -> int:
        """End the pairing with a reason; its history stays."""
        today = self.today()
        return self._change(Pairing, pairing_id, expected_version, lambda p: p.end(
            reason=reason, on=on or today, today=today, actor=actor)).version

    def end_pairing_because(self, pairing_id: UUID, *, reason: str, on: date,
                            actor: Actor) -> bool:
        """End the pairing as a consequence of another record (the child left the programme,
        the volunteer was disqualified); whether it was still active and is now ended.

        Idempotent: a pairing already ended is left as it is. It ends on ``on``, or on its
        last contact if one was recorded later (a pairing never ends before its contacts).
        """
        today = self.today()

        def end(pairing: Pairing) -> None:
            last = max((c.occurred_on for c in pairing.contacts), default=pairing.starts_on)
            pairing.end(reason=reason, on=min(max(on, last), today), today=today, actor=actor)

        recorded, _ = self._change_racing(Pairing, pairing_id, end, refused=PairingHasEnded)
        return recorded

    def pairing_duties(self, pairing_id: UUID, on: date | None = None) -> tuple[DutyStatus, ...]:
        """Where each duty of the pairing's rule set stands on ``on`` (default today) for each
        of its children (``DutyStatus.child_id``): by child in the pairing's order, then by
        duty. A contact counts only for the children it names."""
        pairing = self._get(Pairing, pairing_id)
        return self._duties(pairing, self._duty_day(pairing, on))

    def child_duties_in(self, pairing_id: UUID, child_id: UUID,
                        on: date | None = None) -> tuple[DutyStatus, ...]:
        """Where each duty the pairing owes ``child_id`` stands on ``on`` (default today),
        judged on the contacts that name the child alone. NotFound if the child is not one
        of the pairing's."""
        pairing = self._get(Pairing, pairing_id)
        if child_id not in pairing.child_ids:
            raise NotFound(f"child {child_id} is not a child of pairing {pairing_id}")
        return self._duties(pairing, self._duty_day(pairing, on), (child_id,))

    def _duty_day(self, pairing: Pairing, on: date | None) -> date:
        day = on or self.today()
        if day < pairing.starts_on:
            raise InvalidRecord("on", f"{day} is before the pairing started "
                                f"({pairing.starts_on}); duties begin with the pairing")
        return day

    def _duties(self, pairing: Pairing, day: date,
                children: Sequence[UUID] | None = None) -> tuple[DutyStatus, ...]:
        return duties_owed(pairing, self.programme.pairing_rules(pairing.duty_sets), day,
                           ends_on=pairing.ended_on, calendar=self.programme.calendar,
                           children=children)
