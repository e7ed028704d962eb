"""Use cases for volunteers (爱心妈妈): application, level-by-level review, and after."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.application.row_identities import RowIdentitiesService
from domain.application.views import VolunteerView
from domain.common import Actor
from domain.errors import StaleVersion
from domain.imports.rows import volunteer_identity
from domain.volunteers import Volunteer, VolunteerForm


class VolunteersService(RowIdentitiesService):
    """Applications, reviews, suspension, reinstatement, disqualification, commendation.

    Each command returns the volunteer's new version (or view), for If-Match.
    """

    def apply_to_volunteer(self, form: VolunteerForm, *, actor: Actor,
                           applied_on: date | None = None) -> UUID:
        """Record an application (登记); returns the volunteer's id. The volunteer holds the
        claim of her name and phone, where no volunteer holds it yet, so that a register
        imported later knows her (``domain.application.row_identities``)."""
        today = self.today()
        volunteer = Volunteer.apply(form=form, approval_levels=self.programme.approval_levels,
                                    applied_on=applied_on or today, today=today, actor=actor)
        index = self.row_index(volunteer_identity(form.name, form.phone))
        holder, tenure = self.identity_holder(index, self.volunteer_recorded)
        if holder is not None:
            self._commit(volunteer)
            return volunteer.id
        try:
            self._commit(self.identity_claim(index, tenure, volunteer.id, on=today,
                                             actor=actor), volunteer)
        except StaleVersion:  # another volunteer of the name and phone came first
            self._commit(volunteer)
        return volunteer.id

    def get_volunteer(self, volunteer_id: UUID) -> VolunteerView:
        return VolunteerView.of(self._get(Volunteer, volunteer_id))

    def review_volunteer(self, volunteer_id: UUID, *, level: str, decision: str,
                         opinion: str, actor: Actor, on: date | None = None,
                         signed_by: str | None = None,
                         expected_version: int | None = None) -> VolunteerView:
        """One level's opinion (意见): approve or reject, each level signed by a different
        person; an admin keying in a paper form names who signed it (``signed_by``)."""
        today = self.today()
        return VolunteerView.of(self._change(
            Volunteer, volunteer_id, expected_version,
            lambda v: v.review(level=level, decision=decision, opinion=opinion,
                               on=on or today, today=today, actor=actor,
                               signed_by=signed_by)))

    def suspend_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                          on: date | None = None, expected_version: int | None = None) -> int:
        """Suspend an approved volunteer (暂停)."""
        today = self.today()
        return self._change(Volunteer, volunteer_id, expected_version, lambda v: v.suspend(
            reason=reason, on=on or today, today=today, actor=actor)).version

    def reinstate_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                            on: date | None = None, expected_version: int | None = None) -> int:
        """Reinstate a suspended volunteer (恢复)."""
        today = self.today()
        return self._change(Volunteer, volunteer_id, expected_version, lambda v: v.reinstate(
            reason=reason, on=on or today, today=today, actor=actor)).version

    def disqualify_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                             on: date | None = None,
                             expected_version: int | None = None) -> int:
        """Disqualify a volunteer for not doing the duties (取消资格)."""
        today = self.today()
        return self._change(Volunteer, volunteer_id, expected_version, lambda v: v.disqualify(
            reason=reason, on=on or today, today=today, actor=actor)).version

    def commend_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                          on: date | None = None, expected_version: int | None = None) -> int:
        """Commend an approved volunteer (表彰)."""
        today = self.today()
        return self._change(Volunteer, volunteer_id, expected_version, lambda v: v.commend(
            reason=reason, on=on or today, today=today, actor=actor)).version
