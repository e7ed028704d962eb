"""The console's words (界面用语): the register's codes as people in the programme say them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from jinja2 import pass_context

from domain import vocabulary as v
from domain.children.aggregate import CORRECTABLE
from domain.duties import duty_title, period_title
from domain.instants import shown_instant
from domain.programme import Programme
from domain.reports import said_to_day
from domain.reports.definitions import RATES, figure_title
from domain.vocabulary import CATEGORY_TITLES as CATEGORIES
from domain.vocabulary import EVENT_TITLES, READ_TITLES, REPORT_FIGURE_TITLES
from domain.vocabulary import ROLE_TITLES as ROLES

#: Every code the console shows, in one map: each concept's words (:mod:`domain.vocabulary`).
WORDS: dict[str, str] = {
    **v.SEX_TITLES, **v.CHILD_STATUS_TITLES, **v.PARENT_ROLE_TITLES, **v.PARENT_STATUS_TITLES,
    **v.VOLUNTEER_STATUS_TITLES, **v.REVIEW_DECISION_TITLES, **v.REVIEW_LEVEL_TITLES,
    **v.PAIRING_STATUS_TITLES, **v.PRINCIPLE_TITLES, **v.SHAPE_TITLES,
    **v.DUTY_STATE_TITLES, **v.REPORT_STATUS_TITLES,
    **CATEGORIES, **v.CONTACT_KIND_TITLES, **ROLES, **v.GUARDIAN_RELATION_TITLES,
    **v.CONCERN_KIND_TITLES, **v.REMINDER_CHANNEL_TITLES,
}


#: The share of each report status in its progress bar (进度).
PROGRESS = {"queued": 10, "running": 55, "done": 100, "failed": 100}

#: Figures of the report's totals shown on its page, in order, titled as in its files.
TOTALS = tuple((key, REPORT_FIGURE_TITLES[key]) for key in (
    "children_registered", "left_behind", "left_behind_boys", "left_behind_girls",
    "special_attention", "both_parents_away", "grandparent_guardians",
    "pairings_active", "pairing_coverage", "volunteers_approved", "volunteers_paired",
    "contacts", "home_visits",
    "items_given", "children_reached", "aid_yuan", "concerns_reported", "concerns_resolved",
    "duties_overdue"))


def figure(key: str) -> str:
    """A report figure's title by its dotted name (结对覆盖率, 联系走访：集体活动,
    每月至少联系一次孩子：履职率)."""
    return figure_title(key)


def figure_value(value: object, key: str) -> str:
    """A figure's value as its tables show it: a share as a percentage (87.50%), money to
    the fen, none as —."""
    if value is None:
        return "—"
    name = key.rsplit(".", 1)[-1]
    if name in RATES and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    if name == "aid_yuan" and isinstance(value, int | float | str):
        return f"{Decimal(str(value)):.2f}"
    return str(value)


def to_day(title: str, meta: dict[str, Any] | None) -> str:
    """A figure's title on the page of a report (``meta``: its figures' meta): for a quarter
    not ended, every 季度末 is the day counted to (截至2026-12-05在结对)."""
    ended = not meta or meta.get("quarter_ended") is not False
    return said_to_day(title, None if ended or meta is None else meta["period_end"])


@pass_context
def when(context: Any, instant: datetime | str | None) -> str:
    """An instant in the programme's time, labelled by its zone: 2026-11-17 14:05（北京时间）.
    Every page shows instants this way (the report's files too)."""
    return shown_instant(instant, programme_zone(context.get("request")))


def programme_zone(request: Any) -> str:
    """The programme's time zone, as the service running the request is set up with."""
    register = getattr(request.app.state, "register", None) if request is not None else None
    return register.programme.timezone if register is not None else Programme.timezone


def read(what: str) -> str:
    """What a reader opened (查阅), in words: the record (档案), or its history."""
    return READ_TITLES.get(what, what)


def masked_id_number(number: str) -> str:
    """A national ID number as the page shows it by default (最小必要): the county's six
    digits and the last four, the birth date and the rest hidden (420881********0012); a
    number too short to keep both shows only its last four."""
    if len(number) > 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return "*" * max(len(number) - 4, 0) + number[-4:] if len(number) > 4 else "*" * len(number)


def word(code: object) -> str:
    """The Chinese word for a code, or the code itself if there is none."""
    if code is None:
        return "—"
    return WORDS.get(str(code), str(code))


def event(name: str) -> str:
    return EVENT_TITLES.get(name, name)


def summary(details: dict[str, Any]) -> str:
    """A timeline entry's facts in one line of Chinese (ids left out)."""
    d, parts = details, []
    if d.get("kind"):
        parts.append(word(d["kind"]))
    if d.get("duration_minutes"):
        parts.append(f"{d['duration_minutes']} 分钟")
    if d.get("items"):
        parts.append(f"物品 {d['items']} 件")
    if d.get("activity_id") and d.get("title"):  # a group activity (集体活动, 慰问)
        parts.append(f"{d['title']}（{d.get('organiser', '')}，{d.get('children', 0)} 名儿童）")
    if d.get("amount_yuan") and Decimal(d["amount_yuan"]):
        parts.append(f"慰问金 {d['amount_yuan']} 元")
    if d.get("role") and d.get("status"):
        parts.append(f"{word(d['role'])}：{word(d['status'])}")
    if d.get("parents"):
        parts.append("，".join(f"{word(r)}{word(s)}" for r, s in d["parents"].items()))
    for key in ("relation", "guardian"):
        if d.get(key):
            parts.append(f"监护人：{word(d[key])}")
    if "categories" in d:
        parts.append("、".join(word(c) for c in d["categories"]) or "无特殊类别")
    if d.get("principle"):
        parts.append(f"{word(d['principle'])}结对，责任状 {d.get('agreement_signed_on', '—')}")
    if d.get("duty"):  # a reminder names its period and state, an escalation neither
        period = f"（{period_title(d['period'])}）" if d.get("period") else ""
        state = word(d["status"]) if d.get("status") else ""
        since = f"自 {d['overdue_since']} 起" if d.get("overdue_since") else ""
        parts.append(f"{duty_title(d['duty'])}{period}{state}")
        if since and not state:
            parts.append(f"{since}逾期")
    if d.get("days_overdue"):
        parts.append(f"逾期 {d['days_overdue']} 天")
    if d.get("what"):
        parts.append(f"查阅{read(d['what'])}" if d["what"] in READ_TITLES else d["what"])
    if d.get("channel"):
        parts.append(f"{word(d['channel'])} 第 {d.get('attempt', 1)} 次")
    if d.get("break_glass"):
        parts.append("紧急调阅")
    if d.get("school"):  # 升学、转学
        parts.append(f"{d['school']} {d.get('class_name', '')}".rstrip())
    if d.get("region_code"):  # 迁出
        parts.append(f"迁往 {d['region_code']}")
    if d.get("field"):  # 更正
        parts.append(f"更正{CORRECTABLE.get(d['field'], d['field'])}")
    if d.get("reason"):
        parts.append(f"原因：{d['reason']}")
    return " · ".join(parts)
