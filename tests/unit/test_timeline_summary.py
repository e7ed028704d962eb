"""A timeline entry's one line (时间线摘要): a reminder names its duty's period and state, an
escalation (逾期上报) has neither and shows no empty brackets; the console's templates and
words write no empty brackets either."""

from __future__ import annotations

from pathlib import Path

from api.console import labels
from api.console.labels import masked_id_number, summary

ESCALATION = {"pairing_id": "p", "duty": "monthly_teacher_contact",
              "overdue_since": "2026-11-01", "days_overdue": 24}


def test_an_escalation_names_its_duty_since_when_and_how_long_without_empty_brackets() -> None:
    line = summary(ESCALATION)
    assert line.startswith("每月至少联系一次班主任 · 自 2026-11-01 起逾期 · 逾期 24 天")
    assert "（）" not in line and "—" not in line


def test_a_reminder_names_its_duty_period_and_state() -> None:
    line = summary({"duty": "monthly_teacher_contact", "period": "2026-11", "status": "overdue",
                    "overdue_since": "2026-12-01"})
    assert line.startswith("每月至少联系一次班主任（2026年11月）已逾期")
    assert "起逾期" not in line


def test_no_console_template_or_word_writes_empty_brackets() -> None:
    console = Path(labels.__file__).parent
    sources = [*console.glob("templates/*.html"), *console.glob("*.py")]
    assert [path.name for path in sources if "（）" in path.read_text()] == []


def test_an_id_number_is_masked_to_its_county_and_last_four_digits() -> None:
    assert masked_id_number("420881201401010012") == "420881********0012"
    assert masked_id_number("") == ""
