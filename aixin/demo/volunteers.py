"""The demo's volunteers (爱心妈妈): applications in waves, reviewed level by level with dated
opinions (所在单位 → 县妇联 → 市州妇联 → 省妇联), a few rejected at some level.

Each level's opinion is given by a user of that level, as the API lets them: the unit's by the
township federation that holds the volunteer, or by her own school for a teacher (a volunteer of
a county unit: the county federation's own liaison, another person than the one who signs the
county's opinion); the county's by the county federation (钟祥市妇联, region 420881), the city's
by 荆门市妇联 (4208), the province's by 湖北省妇联 (42). Some applications come in on paper
(纸质登记表): the admin keys them in, and each level's opinion with the name of who signed it.
The demo's people are not accounts: no one signs in as them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aixin.demo import names
from aixin.demo.county import (
    CITY,
    COUNTY,
    COUNTY_CODE,
    COUNTY_UNITS,
    POSTAL_CODE,
    PROVINCE,
    TOWNSHIP_UNITS,
    County,
    Township,
)
from aixin.demo.steps import ApplyVolunteer, ReviewVolunteer
from aixin.demo.timeline import Plan, day_between
from domain.access.caller import Caller
from domain.common import Actor
from domain.users import Role
from domain.volunteers import VolunteerForm

STAFF = Actor(id="钟祥市妇联", role="federation")
#: The federation users who give the county's, the city's and the province's opinions.
_REVIEWERS = {"county": Caller(STAFF.id, Role.FEDERATION, COUNTY_CODE),
              "city": Caller("荆门市妇联", Role.FEDERATION, COUNTY_CODE[:4]),
              "province": Caller("湖北省妇联", Role.FEDERATION, COUNTY_CODE[:2])}
#: The county federation's liaison with county units, who gives their unit opinion.
_UNIT_LIAISON = Caller(f"{COUNTY}妇联（机关单位联络员）", Role.FEDERATION, COUNTY_CODE)
#: Who keys in the paper forms (纸质登记表), naming each level's signer.
ADMIN = Caller("系统管理员", Role.ADMIN)
#: The share of applications that come in on paper.
PAPER_FORMS = 0.15
_SIGNERS = {"unit": "{unit}负责人", "county": f"{COUNTY}妇联", "city": f"{CITY}妇联",
            "province": f"{PROVINCE}妇联"}
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


def unit_reviewer(form: VolunteerForm, township: Township | None) -> Caller:
    """Who gives the unit's opinion (所在单位意见): her school, for a teacher; else the
    township federation that holds her, or the county federation's liaison with its units."""
    if form.unit.endswith(("小学", "中学")):
        return Caller(form.unit, Role.SCHOOL, form.region_code, form.unit)
    if township is not None:
        return Caller(f"{township.name}妇联", Role.FEDERATION, township.code)
    return _UNIT_LIAISON


def _signers(paper: random.Random, form: VolunteerForm) -> dict[str, str]:
    """Who signed each level's opinion on a paper form: one person per level."""
    return {level: f"{office.format(unit=form.unit)} {names.full_name(paper, 'woman')}"
            for level, office in _SIGNERS.items()}


def plan_volunteers(rng: random.Random, county: County, count: int, plan: Plan,
                    levels: Sequence[str], seed: int = 7) -> list[VolunteerInfo]:
    """``count`` applications, each reviewed level by level as far as the dates allow.

    Which come in on paper, and who signed them, is drawn with a random sequence of its own
    (from the seed), so the other steps of a seed stay as they were."""
    paper = random.Random(f"aixin demo paper forms {seed}")
    volunteers = []
    for number in range(count):
        township = rng.choice(county.townships) if rng.random() < 0.65 else None
        form = _form(rng, number, township)
        applied = _applied_on(rng, plan)
        recorded = plan.entered(rng, applied)
        on_paper = paper.random() < PAPER_FORMS
        signers = _signers(paper, form) if on_paper else {}
        plan.add(ApplyVolunteer(recorded, number, form, applied,
                                ADMIN.actor if on_paper else STAFF))
        on, approved = applied, True
        for level in levels:
            low, high = _GAPS.get(level, (5, 20))
            on += timedelta(days=rng.randint(low, high))
            if on > plan.today:
                approved = False  # still under review (审核中)
                break
            recorded = max(plan.entered(rng, on), recorded)
            reviewer = (ADMIN if on_paper else _REVIEWERS.get(level)
                        or unit_reviewer(form, township))
            signed_by = signers.get(level, f"{level} {number}") if on_paper else None
            rejected = rng.random() < _REJECT.get(level, 0.02)
            plan.add(ReviewVolunteer(
                recorded, number, level, "reject" if rejected else "approve",
                _REJECTION.get(level, "不同意") if rejected else _APPROVE.get(level, "同意"),
                on, reviewer, form.region_code, form.unit, signed_by))
            if rejected:
                approved = False
                break
        volunteers.append(VolunteerInfo(
            number, form.name, township, form.position,
            approved_on=on if approved else None,
            approved_recorded=recorded if approved else None))
    return volunteers
