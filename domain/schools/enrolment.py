"""A school's enrolment (在校学生数): how many pupils it has, term by term.

"The share of pupils left behind needs each school's pupil count per term": a dated fact
entered by the school or the federation, not a setting. Each school (by the division code
where it is and its name: names repeat from township to township) is an aggregate of its
own; each count is one event for one term (学期: ``2026秋`` from 1 September, ``2026春``
from 1 February, or a term that starts on a given day). A count put right later is a new
event for the same term, with the reason (更正原因); the count it replaces stays on the
record, so a report "as known at" an earlier instant still reads the count known then.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor
from domain.errors import DateInFuture, DomainError, InvalidRecord

#: Where a school is: a county's, township's or village's division code (6, 9 or 12 digits).
SCHOOL_PLACE = re.compile(r"^\d{6}(\d{3}){0,2}$")
#: A term as people write it: 2026秋, 2026年秋季, 2026年春季学期.
_TERM = re.compile(r"^(\d{4})\s*年?\s*(春|秋)\s*季?\s*(学期)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The day each term begins (开学): the spring term on 1 February, the autumn on 1 September.
TERM_STARTS = {"春": (2, 1), "秋": (9, 1)}
LONGEST_SCHOOL = 200
LONGEST_REASON = 500
MOST_PUPILS = 100_000


class EnrolmentRule(DomainError):
    """A count for a term already recorded is put right only with a reason (更正须说明原因)."""

    rule = "enrolment_correction_needs_reason"


def enrolment_id_for(region_code: str, school: str) -> UUID:
    """One aggregate per school where it is."""
    return uuid5(NAMESPACE_URL, f"aixin:school-enrolment:{region_code}/{school}")


def read_term(term: str) -> tuple[str, date]:
    """A term as written (``2026秋``, ``2026年春季学期``, or the day it starts,
    ``2026-09-01``): its name as kept (``2026秋``, or the day) and the day it starts."""
    text = (term or "").strip()
    found = _TERM.match(text)
    if found:
        year, season = int(found.group(1)), found.group(2)
        if not 2000 <= year <= 2100:
            raise InvalidRecord("term", f"学期年份 {year} 应在 2000 至 2100 之间（the term's year "
                                "is between 2000 and 2100）")
        month, day = TERM_STARTS[season]
        return f"{year}{season}", date(year, month, day)
    if _DAY.match(text):
        try:
            starts = date.fromisoformat(text)
        except ValueError:
            starts = None
        if starts is not None and 2000 <= starts.year <= 2100:
            return starts.isoformat(), starts
    raise InvalidRecord("term", f"学期“{text[:40]}”应写作“2026秋”“2026春”或学期开始的日期"
                        "“2026-09-01”（a term is written 2026秋, 2026春 or the day it starts）")


def checked_place(region_code: str, school: str) -> tuple[str, str]:
    """The school's division code and name, as kept."""
    region_code, school = (region_code or "").strip(), (school or "").strip()
    if not SCHOOL_PLACE.match(region_code):
        raise InvalidRecord("region_code", "学校所在地须为 6、9 或 12 位行政区划代码（the "
                            "division code where the school is: 6, 9 or 12 digits）")
    if not school:
        raise InvalidRecord("school", "请填写学校名称（the school's name is required）")
    if len(school) > LONGEST_SCHOOL:
        raise InvalidRecord("school", f"学校名称不超过 {LONGEST_SCHOOL} 个字（at most "
                            f"{LONGEST_SCHOOL} characters）")
    return region_code, school


class SchoolEnrolment(Aggregate):
    """A school's pupils term by term (在校学生数), each count with the day it was stated."""

    class Listed(Aggregate.Created):
        """The school was first given a count: where it is and its name."""

        region_code: str
        school: str
        actor: Actor

    @event(Listed)
    def __init__(self, *, region_code: str, school: str, actor: Actor) -> None:
        self.region_code, self.school = region_code, school
        #: The count in force for each term, by the term's name: (pupils, starts_on).
        self.terms: dict[str, tuple[int, date]] = {}

    @staticmethod
    def create_id(region_code: str, school: str, **_: object) -> UUID:
        return enrolment_id_for(region_code, school)

    @classmethod
    def list_school(cls, *, region_code: str, school: str, actor: Actor) -> SchoolEnrolment:
        """A school whose enrolment the register does not have yet."""
        region_code, school = checked_place(region_code, school)
        return cls(region_code=region_code, school=school, actor=actor)

    def record(self, *, term: str, pupils: int, on: date, today: date, actor: Actor,
               reason: str = "") -> bool:
        """Record the term's count of pupils, stated on ``on`` (not after ``today``). The same
        count again records nothing (False); another count for a term already counted is a
        correction (更正) and needs a ``reason``."""
        name, starts_on = read_term(term)
        if isinstance(pupils, bool) or not isinstance(pupils, int) or not (
                1 <= pupils <= MOST_PUPILS):
            raise InvalidRecord("pupils", f"在校学生数应为 1 至 {MOST_PUPILS} 的整数（pupils is a "
                                f"whole number from 1 to {MOST_PUPILS}）")
        if on > today:
            raise DateInFuture("on", on, today)
        reason = (reason or "").strip()
        if len(reason) > LONGEST_REASON:
            raise InvalidRecord("reason", f"更正原因不超过 {LONGEST_REASON} 个字（at most "
                                f"{LONGEST_REASON} characters）")
        known = self.terms.get(name)
        if known is not None and known[0] == pupils:
            return False
        if known is not None and not reason:
            raise EnrolmentRule(
                f"{self.school} {name} 已登记在校学生 {known[0]} 人；更正为 {pupils} 人须说明原因"
                f"（reason）（{name} already has {known[0]} pupils on record; a correction "
                "states its reason）")
        self._recorded(region_code=self.region_code, school=self.school, term=name,
                       starts_on=starts_on, pupils=pupils, on=on, reason=reason, actor=actor)
        return True

    class Recorded(Aggregate.Event):
        """The school's pupils in a term (在校学生数), as stated on ``on``; with a ``reason``
        when it puts right an earlier count of the same term (更正)."""

        region_code: str
        school: str
        term: str
        starts_on: date
        pupils: int
        on: date
        reason: str
        actor: Actor

    @event(Recorded)
    def _recorded(self, region_code: str, school: str, term: str, starts_on: date,
                  pupils: int, on: date, reason: str, actor: Actor) -> None:
        self.terms[term] = (pupils, starts_on)
