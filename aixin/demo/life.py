"""What happens to a demo child after registration (动态管理): parents coming home or moving,
guardians changing (and one entered wrongly, then corrected), categories and notes changing,
concerns raised and resolved, turning 16, leaving the programme."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from aixin.demo.county import work_place
from aixin.demo.family import guardian_for
from aixin.demo.steps import (
    ChangeCategories,
    ChangeGuardian,
    ChangeParent,
    ExitChild,
    ReportConcern,
    ResolveConcern,
    UpdateProfile,
)
from aixin.demo.timeline import Plan, day_between, years_later
from domain.children import Guardian, Parent, ParentStatus, Profile
from domain.common import Actor
from domain.vocabulary import GUARDIAN_RELATION_TITLES, title_of

_CONCERNS = (
    ("absence", "连续三天未到校，监护人称孩子身体不适", "班主任家访核实，已督促返校并联系父母"),
    ("illness", "发高烧，祖母无力带其就医", "爱心妈妈陪同到镇卫生院就诊，已痊愈"),
    ("injury", "放学路上摔伤手臂", "送医包扎，联系父母汇款支付医药费，已康复"),
    ("emotional", "情绪低落，在作文中写想念外出打工的妈妈", "安排心理老师谈心，引导与父母视频通话"),
    ("neglect", "监护人长期外出打牌，孩子独自在家", "村妇联主席约谈监护人，签订监护责任书"),
    ("safety", "暑假期间在水塘边玩水", "开展防溺水教育，监护人签订安全承诺书"),
)
_EXITS = ("随父母到务工地就读", "转学至外县", "父母返乡，不再是留守儿童")
_HOME_REASONS = ("返乡就业", "回乡创业", "回家照顾孩子")


@dataclass(frozen=True)
class Fate:
    """How the child's time in the programme ends, if it does: ``exit`` (退出), or ``home``
    (a parent came home, so the child stopped being left behind), on a day entered later."""

    kind: str = ""
    on: date | None = None
    recorded_on: date | None = None


@dataclass(frozen=True)
class Start:
    """The child as registered, as far as its later record depends on it."""

    number: int
    family: str  # the surname
    birth: date
    registered: date
    recorded: date
    parents: tuple[Parent, ...]
    guardian: Guardian
    categories: tuple[str, ...]


def plan_life(rng: random.Random, plan: Plan, start: Start, teacher: Actor) -> Fate:
    """Plan the child's later record and return how its time in the programme ends."""
    child, birth, registered, recorded = start.number, start.birth, start.registered, \
        start.recorded
    parents, guardian, categories = start.parents, start.guardian, start.categories
    fate = _fate(rng, plan, child, birth, registered, parents, teacher)
    last = (fate.on - timedelta(days=10)) if fate.on else plan.today - timedelta(days=5)
    cap = fate.recorded_on if fate.kind == "exit" else None

    def entered(on: date, not_before: date = recorded) -> date:
        return plan.entered(rng, on, not_before=not_before, not_after=cap)

    if last - registered < timedelta(days=40):
        return fate
    if rng.random() < 0.02:  # a guardian entered wrongly, corrected months later (更正)
        fixed = replace(guardian, age=(guardian.age or 60) + rng.choice((-3, -2, 2, 5)),
                        phone=guardian.phone[:-4] + f"{rng.randrange(10000):04d}")
        day = min(recorded + timedelta(days=rng.randint(30, 200)), cap or plan.today)
        plan.add(ChangeGuardian(day, child, fixed, registered,
                                "更正：登记时监护人年龄、电话填写有误", teacher))
    if rng.random() < 0.03:
        on = day_between(rng, registered + timedelta(days=30), last)
        new = guardian_for(rng, parents, start.family)
        plan.add(ChangeGuardian(entered(on), child, new, on,
                                f"原监护人（{_relation(guardian)}）身体不好，改由{_relation(new)}照看",
                                teacher))
    away = [p for p in parents if p.status.value == "away"]
    if away and rng.random() < 0.05:
        on = day_between(rng, registered + timedelta(days=30), last)
        moved = replace(away[0], work_location=work_place(rng))
        plan.add(ChangeParent(entered(on), child, moved, on, "更换务工地点", teacher))
    if rng.random() < 0.05:
        on = day_between(rng, registered + timedelta(days=30), last)
        if "poor_family" in categories:
            changed, why = tuple(c for c in categories if c != "poor_family"), "家庭已脱贫"
        else:
            changed, why = tuple(sorted({*categories, "study_difficulty"})), "期中考试多科不及格"
        plan.add(ChangeCategories(entered(on), child, changed, on, why, teacher))
    if rng.random() < 0.10:
        on = day_between(rng, registered + timedelta(days=30), last)
        notes = Profile(health="健康", study=rng.choice(("成绩有明显进步", "数学仍需辅导")),
                        psychology=rng.choice(("比以前开朗", "与同学相处融洽")))
        plan.add(UpdateProfile(entered(on), child, notes, on, teacher))
    if rng.random() < 0.08:
        _concern(rng, plan, child, registered, last, cap, recorded, teacher)
    return fate


