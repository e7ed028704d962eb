"""Two years of contacts on a demo pairing (联系/走访记录), with the gaps real volunteers leave.

Each volunteer has a diligence: most meet the "five ones" (五个一) month after month, some miss
months, a few stop altogether some months before today (their duties are overdue now). Contacts
are entered the same day or late (补录), never before the pairing was entered, never after
the pairing's end was entered, and never while its volunteers are suspended (a volunteer not
in good standing records no contacts).

Each contact names the children it concerns: on a pairing of several children (一对多) a
visit or a call is mostly with all of them, sometimes with one; the guided call to the parents,
the contacts with the teacher and the guardian, aid and festivals concern them all; the
birthday planned is the first child's, and names that child.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from aixin.demo.steps import RecordContact
from aixin.demo.timeline import Plan, day_between, month_end, month_starts, years_later
from domain.common import Actor


@dataclass(frozen=True)
class Diligence:
    """How a volunteer keeps the duties: chance to skip a month, and of each duty."""

    name: str
    skip: float
    parent_call: float
    teacher: float
    yearly: float


GOOD = Diligence("good", 0.03, 0.95, 0.90, 0.90)
FAIR = Diligence("fair", 0.20, 0.75, 0.65, 0.60)
POOR = Diligence("poor", 0.45, 0.50, 0.40, 0.30)
LAPSED = Diligence("lapsed", 0.20, 0.75, 0.65, 0.60)  # then stops before today


def diligence(rng: random.Random) -> Diligence:
    return rng.choices((GOOD, FAIR, POOR, LAPSED), (55, 28, 10, 7))[0]


_WITH_CHILD = (  # kind, weight, minutes, notes
    ("phone", 35, (5, 30), ("电话询问学习和生活情况", "电话聊天，孩子说最近数学有进步",
                            "电话提醒注意防溺水安全")),
    ("meeting", 18, (30, 90), ("到学校看望孩子", "周末带孩子去镇上买文具", "一起吃午饭，聊学习")),
    ("talk", 15, (20, 60), ("谈心，孩子说想妈妈了", "谈心，鼓励孩子多和同学交流")),
    ("home_visit", 15, (40, 120), ("家访，了解祖辈照料情况", "家访，帮助打扫卫生、整理房间")),
    ("letter", 3, None, ("给孩子写信，鼓励好好学习",)),
    ("tutoring", 9, (45, 120), ("辅导数学作业", "辅导语文阅读和作文")),
    ("activity", 5, (60, 180), ("参加镇妇联组织的“六一”集体活动", "带孩子参观科技馆")),
    ("counselling", 3, (30, 60), ("心理疏导，帮助孩子缓解想念父母的情绪",)),
)
#: Festivals spent with the child (共度节日): fixed days, and the lunar ones by year.
_FESTIVALS: dict[str, tuple[tuple[str, str], ...]] = {
    "六一儿童节": (("", "06-01"),), "国庆节": (("", "10-01"),),
    "春节": (("2024", "02-10"), ("2025", "01-29"), ("2026", "02-17"), ("2027", "02-06"),
             ("2028", "01-26")),
    "端午节": (("2024", "06-10"), ("2025", "05-31"), ("2026", "06-19"), ("2027", "06-09"),
               ("2028", "05-28")),
    "中秋节": (("2024", "09-17"), ("2025", "10-06"), ("2026", "09-25"), ("2027", "09-15"),
               ("2028", "10-03")),
}


def festival_day(rng: random.Random, year: int) -> tuple[date, str] | None:
    """A festival of ``year`` and its day (None if its lunar date is not in the table)."""
    name = rng.choice(sorted(_FESTIVALS))
    days = dict(_FESTIVALS[name])
    when = days.get("") or days.get(str(year))
    return (date.fromisoformat(f"{year}-{when}"), name) if when else None


@dataclass(frozen=True)
class Span:
    """When a pairing's contacts can be: from its start to its end (or today), minus the
    volunteer's lapses; entered from ``entered_from`` until ``entered_until``, never on the
    days its volunteer's status bars contacts (``closed``: from the day a suspension is entered
    to the day before her reinstatement is)."""

    starts_on: date
    ends_on: date
    entered_from: date
    entered_until: date
    lapses: tuple[tuple[date, date], ...] = ()
    closed: tuple[tuple[date, date], ...] = ()

    def open(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on and not self.lapsed(day)

    def lapsed(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.lapses)

    def barred(self, day: date) -> bool:
        """Whether no contact can be entered on ``day`` (the volunteer is suspended then)."""
        return any(first <= day <= last for first, last in self.closed)


def plan_contacts(rng: random.Random, plan: Plan, pairing: int, span: Span, care: Diligence,
                  actors: tuple[Actor, ...], birthday: date,
                  children: tuple[int, ...] = (),
                  three_ones: random.Random | None = None) -> None:
    """The pairing's contacts month by month, and the yearly birthday and festival.

    ``children`` are the demo's numbers of the pairing's children; ``birthday`` is the
    first one's. A pairing under "three ones" (三个一) also has, drawn from ``three_ones``:
    a call to the parents most quarters (``parent_contact``, 每三个月与孩子父母通一次电话),
    help most months (tutoring, counselling or an activity) and a home visit most half years.
    """
    everyone = children

    def some() -> tuple[int, ...]:
        """The children a visit or call is with: all of them, or one (一对多)."""
        if len(children) < 2 or rng.random() < 0.6:
            return everyone
        return (rng.choice(children),)

    def add(kind: str, on: date, notes: str, minutes: int | None = None, items: int = 0,
            named: tuple[int, ...] = everyone, draw: random.Random = rng) -> None:
        if span.open(on):
            day = plan.entered(draw, on, not_before=span.entered_from,
                               not_after=span.entered_until)
            if span.lapsed(day) or span.barred(day):  # not entered while suspended
                day = max(on, span.entered_from)
            if span.barred(day):  # done before her reinstatement was entered: never entered
                return
            plan.add(RecordContact(day, pairing, kind, on, notes, draw.choice(actors),
                                   minutes, items, named))

    kinds, weights = zip(*((k[0], k[1]) for k in _WITH_CHILD), strict=True)
    for first in month_starts(span.starts_on, span.ends_on):
        last = month_end(first)
        if rng.random() < care.skip:
            continue
        for _ in range(1 if rng.random() < 0.7 else 2):
            kind = rng.choices(kinds, weights)[0]
            _, _, minutes, notes = next(k for k in _WITH_CHILD if k[0] == kind)
            add(kind, day_between(rng, first, last), rng.choice(notes),
                rng.randint(*minutes) if minutes else None, named=some())
        if rng.random() < care.parent_call:
            add("parent_call", day_between(rng, first, last), "引导孩子给在外务工的父母打电话",
                rng.randint(10, 30))
        if rng.random() < care.teacher:
            kind = "teacher_contact" if rng.random() < 0.8 else "school_visit"
            add(kind, day_between(rng, first, last), "向班主任了解孩子在校表现")
        if rng.random() < 0.25:
            add("guardian_contact", day_between(rng, first, last),
                "电话联系监护人，了解孩子近况和家中困难", rng.randint(5, 20))
        if rng.random() < 0.06:
            add("material_aid", day_between(rng, first, last), "送去书包、文具和课外书",
                items=rng.randint(1, 6))
    if three_ones is not None:
        _three_ones(three_ones, span, care, add)
    for year in range(span.starts_on.year, span.ends_on.year + 1):
        if rng.random() < care.yearly:
            day = years_later(birthday, year - birthday.year) + timedelta(days=rng.randint(-3, 3))
            add("birthday", day, "陪孩子过生日，送了蛋糕和书", rng.randint(60, 180), items=1,
                named=children[:1])
        festival = festival_day(rng, year)
        if festival and rng.random() < care.yearly:
            add("festival", festival[0], f"陪孩子过{festival[1]}", rng.randint(60, 240))


_HELP = (("tutoring", "辅导作业，检查学习情况"), ("counselling", "心理疏导，聊聊学校里的烦心事"),
         ("activity", "带孩子参加读书分享活动"))


def _three_ones(draw: random.Random, span: Span, care: Diligence,
                add: Callable[..., None]) -> None:
    """The "three ones" (三个一) kept as the volunteer's diligence allows."""
    for first in month_starts(span.starts_on, span.ends_on):
        last = month_end(first)
        if draw.random() < 1 - care.skip:
            kind, notes = draw.choice(_HELP)
            add(kind, day_between(draw, first, last), notes, draw.randint(30, 90), draw=draw)
        if first.month in (1, 4, 7, 10) or first == span.starts_on.replace(day=1):
            quarter_end = month_end(first.replace(month=(first.month - 1) // 3 * 3 + 3))
            if draw.random() < care.parent_call:
                add("parent_contact", day_between(draw, first, quarter_end),
                    "给孩子在外务工的父母打电话，反馈孩子近况", draw.randint(10, 30),
                    draw=draw)
        if first.month in (1, 7) or first == span.starts_on.replace(day=1):
            half_end = month_end(first.replace(month=6 if first.month <= 6 else 12))
            if draw.random() < care.yearly:
                add("home_visit", day_between(draw, first, half_end),
                    "家访，和祖辈聊孩子的学习和生活", draw.randint(40, 120), draw=draw)
