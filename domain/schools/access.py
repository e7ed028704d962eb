"""Who records a school's enrolment (在校学生数): the admin, 妇联 federation staff for the
schools of their region, and a 学校 school user for its own school."""

from __future__ import annotations

from domain.access.caller import Caller
from domain.access.policy import of_own_school, within_region
from domain.users import Role


def may_record_enrolment(caller: Caller, region_code: str, school: str) -> bool:
    """Whether the caller states the pupils of ``school`` in ``region_code``."""
    if caller.role is Role.ADMIN:
        return True
    if caller.role is Role.FEDERATION:
        return within_region(caller, region_code)
    return of_own_school(caller, region_code, school)


def may_keep_enrolment(caller: Caller) -> bool:
    """Who records enrolment at all (the route's gate): the admin, federation and schools."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.SCHOOL)


def may_read_enrolment(caller: Caller) -> bool:
    """Who lists schools' enrolment: those who record it, within their scope, and auditors."""
    return may_keep_enrolment(caller) or caller.role is Role.AUDITOR
