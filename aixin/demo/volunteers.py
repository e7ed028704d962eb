"""The demo's volunteers (爱心妈妈): applications in waves, reviewed level by level with dated
opinions (所在单位 → 县妇联 → 市州妇联 → 省妇联), a few rejected at some level."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aixin.demo import names
from aixin.demo.county import (
    COUNTY,
    COUNTY_UNITS,
    POSTAL_CODE,
    TOWNSHIP_UNITS,
    County,
    Township,
)
from aixin.demo.steps import ApplyVolunteer, ReviewVolunteer
from aixin.demo.timeline import Plan, day_between
from domain.common import Actor
from domain.volunteers import VolunteerForm

STAFF = Actor(id="钟祥市妇联", role="federation")
_REVIEWERS = {"county": STAFF, "city": Actor(id="荆门市妇联", role="federation"),
              "province": Actor(id="湖北省妇联", role="federation")}
_GAPS = {"unit": (2, 10), "county": (5, 20), "city": (7, 25), "province": (7, 30)}
_REJECT = {"unit": 0.04, "county": 0.03, "city": 0.01, "province": 0.01}
_APPROVE = {"unit": "该同志热心公益，同意推荐", "county": "经审核，同意",
            "city": "同意", "province": "同意，批准为爱心妈妈"}
_REJECTION = {"unit": "本人工作繁忙，难以保证帮扶时间，暂不推荐",
              "county": "未参加爱心妈妈岗前培训，暂不同意",
              "city": "申报材料不全，请补充后重新申报", "province": "不符合结对帮扶条件"}


@dataclass(frozen=True)
class VolunteerInfo:
    """What pairing needs to know of a volunteer: where, what work, since when approved."""

    number: int
    name: str
    township: Township | None  # None: a county unit
    position: str
    approved_on: date | None = None
    approved_recorded: date | None = None

    @property
    def surname(self) -> str:
        return self.name[0]

    @property
    def teacher(self) -> bool:
        return self.position == "教师"


def _position(unit: str) -> str:
    if unit.endswith(("小学", "中学")):
        return "教师"
    if unit.endswith("卫生院") or unit.endswith("医院"):
        return "医生"
    if unit.endswith(("人民政府", "妇联", "团市委", "关工委", "民政局")):
        return "干部"
    return "职工"


def _form(rng: random.Random, number: int, township: Township | None) -> VolunteerForm:
    unit = (rng.choice(TOWNSHIP_UNITS).format(t=township.name) if township
            else rng.choice(COUNTY_UNITS))
    position = _position(unit)
    woman = rng.random() < 0.85
    return VolunteerForm(
        name=names.full_name(rng, "woman" if woman else "man"),
        region_code=township.code if township else "420881", phone=names.mobile(rng),
        unit=unit, address=f"湖北省{COUNTY}{township.name if township else '郢中街道'}",
        birth_date=date(rng.randint(1965, 1997), rng.randint(1, 12), rng.randint(1, 28)),
        postal_code=POSTAL_CODE,
        political_status=rng.choices(("中共党员", "群众", "共青团员", "民主党派"),
                                     (45, 40, 10, 5))[0],
        position=position,
        education=rng.choice(("大学本科", "大专") if position in ("教师", "医生", "干部")
                             else ("高中", "中专", "大专", "初中")),
        experience=rng.choice(("从事妇女工作多年", "曾参加“春蕾计划”志愿服务",
                               "自己也是留守儿童的家长", "长期关心农村儿童成长", "")),
        email=f"aixin.v{number:04d}@example.cn" if rng.random() < 0.3 else "")


def _applied_on(rng: random.Random, plan: Plan) -> date:
    if rng.random() < 0.7:
        return day_between(rng, plan.start, plan.start + timedelta(days=30))
    wave = rng.choice((150, 330, 510))
    first = plan.start + timedelta(days=wave)
    return day_between(rng, min(first, plan.today - timedelta(days=10)),
                       min(first + timedelta(days=50), plan.today - timedelta(days=1)))


def plan_volunteers(rng: random.Random, county: County, count: int, plan: Plan,
                    levels: Sequence[str]) -> list[VolunteerInfo]:
    """``count`` applications, each reviewed level by level as far as the dates allow."""
    volunteers = []
    for number in range(count):
        township = rng.choice(county.townships) if rng.random() < 0.65 else None
        form = _form(rng, number, township)
        applied = _applied_on(rng, plan)
        recorded = plan.entered(rng, applied)
        plan.add(ApplyVolunteer(recorded, number, form, applied, STAFF))
        on, approved = applied, True
        for level in levels:
            low, high = _GAPS.get(level, (5, 20))
            on += timedelta(days=rng.randint(low, high))
            if on > plan.today:
                approved = False  # still under review (审核中)
                break
            recorded = max(plan.entered(rng, on), recorded)
            # the unit's opinion is its own signer's, even where the unit is the county
            # federation that reviews next: one person signs one level
            reviewer = _REVIEWERS.get(level, Actor(id=f"{form.unit}（所在单位）",
                                                   role="federation"))
            if rng.random() < _REJECT.get(level, 0.02):
                plan.add(ReviewVolunteer(recorded, number, level, "reject",
                                         _REJECTION.get(level, "不同意"), on, reviewer))
                approved = False
                break
            plan.add(ReviewVolunteer(recorded, number, level, "approve",
                                     _APPROVE.get(level, "同意"), on, reviewer))
        volunteers.append(VolunteerInfo(
            number, form.name, township, form.position,
            approved_on=on if approved else None,
            approved_recorded=recorded if approved else None))
    return volunteers
