"""The homeroom teachers' own work (班主任职责): "班主任每月至少与留守儿童谈心一次，
并填写谈心记录卡；每学期期初、期中、期末各家访一次".

The school (the ``school`` user of the child's school) records, on the child's own record
outside any pairing, a talk (谈心) most months and a home visit (家访) in most thirds of each
term, for every pupil while it is left-behind on the register (until it leaves, a parent comes
home, or it turns 16). The schools keep these records in the register from the start of the term
before the current one (when the programme took up the school's duty set, ``school``); each
school keeps them as well as its teachers do, so some pupils miss a month or a visit. Entered the
same day or later, like the rest of the demo's records, never before the child was entered nor
after its exit was.

Planned with a random sequence of its own (drawn from the seed), so the other steps of a seed
stay as they were.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from aixin.demo.children import ChildInfo
from aixin.demo.steps import Ids, Step
from aixin.demo.timeline import Plan, day_between, month_end, month_starts, years_later
from domain.application import CareRegister
from domain.common import Actor
from domain.duties.periods import PeriodKind, next_period, period_containing

_TALKS = ("谈心，了解孩子在校学习和生活情况，填写谈心记录卡",
          "谈心，孩子说想念在外打工的爸爸妈妈，鼓励其与父母视频",
          "谈心，关注孩子与同学相处情况",
          "谈心，提醒孩子注意安全，按时完成作业")
_VISITS = ("期初家访，向监护人了解孩子假期情况，讲解安全注意事项",
           "期中家访，向监护人反馈孩子在校表现",
           "期末家访，沟通孩子学期成绩和假期安排")


@dataclass(frozen=True)
class RecordChildContact(Step):
    """A contact on the child's own record, outside any pairing (the homeroom teacher's
    talk or home visit)."""

    rank: ClassVar[int] = 6
    child: int
    kind: str
    occurred_on: date
    notes: str
    actor: Actor
    duration_minutes: int | None = None

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.record_child_contact(ids.children[self.child], kind=self.kind,
                                      notes=self.notes, actor=self.actor,
                                      occurred_on=self.occurred_on,
                                      duration_minutes=self.duration_minutes)


def school_records_from(today: date) -> date:
    """The first day the schools keep their records in the register: the start of the term
    before the current one."""
    term = period_containing(PeriodKind.SEMESTER, today)
    return period_containing(PeriodKind.SEMESTER, term.start - timedelta(days=1)).start


def plan_school_work(seed: int, plan: Plan, kids: Sequence[ChildInfo]) -> None:
    """Every left-behind pupil's talks and home visits by its school."""
    rng = random.Random(f"aixin demo homeroom teachers {seed}")
    first = max(school_records_from(plan.today), plan.start)
    care: dict[str, float] = {}  # how often each school's teachers keep the record
    for child in kids:
        school = child.school
        if school not in care:
            care[school] = rng.choice((0.97, 0.93, 0.9, 0.8, 0.6))
        teacher = Actor(id=school, role="school")
        starts = max(first, child.registered_on)
        sixteen = years_later(child.birth_date, 16) - timedelta(days=1)
        ends = min(plan.today, sixteen, (child.fate.on - timedelta(days=1)) if child.fate.on
                   else plan.today)
        cap = child.fate.recorded_on if child.fate.kind == "exit" else None

        def add(kind: str, on: date, notes: str, minutes: int, child: ChildInfo = child,
                teacher: Actor = teacher, cap: date | None = cap) -> None:
            day = plan.entered(rng, on, not_before=child.recorded_on, not_after=cap)
            if on <= day:
                plan.add(RecordChildContact(day, child.number, kind, on, notes, teacher,
                                            minutes))

        if starts > ends:
            continue
        for month in month_starts(starts, ends):
            if rng.random() > care[school]:
                continue  # a month the teacher let slip
            on = day_between(rng, max(month, starts), min(month_end(month), ends))
            add("talk", on, rng.choice(_TALKS), rng.randint(15, 40))
        third = period_containing(PeriodKind.SEMESTER_THIRD, starts)
        while third.start <= ends:
            if rng.random() <= care[school]:
                on = day_between(rng, max(third.start, starts), min(third.end, ends))
                add("home_visit", on, _VISITS[_third_index(third.start)], rng.randint(30, 90))
            third = next_period(third)


def _third_index(start: date) -> int:
    """0, 1 or 2: the start, the middle or the end of the term."""
    term = period_containing(PeriodKind.SEMESTER, start)
    length = (term.end - term.start).days + 1
    return min(2, (start - term.start).days * 3 // length)
