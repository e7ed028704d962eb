"""Schools' enrolment (在校学生数) in the demo county: each school states its pupils at the
start of every term ("2026秋" from 1 September, "2026春" from 1 February), a few days into the
term, through the register's use case, as schools do; one count is put right a few weeks later
with its reason (更正), so the reports before and after the correction differ.

Planned with a random sequence of its own (drawn from the seed), so the other steps of a seed
stay as they were.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from aixin.demo.county import County
from aixin.demo.steps import Ids, Step
from aixin.demo.timeline import Plan
from domain.application import CareRegister
from domain.common import Actor
from domain.schools.enrolment import TERM_STARTS

#: Pupils a township's school has (lowest, highest), by kind.
_PUPILS = {"kindergarten": (120, 320), "primary": (600, 1400), "middle": (450, 1200)}


@dataclass(frozen=True)
class RecordEnrolment(Step):
    """A school states its pupils in a term (or puts an earlier count right, with a reason)."""

    rank: ClassVar[int] = 0
    region_code: str
    school: str
    term: str
    pupils: int
    on: date
    actor: Actor
    reason: str = ""

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.record_enrolment(region_code=self.region_code, school=self.school,
                                  term=self.term, pupils=self.pupils, on=self.on,
                                  actor=self.actor, reason=self.reason)


def terms_between(first: date, last: date) -> list[tuple[str, date]]:
    """Every term that starts on or before ``last``, from the one in force on ``first``."""
    starts = sorted((date(year, month, day), f"{year}{season}")
                    for year in range(first.year - 1, last.year + 1)
                    for season, (month, day) in TERM_STARTS.items())
    in_force = [s for s in starts if s[0] <= first][-1:]
    return [(name, day) for day, name in in_force + [s for s in starts if first < s[0] <= last]]


def plan_enrolment(seed: int, plan: Plan, county: County) -> None:
    """Every school's count at each term's start; one of them corrected later."""
    rng = random.Random(f"{seed}/enrolment")
    terms = terms_between(plan.start, plan.today)
    counts: list[RecordEnrolment] = []
    for township in county.townships:
        for kind, (low, high) in _PUPILS.items():
            school = township.school(kind)
            actor = Actor(id=school, role="school")
            pupils = rng.randint(low, high)
            for term, starts in terms:
                stated = max(starts, plan.start) + timedelta(days=rng.randint(3, 20))
                if stated > plan.today:
                    continue
                pupils = max(low // 2, pupils + rng.randint(-40, 40))
                counts.append(RecordEnrolment(stated, township.code, school, term, pupils,
                                              stated, actor))
    for step in counts:
        plan.add(step)
    if counts:
        wrong = rng.choice(counts)
        fixed = wrong.recorded_on + timedelta(days=rng.randint(14, 40))
        if fixed <= plan.today:
            plan.add(RecordEnrolment(
                fixed, wrong.region_code, wrong.school, wrong.term, wrong.pupils + 37, fixed,
                wrong.actor, reason="开学初漏报插班生，按学籍系统核实后更正"))
