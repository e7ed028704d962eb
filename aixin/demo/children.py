"""The demo's children (留守儿童): who they are, who looks after them, and what happens to them.

Shares are those of the programme documents: both parents away for about two in three, a single
parent away for one in five, grandparents as guardians for most; special categories (单亲,
贫困, 低保, 建档立卡, 残疾, 事实无人抚养, 学习/心理困难) in realistic proportions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from aixin.demo import names
from aixin.demo.county import COUNTY, County, Township, Village
from aixin.demo.family import guardian_for, parents_for
from aixin.demo.life import Fate, Start, plan_life
from aixin.demo.steps import RegisterChild
from aixin.demo.timeline import Plan, day_between, years_later
from domain.children import Consent, Guardian, Profile
from domain.common import Actor
from domain.vocabulary import GUARDIAN_RELATION_TITLES, title_of

#: Categories that make a child "special" (特殊留守儿童): paired first, by need, often 多帮一.
SPECIAL = frozenset({"disabled", "unsupported", "psychological_difficulty", "registered_poor"})

_GRADES = ("一", "二", "三", "四", "五", "六", "七", "八", "九")


@dataclass(frozen=True)
class ChildInfo:
    """What pairing and life planning need to know of a child."""

    number: int
    village: Village
    township: Township
    surname: str
    birth_date: date
    registered_on: date
    recorded_on: date
    categories: tuple[str, ...]
    guardian: Guardian
    fate: Fate
    school: str = ""  # as registered

    @property
    def special(self) -> bool:
        return bool(SPECIAL & set(self.categories))


def school_and_class(rng: random.Random, township: Township, birth: date,
                     on: date) -> tuple[str, str, bool]:
    """School, class and boarding of a child born ``birth``, on ``on`` (school years start
    on 1 September)."""
    school_year = on.year if on.month >= 9 else on.year - 1
    age = school_year - birth.year - (1 if (birth.month, birth.day) > (8, 31) else 0)
    section = rng.choice("一二三")
    if age < 6:
        return township.school("kindergarten"), "大班" if age == 5 else "中班", False
    if age < 12:
        return township.school("primary"), f"{_GRADES[age - 6]}年级{section}班", False
    if age < 15:
        return (township.school("middle"), f"{_GRADES[age - 6]}年级{section}班",
                rng.random() < 0.6)
    return "钟祥市第一中学", f"高一{section}班", True


def _new_id_number(rng: random.Random, county: County, birth: date, sex: str,
                   taken: set[str]) -> str:
    """An ID number no other child of the demo holds (a number is registered once)."""
    number = names.id_number(rng, county.code, birth, sex)
    while number in taken:
        number = names.id_number(rng, county.code, birth, sex)
    taken.add(number)
    return number


def _categories(rng: random.Random, base: list[str], guardian: Guardian) -> tuple[str, ...]:
    found = set(base)
    for category, share in (("poor_family", 0.15), ("subsistence_allowance", 0.06),
                            ("registered_poor", 0.08), ("disabled", 0.02),
                            ("study_difficulty", 0.10), ("psychological_difficulty", 0.04),
                            ("behaviour_difficulty", 0.03)):
        if rng.random() < share:
            found.add(category)
    if "single_parent" in found and (guardian.age or 0) >= 75 and rng.random() < 0.5:
        found.add("unsupported")  # 事实无人抚养: the only parent away, a frail old guardian
    return tuple(sorted(found))


def _profile(rng: random.Random, categories: tuple[str, ...]) -> Profile:
    health = (rng.choice(("肢体残疾（三级）", "听力残疾（二级）", "智力残疾（四级）"))
              if "disabled" in categories
              else rng.choices(("健康", "体弱多病", "患有哮喘", "视力较差"), (85, 6, 3, 6))[0])
    study = ("学习困难，需要辅导" if "study_difficulty" in categories
             else rng.choice(("成绩中等", "成绩优良", "数学偏弱", "语文偏弱", "成绩中上")))
    psychology = ("想念父母，情绪波动较大" if "psychological_difficulty" in categories
                  else rng.choice(("性格开朗", "性格内向，不爱说话", "懂事，爱帮祖辈干活",
                                   "活泼好动")))
    return Profile(health=health, study=study, psychology=psychology)


def plan_children(rng: random.Random, county: County, count: int, plan: Plan) -> list[ChildInfo]:
    """Register ``count`` children over the two years (most in the first weeks' 建档 drive)."""
    children = []
    taken: set[str] = set()  # one national ID number, one child on the register
    campaign_end = plan.start + timedelta(days=60)
    for number in range(count):
        township = rng.choice(county.townships)
        village = rng.choice(township.villages)
        registered = (day_between(rng, plan.start, campaign_end) if rng.random() < 0.8
                      else day_between(rng, campaign_end, plan.today - timedelta(days=30)))
        birth = day_between(rng, years_later(plan.start, -15) + timedelta(days=60),
                            years_later(plan.start, -4))
        sex = "male" if rng.random() < 0.52 else "female"
        family = names.surname(rng)
        parents, base = parents_for(rng, family)
        guardian = guardian_for(rng, parents, family)
        categories = _categories(rng, base, guardian)
        school, class_name, boarding = school_and_class(rng, township, birth, registered)
        teacher = Actor(id=school, role="school")
        signer = next((p for p in parents if p.status.value == "away"), None)
        consent = Consent(by=signer.name if signer else guardian.name,
                          relation={"father": "父亲", "mother": "母亲"}[signer.role.value]
                          if signer else title_of(GUARDIAN_RELATION_TITLES, guardian.relation),
                          on=registered - timedelta(days=rng.randint(0, 7)),
                          method=rng.choices(("书面签字", "电话确认并录音", "微信视频确认"),
                                             (70, 20, 10))[0])
        record: dict[str, Any] = {
            "name": names.full_name(rng, "boy" if sex == "male" else "girl", family),
            "sex": sex, "birth_date": birth, "region_code": village.code, "school": school,
            "class_name": class_name, "parents": parents, "guardian": guardian,
            "consent": consent, "categories": categories, "registered_on": registered,
            "ethnicity": "回族" if township.name.endswith("回族乡") and rng.random() < 0.4
            else "汉族",
            "id_number": _new_id_number(rng, county, birth, sex, taken), "boarding": boarding,
            "address": f"湖北省{COUNTY}{township.name}{village.name}{rng.randint(1, 12)}组",
            "village_contact": f"{names.full_name(rng, 'woman')}（村妇联主席）"
                               f"{names.mobile(rng)}",
            "income_source": "低保+务工收入" if "subsistence_allowance" in categories
            else rng.choice(("父母外出务工收入", "务工收入+务农")),
            "profile": _profile(rng, categories),
        }
        recorded = plan.entered(rng, registered)
        plan.add(RegisterChild(recorded, number, record, teacher))
        fate = plan_life(rng, plan, Start(number, family, birth, registered, recorded, parents,
                                          guardian, categories), teacher)
        children.append(ChildInfo(number, village, township, family, birth, registered,
                                  recorded, categories, guardian, fate, school))
    return children