def _fate(rng: random.Random, plan: Plan, child: int, birth: date, registered: date,
          parents: tuple[Parent, ...], teacher: Actor) -> Fate:
    sixteen = years_later(birth, 16)
    earliest, latest = registered + timedelta(days=90), plan.today - timedelta(days=10)
    if earliest <= sixteen <= latest and rng.random() < 0.7:  # turned 16 (年满16周岁)
        on = min(sixteen + timedelta(days=rng.randint(3, 40)), latest)
        return _exit(rng, plan, child, on, "年满16周岁，不再属于留守儿童", teacher)
    draw = rng.random()
    if draw < 0.04 and earliest < latest:
        return _exit(rng, plan, child, day_between(rng, earliest, latest), rng.choice(_EXITS),
                     teacher)
    away = [p for p in parents if p.status.value == "away"]
    if draw < 0.10 and earliest < latest and away:
        on = day_between(rng, earliest, latest)
        home = Parent(role=away[0].role, status=ParentStatus.HOME, name=away[0].name,
                      phone=away[0].phone)
        day = plan.entered(rng, on + timedelta(days=rng.randint(2, 20)))
        plan.add(ChangeParent(day, child, home, on, rng.choice(_HOME_REASONS), teacher))
        return Fate("home", on, day)
    return Fate()


def _exit(rng: random.Random, plan: Plan, child: int, on: date, reason: str,
          teacher: Actor) -> Fate:
    day = plan.entered(rng, on)
    plan.add(ExitChild(day, child, reason, on, teacher))
    return Fate("exit", on, day)


def _concern(rng: random.Random, plan: Plan, child: int, registered: date, last: date,
             cap: date | None, recorded: date, teacher: Actor) -> None:
    """A concern reported at once (情况报告) and, most often, resolved within weeks."""
    kind, description, action = rng.choice(_CONCERNS)
    on = day_between(rng, registered + timedelta(days=20), last)
    reported = min(max(on + timedelta(days=rng.randint(0, 2)), recorded), cap or plan.today,
                   plan.today)
    plan.add(ReportConcern(reported, child, 0, kind, description, on, teacher))
    resolved_on = on + timedelta(days=rng.randint(1, 21))
    if resolved_on <= last and rng.random() < 0.85:
        day = max(min(resolved_on + timedelta(days=rng.randint(0, 5)), cap or plan.today,
                      plan.today), reported)
        plan.add(ResolveConcern(day, child, 0, action, resolved_on, teacher))


def _relation(guardian: Guardian) -> str:
    """The guardian's relation in the programme's words (祖母, 外祖父)."""
    return title_of(GUARDIAN_RELATION_TITLES, guardian.relation)
