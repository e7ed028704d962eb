"""The reminders on the work-lists (提醒与逾期上报), the newest first, each as it stands today:
its duty since met, its period over or its pairing ended, or still open; and how its sending
stands, saying why one is still waiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.access.policy import Listing
from projections.duties import DutyView
from projections.events import listed
from projections.registers.reminders import RemindersRegister, deliveries_of
from projections.runner import ViewRunner
from projections.worklists import duties_now, reminders_newest_first
from storage.sql import Row

#: A reminder's channels, in words.
CHANNELS = {"email": "电子邮件", "sms": "短信", "webhook": "接口推送", "app": "手机应用"}
#: Why a reminder has no attempt yet: the service has no channel configured, or has not
#: come to it; the field app shows it to her all the same.
NOT_SENT = ("尚未发出：系统还没有配置提醒的发送渠道（电子邮件或接口推送），或尚未轮到发送；"
            "爱心妈妈在手机应用里可以看到这条提醒")
#: A volunteer no configured channel reaches (the channel ``none``).
NOBODY = "无法送达：她的登记表上没有电子邮箱，也没有其他可用的发送渠道"
#: A reminder's delivery, in words.
DELIVERY = {"pending": "待发送", "sending": "发送中", "delivered": "已送达", "failed": "发送失败"}


@dataclass
class Issued:
    """A page of reminders (newest first) with each one's sending and state in words; ``next``
    is the cursor of the page after (empty: none)."""

    rows: list[Row] = field(default_factory=list)
    next: str = ""


def issued(views: ViewRunner, scope: Listing, on: date, before: int | None,
           limit: int) -> Issued:
    """A page of the reminders issued within ``scope``, the newest first, from ``before``."""
    with views.store.recorder(RemindersRegister).read() as tx:
        rows = reminders_newest_first(tx, region_code=scope.region_code, school=scope.school,
                                      before=before, limit=limit)
        deliveries = deliveries_of(tx, [row["reminder_id"] for row in rows])
    with views.store.recorder(DutyView).read() as tx:
        now = duties_now(tx, [(row["pairing_id"], row["child_id"] or "", row["duty"])
                              for row in rows])
    for row in rows:
        row["delivery_words"] = delivery_words(row["delivery"],
                                               deliveries[row["reminder_id"]])
        row["state_words"], row["open"] = state_now(
            row, now.get((row["pairing_id"], row["child_id"] or "", row["duty"])), on)
        row["volunteer_list"] = listed(row["volunteer_ids"])
    return Issued(rows, str(rows[-1]["position"]) if len(rows) == limit else "")


def delivery_words(delivery: str, deliveries: list[Row]) -> str:
    """How the reminder's sending stands; one not yet sent, or reaching nobody, says why."""
    word = DELIVERY.get(delivery, delivery)
    if not deliveries:
        return f"{word}：{NOT_SENT}"
    channels = "、".join(NOBODY if d["channel"] == "none" else
                         f"{CHANNELS.get(d['channel'], d['channel'])}"
                         f"{DELIVERY.get(d['state'], d['state'])}" for d in deliveries)
    return f"{word}（{channels}）"


def state_now(reminder: Row, duty: Row | None, on: date) -> tuple[str, bool]:
    """The reminder as it stands on ``on``, and whether it is still open: its pairing ended,
    its duty met in its period, its period over, or still to be done."""
    if duty is None or duty["ended_on"]:
        return "结对已结束，无需再办", False
    if duty["period_label"] == reminder["period_label"] and duty["status"] == "met":
        return "本期职责已完成", False
    if reminder["period_end"] < on.isoformat() and reminder["status"] != "overdue":
        return f"所属期间已于 {reminder['period_end']} 结束", False
    return "仍未完成", True
