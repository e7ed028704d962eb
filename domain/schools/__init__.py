"""Schools (学校) as the programme counts them: their enrolment term by term (在校学生数)."""

from domain.schools.access import may_record_enrolment
from domain.schools.enrolment import (
    EnrolmentRule,
    SchoolEnrolment,
    checked_place,
    enrolment_id_for,
    read_term,
)

EnrolmentRecorded = SchoolEnrolment.Recorded

__all__ = [
    "EnrolmentRecorded",
    "EnrolmentRule",
    "SchoolEnrolment",
    "checked_place",
    "enrolment_id_for",
    "may_record_enrolment",
    "read_term",
]
