"""Builders for valid records, so each test states only what matters to it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.children import Consent, Guardian, Parent
from domain.common import Actor
from domain.volunteers import VolunteerForm

if TYPE_CHECKING:
    from domain.application import CareRegister

TODAY = date(2026, 6, 15)
STAFF = Actor(id="staff-1", role="federation")
TEACHER = Actor(id="teacher-1", role="school")
MOTHER = Actor(id="volunteer-1", role="volunteer")
#: Who signs each level's opinion on a volunteer's form: one person signs one level.
REVIEWERS = {level: Actor(id=f"reviewer-{level}", role="federation")
             for level in ("unit", "county", "city", "province")}


def parents_away() -> tuple[Parent, ...]:
    return (
        Parent(role="father", status="away", name="王建国", phone="13800000001",
               work_location="广东省东莞市"),
        Parent(role="mother", status="away", name="李秀英", phone="13800000002",
               work_location="浙江省义乌市"),
    )


def grandmother() -> Guardian:
    return Guardian(name="张桂兰", relation="祖母", age=68, health="良好", education="小学",
                    phone="13900000003")


def consent(on: date = date(2026, 3, 1)) -> Consent:
    return Consent(by="王建国", relation="父亲", on=on, method="书面签字")


def child_record(**overrides: object) -> dict[str, object]:
    """A valid registration for a left-behind girl of 10 in a Hubei village school."""
    record: dict[str, object] = {
        "name": "王小花", "sex": "female", "birth_date": date(2016, 5, 20),
        "region_code": "420821101", "school": "石牌镇中心小学", "class_name": "四年级二班",
        "parents": parents_away(), "guardian": grandmother(), "consent": consent(),
        "categories": ("both_parents_away",), "registered_on": date(2026, 3, 2),
    }
    record.update(overrides)
    return record


def volunteer_form(**overrides: object) -> VolunteerForm:
    values: dict[str, object] = {
        "name": "刘爱华", "region_code": "420821", "phone": "13700000004",
        "unit": "钟祥市妇联", "address": "湖北省钟祥市郢中街道", "birth_date": date(1975, 8, 1),
        "postal_code": "431900", "political_status": "中共党员", "position": "干部",
        "education": "大专", "experience": "从事妇女工作十年",
    }
    values.update(overrides)
    return VolunteerForm(**values)  # type: ignore[arg-type]


def approved_volunteer(register: CareRegister, **form: object) -> UUID:
    """A volunteer who applied on 5 January 2026 and was approved at every level."""
    volunteer_id = register.apply_to_volunteer(volunteer_form(**form), actor=STAFF,
                                               applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer_id, level=level, decision="approve",
                                  opinion="同意", on=date(2026, 2, 1), actor=REVIEWERS[level])
    return volunteer_id


#: A programme's own duty set file (a TOML text): a reading plan, twice a month.
READING = '''
name = "reading"
label = "共读计划"
source = "每月与孩子共读两次。"

[[duties]]
name = "monthly_reading"
label = "每月与孩子共读两次"
period = "month"
kinds = ["meeting", "tutoring"]
times = 2
'''
