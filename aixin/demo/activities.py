"""The demo county's group activities and aid (集体活动, 慰问): each township's federation holds a
Spring Festival visit with gifts and money (春节慰问), a Children's Day party (六一), a Mid-Autumn
visit with mooncakes and money (中秋慰问) and a winter visit with warm clothes and money
(冬季送温暖) every year, for the left-behind children then on its register; its central
primary school holds a summer camp (暑期夏令营) for its own left-behind pupils. Each is entered
days or weeks later, like the rest of the demo's records.

Planned with a random sequence of its own (drawn from the seed), so the other steps of a seed
stay as they were. Titles name the occasion, never a child.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from aixin.demo.children import ChildInfo
from aixin.demo.county import County
from aixin.demo.steps import Ids, Step
from aixin.demo.timeline import Plan
from aixin.demo.volunteers import STAFF
from domain.application import CareRegister
from domain.common import Actor

#: (month, day, kind, title, items per child, yuan per child, organised by): the year's
#: occasions, by the township's federation or its central primary school.
OCCASIONS: tuple[tuple[int, int, str, str, int, Decimal, str], ...] = (
    (1, 20, "material_aid", "春节慰问", 2, Decimal("200"), "federation"),
    (6, 1, "festival", "六一儿童节集体活动", 1, Decimal("0"), "federation"),
    (7, 15, "activity", "留守儿童暑期夏令营", 1, Decimal("0"), "school"),
    (9, 15, "festival", "中秋节慰问", 1, Decimal("30.5"), "federation"),
    (12, 18, "material_aid", "冬季送温暖慰问", 1, Decimal("100"), "federation"),
)
#: The most children one township's activity reaches in the demo.
MOST_CHILDREN = 40


@dataclass(frozen=True)
class RecordActivity(Step):
    """A group activity or aid held for several children (集体活动, 慰问)."""

    rank: ClassVar[int] = 6
    children: tuple[int, ...]
    kind: str
    title: str
    occurred_on: date
    organiser: str
    items: int
    amount_yuan: Decimal
    actor: Actor

    def do(self, register: CareRegister, ids: Ids) -> None:
        register.record_activity(
            kind=self.kind, title=self.title, occurred_on=self.occurred_on,
            child_ids=[ids.children[c] for c in self.children], organiser=self.organiser,
            items=self.items, amount_yuan=self.amount_yuan, actor=self.actor)


def plan_activities(seed: int, plan: Plan, county: County, kids: Sequence[ChildInfo]) -> None:
    """Every township's occasions within the demo's two years, each for the children on its
    register that day (registered by then, not known to have left when it is entered)."""
    rng = random.Random(f"aixin demo activities {seed}")
    for year in range(plan.start.year, plan.today.year + 1):
        for month, day, kind, title, items, yuan, by in OCCASIONS:
            held = date(year, month, day)
            if not plan.start <= held <= plan.today:
                continue
            for township in county.townships:
                school = township.school("primary")
                organiser, actor = ((school, Actor(id=school, role="school")) if by == "school"
                                    else (f"{township.name}妇联", STAFF))
                entered = plan.entered(rng, held)
                reached = [k.number for k in kids if k.township.code == township.code
                           and (by != "school" or k.school == school)
                           and k.registered_on <= held and k.recorded_on <= entered
                           and not (k.fate.kind == "exit" and k.fate.recorded_on is not None
                                    and k.fate.recorded_on <= entered)]
                if not reached:
                    continue
                chosen = sorted(rng.sample(reached, min(MOST_CHILDREN, len(reached))))
                plan.add(RecordActivity(
                    entered, tuple(chosen), kind, f"{year}年{title}", held, organiser,
                    items * len(chosen), yuan * len(chosen), actor))
