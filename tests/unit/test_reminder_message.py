"""The reminder's words: Chinese, naming the child, the duty and the date."""

from __future__ import annotations

from datetime import date

from domain.reminders import compose

DUTY = "每月至少联系一次孩子"


def text(**overrides: object) -> tuple[str, str]:
    values: dict[str, object] = {
        "volunteer_name": "刘爱华", "child_names": ["王小花"], "duty_title": DUTY,
        "duty_status": "overdue", "period_label": "2026-11", "period_end": date(2026, 11, 30),
        "overdue_since": date(2026, 10, 1), "reason": "自2026-10-01起逾期：尚无符合条件的联系",
        "today": date(2026, 11, 23)}
    values.update(overrides)
    message = compose(**values)  # type: ignore[arg-type]
    return message.subject, message.text


def test_an_overdue_reminder_names_the_child_the_duty_and_the_day_it_became_overdue() -> None:
    subject, body = text()
    assert subject == "【爱心提醒】王小花的帮扶任务已逾期"
    assert body.startswith("刘爱华您好：")
    assert "王小花" in body and f"“{DUTY}”" in body and "自2026年10月1日起已逾期" in body


def test_a_due_soon_reminder_names_the_last_day_of_the_period() -> None:
    subject, body = text(duty_status="due", overdue_since=None,
                         reason="本期（2026-11）尚未完成，截止2026-11-30")
    assert subject == "【爱心提醒】王小花的帮扶任务即将到期"
    assert "本期（2026-11）尚未完成" in body and "请于2026年11月30日前完成" in body


def test_a_reminder_in_the_holiday_after_a_term_asks_for_a_make_up() -> None:
    _, body = text(duty_status="due", overdue_since=None, period_label="2026-spring",
                   period_end=date(2026, 7, 31), today=date(2026, 8, 10), reason="")
    assert "本期已于2026年7月31日结束" in body and "补做" in body


def test_a_reminder_for_several_children_names_each_of_them() -> None:
    subject, body = text(child_names=["王小花", "李明"])
    assert "王小花、李明" in subject and "王小花、李明" in body


def test_the_reason_the_evaluation_gave_is_quoted() -> None:
    _, body = text()
    assert "（自2026-10-01起逾期：尚无符合条件的联系）" in body
