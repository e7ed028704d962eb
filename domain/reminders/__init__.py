"""Reminders (履职提醒) of due and overdue duties; escalations (逾期上报) of long-overdue ones."""

from domain.reminders.aggregate import (
    NO_CHANNEL,
    Delivery,
    DeliveryState,
    Escalation,
    Reminder,
    about,
    escalation_id_for,
    reminder_id_for,
)
from domain.reminders.due import (
    ESCALATION_DAYS,
    DueDuty,
    days_overdue,
    needs_escalation,
    needs_reminder,
)
from domain.reminders.message import ReminderText, chinese_date, compose

__all__ = [
    "ESCALATION_DAYS",
    "NO_CHANNEL",
    "Delivery",
    "DeliveryState",
    "DueDuty",
    "Escalation",
    "Reminder",
    "ReminderText",
    "about",
    "chinese_date",
    "compose",
    "days_overdue",
    "escalation_id_for",
    "needs_escalation",
    "needs_reminder",
    "reminder_id_for",
]
