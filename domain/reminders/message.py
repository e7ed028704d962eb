"""The words of a reminder (提醒内容): in Chinese, naming the child, the duty and the date.

Composed when the reminder is delivered, from the record as it stands then (names are not
copied into the reminder's events, which hold ids only). Short enough for an SMS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.duties.evaluation import DutyState

SIGNATURE = "爱心帮扶平台"


@dataclass(frozen=True)
class ReminderText:
    subject: str
    text: str


def chinese_date(day: date) -> str:
    """2026年3月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def compose(*, volunteer_name: str, child_names: Sequence[str], duty_title: str,
            duty_status: str, period_label: str, period_end: date, overdue_since: date | None,
            reason: str, today: date) -> ReminderText:
    """The subject and text of a reminder to one volunteer.

    A due-soon reminder names the last day of the period (截止日期); an overdue one the day it
    became overdue (逾期起始日). ``reason`` is the duty evaluation's own explanation.
    """
    children = "、".join(name for name in child_names if name) or "结对孩子"
    greeting = f"{volunteer_name}您好：" if volunteer_name else "您好："
    if duty_status == DutyState.OVERDUE.value:
        since = chinese_date(overdue_since) if overdue_since else chinese_date(period_end)
        subject = f"【爱心提醒】{children}的帮扶任务已逾期"
        ask = (f"您结对帮扶的{children}，帮扶任务“{duty_title}”自{since}起已逾期，"
               "请尽快完成并在系统中登记。")
    else:
        subject = f"【爱心提醒】{children}的帮扶任务即将到期"
        ask = f"您结对帮扶的{children}，帮扶任务“{duty_title}”本期（{period_label}）尚未完成，"
        if period_end >= today:
            ask += f"请于{chinese_date(period_end)}前完成并在系统中登记。"
        else:  # a school holiday: the term ended on period_end, a make-up still counts
            ask += f"本期已于{chinese_date(period_end)}结束，请在假期内尽快补做并在系统中登记。"
    return ReminderText(subject=subject, text=f"{greeting}{ask}（{reason}）——{SIGNATURE}")
