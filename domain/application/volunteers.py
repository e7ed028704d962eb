"""Use cases for volunteers (爱心妈妈): application, level-by-level review, and after."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.application.base import AixinApplication
from domain.application.views import VolunteerView
from domain.common import Actor
from domain.volunteers import Volunteer, VolunteerForm


class VolunteersService(AixinApplication):
    """Applications, reviews, suspension, reinstatement, disqualification, commendation."""

    def apply_to_volunteer(self, form: VolunteerForm, *, actor: Actor,
                           applied_on: date | None = None) -> UUID:
        """Record an application (登记); returns the volunteer's id."""
        today = self.today()
        volunteer = Volunteer.apply(form=form, approval_levels=self.programme.approval_levels,
                                    applied_on=applied_on or today, today=today, actor=actor)
        self._commit(volunteer)
        return volunteer.id

    def get_volunteer(self, volunteer_id: UUID) -> VolunteerView:
        return VolunteerView.of(self._get(Volunteer, volunteer_id))

    def review_volunteer(self, volunteer_id: UUID, *, level: str, decision: str,
                         opinion: str, actor: Actor, on: date | None = None,
                         expected_version: int | None = None) -> VolunteerView:
        """One level's opinion (意见): approve or reject."""
        volunteer = self._get(Volunteer, volunteer_id, expected_version)
        volunteer.review(level=level, decision=decision, opinion=opinion,
                         on=on or self.today(), today=self.today(), actor=actor)
        self._commit(volunteer)
        return VolunteerView.of(volunteer)

    def suspend_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                          on: date | None = None, expected_version: int | None = None) -> int:
        volunteer = self._get(Volunteer, volunteer_id, expected_version)
        volunteer.suspend(reason=reason, on=on or self.today(), today=self.today(), actor=actor)
        self._commit(volunteer)
        return volunteer.version

    def reinstate_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                            on: date | None = None, expected_version: int | None = None) -> int:
        volunteer = self._get(Volunteer, volunteer_id, expected_version)
        volunteer.reinstate(reason=reason, on=on or self.today(), today=self.today(),
                            actor=actor)
        self._commit(volunteer)
        return volunteer.version

    def disqualify_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                             on: date | None = None,
                             expected_version: int | None = None) -> int:
        volunteer = self._get(Volunteer, volunteer_id, expected_version)
        volunteer.disqualify(reason=reason, on=on or self.today(), today=self.today(),
                             actor=actor)
        self._commit(volunteer)
        return volunteer.version

    def commend_volunteer(self, volunteer_id: UUID, *, reason: str, actor: Actor,
                          on: date | None = None, expected_version: int | None = None) -> int:
        volunteer = self._get(Volunteer, volunteer_id, expected_version)
        volunteer.commend(reason=reason, on=on or self.today(), today=self.today(), actor=actor)
        self._commit(volunteer)
        return volunteer.version
