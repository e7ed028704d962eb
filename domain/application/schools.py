"""Use cases for schools' enrolment (在校学生数): record a term's count, put one right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.application.known_places import DivisionKnown, KnownPlaces
from domain.common import Actor
from domain.errors import NotFound, StaleVersion
from domain.schools import SchoolEnrolment, checked_place, enrolment_id_for

#: Tries when another writer records the same school's first count at the same moment.
_TRIES = 3


@dataclass(frozen=True)
class EnrolmentNoted:
    """What recording a count did: the school's record, its version, and whether anything was
    recorded (the same count again records nothing)."""

    id: UUID
    version: int
    recorded: bool


class SchoolsService(KnownPlaces):
    """Schools' pupils term by term, one aggregate per school where it is."""

    def record_enrolment(self, *, region_code: str, school: str, term: str, pupils: int,
                         actor: Actor, on: date | None = None, reason: str = "",
                         division_known: DivisionKnown | None = None) -> EnrolmentNoted:
        """Record the school's pupils in the term (``2026秋``, ``2026春`` or the day it
        starts), stated on ``on`` (default today, never later). The same count again records
        nothing; another count for a term already counted is a correction and needs a
        ``reason``.

        The school is where ``region_code`` says: a county on the national list
        (``division_known``, which every entrypoint passes), a township or village in the
        register of places; another is refused (InvalidRecord, 422), so that a code typed
        wrong makes no school of its own."""
        region_code, school = checked_place(region_code, school)
        self.check_place_known("region_code", region_code, ("学校所在地", "the school's place"),
                               division_known)
        enrolment_id = enrolment_id_for(region_code, school)
        for attempt in range(_TRIES):
            try:
                enrolment = self._get(SchoolEnrolment, enrolment_id)
            except NotFound:
                enrolment = SchoolEnrolment.list_school(region_code=region_code, school=school,
                                                        actor=actor)
            recorded = enrolment.record(term=term, pupils=pupils, on=on or self.today(),
                                        today=self.today(), actor=actor, reason=reason)
            if not recorded:
                return EnrolmentNoted(enrolment.id, enrolment.version, False)
            try:
                self._commit(enrolment)
            except StaleVersion:
                if attempt == _TRIES - 1:
                    raise
                continue
            return EnrolmentNoted(enrolment.id,
                                  self.version_recorded(enrolment.id, enrolment.version), True)
        raise AssertionError("unreachable")  # pragma: no cover

    def enrolment_terms(self, region_code: str, school: str) -> dict[str, tuple[int, date]]:
        """The count in force for each term of the school: ``{term: (pupils, starts_on)}``."""
        region_code, school = checked_place(region_code, school)
        try:
            return dict(self._get(SchoolEnrolment, enrolment_id_for(region_code, school)).terms)
        except NotFound:
            return {}
