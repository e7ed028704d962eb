"""The console's words (界面用语): the register's codes as people in the programme say them."""

from __future__ import annotations

from typing import Any

from domain.children.record import CATEGORIES
from domain.duties import CONTACT_KIND_TITLES
from projections.reports.quarterly import duty_title
from projections.timeline import EVENT_TITLES

ROLES = {"admin": "管理员", "federation": "妇联", "school": "学校", "volunteer": "爱心妈妈",
         "auditor": "督导/审计", "system": "系统"}

WORDS: dict[str, str] = {
    # the child
    "male": "男", "female": "女", "active": "在册", "exited": "已退出",
    "father": "父亲", "mother": "母亲",
    "away": "外出务工", "home": "在家", "incapable": "无监护能力", "deceased": "去世",
    # volunteers
    "pending": "审核中", "approved": "已批准", "rejected": "未通过", "suspended": "暂停",
    "disqualified": "取消资格", "approve": "同意", "reject": "不同意",
    "unit": "所在单位", "county": "县妇联", "city": "市州妇联", "province": "省妇联",
    # pairings
    "ended": "已结束", "nearby": "就近", "kin": "就亲", "need": "分类（按需）",
    "one_to_one": "一对一", "one_to_many": "一对多", "many_to_one": "多帮一",
    # duties
    "met": "已完成", "due": "待完成", "overdue": "逾期",
    # reports
    "queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败",
    **CATEGORIES, **CONTACT_KIND_TITLES, **ROLES,
}


#: The share of each report status in its progress bar (进度).
PROGRESS = {"queued": 10, "running": 55, "done": 100, "failed": 100}

#: Figures of the report's totals shown on its page, in order.
TOTALS = (
    ("children_registered", "在册儿童"), ("left_behind", "留守儿童"),
    ("left_behind_boys", "其中男孩"), ("left_behind_girls", "其中女孩"),
    ("pairings_active", "有效结对"), ("pairing_coverage", "结对覆盖率"),
    ("volunteers_approved", "已批准爱心妈妈"), ("contacts", "联系走访次数"),
    ("home_visits", "家访次数"), ("items_given", "发放物品（件）"),
    ("concerns_reported", "情况报告"), ("concerns_resolved", "情况办结"),
    ("duties_overdue", "逾期履职项"),
)


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
    if d.get("role") and d.get("status"):
        parts.append(f"{word(d['role'])}：{word(d['status'])}")
    if d.get("parents"):
        parts.append("，".join(f"{word(r)}{word(s)}" for r, s in d["parents"].items()))
    for key in ("relation", "guardian"):
        if d.get(key):
            parts.append(f"监护人：{d[key]}")
    if "categories" in d:
        parts.append("、".join(word(c) for c in d["categories"]) or "无特殊类别")
    if d.get("principle"):
        parts.append(f"{word(d['principle'])}结对，责任状 {d.get('agreement_signed_on', '—')}")
    if d.get("duty"):
        parts.append(f"{duty_title(d['duty'])}（{d.get('period', '')}）{word(d.get('status'))}")
    if d.get("days_overdue"):
        parts.append(f"逾期 {d['days_overdue']} 天")
    if d.get("what"):
        parts.append({"record": "查阅档案", "history": "查阅历史与时间线"}.get(d["what"],
                                                                             d["what"]))
    if d.get("channel"):
        parts.append(f"{d['channel']} 第 {d.get('attempt', 1)} 次")
    if d.get("break_glass"):
        parts.append("紧急调阅")
    if d.get("reason"):
        parts.append(f"原因：{d['reason']}")
    return " · ".join(parts)
