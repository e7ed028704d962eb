"""The annual compliance audit (年度合规审计) on PostgreSQL, from a hand-made year of events.

The log's clock is moved by hand (``at``) so reads and grants fall on known instants, some
just inside and some just outside 2026 in China time; the register's business clock is fixed
at ``TODAY`` (15 June 2026), when a reminder scan finds three duties long overdue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import eventsourcing.domain
import pytest
from typer.testing import CliRunner

from aixin.commands import app
from aixin.compliance import render_markdown
from aixin.settings import Settings
from domain import events as domain_events
from domain.application import CareRegister
from domain.common import Actor
from domain.users import Scope
from projections.compliance import VIEWS, compliance_audit
from projections.runner import ViewRunner
from tests.builders import STAFF, TODAY, child_record
from tests.integration.test_reminders import paired
from workers.reminders.scan import run_scan

pytestmark = pytest.mark.postgres
CHINA = ZoneInfo("Asia/Shanghai")
REASON = "县公安局通报该儿童走失，需立即联系其监护人"


@pytest.fixture
def store() -> str:
    return "postgres"


class LogClock:
    """The instant the log stamps the next events with."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 15, 10, tzinfo=CHINA)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> LogClock:
    log_clock = LogClock()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo",
                        lambda: log_clock.now.astimezone(UTC))
    return log_clock


def account(register: CareRegister, username: str, role: str, **scope: Any) -> Actor:
    user_id = register.create_user(username=username, password_hash="argon2-hash",
                                   scope=Scope(role=role, **scope), actor=STAFF)  # type: ignore[arg-type]
    return Actor(id=str(user_id), role=role)


@pytest.fixture
def year(register: CareRegister, runner: ViewRunner, clock: LogClock,
         make_settings: Callable[..., Settings]) -> Iterator[dict[str, Any]]:
    """A year of access, a break-glass use and breaches of duty, with reads just outside it."""
    shen = account(register, "shen.audit", "auditor")
    wu = account(register, "wu.fed", "federation", region_code="4208")
    zhou = account(register, "zhou.fed", "federation", region_code="4209")
    first, _, _ = paired(register)
    second = register.register_child(actor=STAFF, **child_record(name="李小明"))  # type: ignore[arg-type]

    def read(at: datetime, child: UUID, actor: Actor, what: str = "record") -> None:
        clock.now = at
        register.record_read(child, what=what, actor=actor)

    read(datetime(2025, 12, 31, 23, 30, tzinfo=CHINA), first, shen)  # 2025 in China
    read(datetime(2026, 1, 1, 0, 30, tzinfo=CHINA), first, shen)  # 2025 in UTC, 2026 here
    read(datetime(2026, 2, 10, 9, tzinfo=CHINA), first, shen, "history")
    read(datetime(2026, 3, 3, 15, tzinfo=CHINA), first, wu)
    read(datetime(2026, 7, 1, 11, tzinfo=CHINA), second, shen)
    clock.now = datetime(2026, 8, 8, 20, tzinfo=CHINA)
    grant = register.grant_break_glass(second, reason=REASON, actor=zhou)
    clock.now = datetime(2026, 8, 8, 20, 5, tzinfo=CHINA)
    register.record_read(second, what="record", actor=zhou, reason=REASON,
                         break_glass=grant.id)
    read(datetime(2027, 1, 1, 0, 10, tzinfo=CHINA), second, shen)  # 2027 in China
    clock.now = datetime(2026, 6, 15, 10, tzinfo=CHINA)
    run_scan(register, runner, make_settings("postgres", reminder_escalation_days=45), TODAY)
    runner.catch_up_together(VIEWS)
    yield {"grant": grant, "first": str(first), "second": str(second)}


def test_the_audit_counts_the_years_reads_in_china_time(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    access = compliance_audit(register, runner, 2026)["access"]
    assert (access["reads"], access["children_read"]) == (5, 2)


def test_the_audit_names_each_reader_with_the_children_and_the_reason(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    readers = compliance_audit(register, runner, 2026)["access"]["readers"]
    assert [(r["username"], r["role"], r["reads"], r["break_glass_reads"]) for r in readers] == [
        ("shen.audit", "auditor", 3, 0), ("wu.fed", "federation", 1, 0),
        ("zhou.fed", "federation", 1, 1)]
    assert readers[0]["children"] == sorted([year["first"], year["second"]])
    assert readers[0]["what"] == {"history": 1, "record": 2}
    assert readers[2]["reasons"] == [REASON]


def test_the_audit_lists_break_glass_uses_with_their_reasons(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    glass = compliance_audit(register, runner, 2026)["break_glass"]
    assert glass["uses"] == 1
    [use] = glass["items"]
    assert (use["username"], use["child_id"], use["reason"], use["reads"], use["minutes"]) == (
        "zhou.fed", year["second"], REASON, 1, 60)
    assert use["granted_at"] == "2026-08-08T20:00:00+08:00"


def test_the_audit_reports_the_breaches_of_duty_escalated_that_year(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    breaches = compliance_audit(register, runner, 2026)["duty_breaches"]
    assert breaches["escalations"] == 3
    assert {b["raised_on"] for b in breaches["items"]} == {"2026-06-15"}
    assert breaches["overdue_reminders"] >= 3


def test_a_year_without_erasures_or_key_rotations_says_none(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    audit = compliance_audit(register, runner, 2026)
    assert (audit["erasures"]["count"], audit["key_rotations"]["count"]) == (0, 0)
    document = render_markdown(audit)
    assert "## 六、密钥轮换\n\n无" in document
    assert "## 四、个人信息删除\n\n无。" in document


def test_another_year_holds_only_its_own_reads(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any]) -> None:
    audit = compliance_audit(register, runner, 2027)
    assert (audit["access"]["reads"], audit["break_glass"]["uses"],
            audit["duty_breaches"]["escalations"]) == (1, 0, 0)


def test_the_same_year_gives_the_same_audit_after_later_events(
        register: CareRegister, runner: ViewRunner, clock: LogClock,
        year: dict[str, Any]) -> None:
    before = compliance_audit(register, runner, 2026)
    clock.now = datetime(2027, 2, 1, 9, tzinfo=CHINA)
    register.record_read(UUID(year["first"]), what="record", actor=STAFF)
    runner.catch_up_together(VIEWS)
    after = compliance_audit(register, runner, 2026)
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)


def test_the_command_writes_the_document_and_its_json(
        register: CareRegister, runner: ViewRunner, year: dict[str, Any], tmp_path: Path,
        make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings("postgres")
    for name in ("store", "postgres_host", "postgres_port", "postgres_user", "postgres_dbname",
                 "postgres_schema"):
        monkeypatch.setenv(f"AIXIN_{name.upper()}", str(getattr(settings, name)))
    result = CliRunner().invoke(app, ["compliance-audit", "--year", "2026",
                                      "--out", str(tmp_path / "audit.md")])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert written == compliance_audit(register, runner, 2026)
    document = (tmp_path / "audit.md").read_text(encoding="utf-8")
    assert "2026 年度未成年人个人信息保护合规审计报告" in document
    assert "zhou.fed" in document and REASON in document


@pytest.mark.skipif(not hasattr(domain_events, "ChildErased"), reason="no erasure event yet")
def test_the_audit_lists_the_years_erasures_with_who_and_why(
        register: CareRegister, runner: ViewRunner, clock: LogClock,
        year: dict[str, Any]) -> None:
    admin = account(register, "li.admin", "admin")
    child = register.register_child(actor=STAFF, **child_record(name="赵小红"))  # type: ignore[arg-type]
    clock.now = datetime(2026, 9, 1, 10, tzinfo=CHINA)
    register.erase_personal_data(child, reason="监护人依法申请删除个人信息", actor=admin,
                                 on=date(2026, 6, 15))
    erasures = compliance_audit(register, runner, 2026)["erasures"]
    assert erasures["items"] == [{"child_id": str(child), "reason": "监护人依法申请删除个人信息",
                                  "on": "2026-06-15", "by": "li.admin"}]
    assert compliance_audit(register, runner, 2027)["erasures"]["count"] == 0
