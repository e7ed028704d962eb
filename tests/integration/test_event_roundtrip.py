"""Every event type stores and loads unchanged, Chinese text included, encrypted and not."""

from __future__ import annotations

import base64
import importlib
import os
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from eventsourcing.domain import Aggregate

import domain
from aixin.bootstrap import build_register
from domain.access import BreakGlass, RecordRead
from domain.activities import Activity
from domain.application.commands import CommandRecord, command_id
from domain.children import Child, Guardian, Parent, Profile
from domain.children.merging import merge, tell_apart
from domain.common import SYSTEM
from domain.duties import evaluate_duties, rules_for
from domain.duties.rules import STANDARD_CONTACT_KINDS
from domain.imports.aggregate import Import
from domain.national_ids import NationalIdClaim, blind_index
from domain.pairings import Pairing
from domain.places.aggregate import Place
from domain.reminders import DueDuty, Escalation, Reminder
from domain.reports import QuarterlyReport, scheduled_report_id
from domain.reports.submission import Submission
from domain.schools.enrolment import SchoolEnrolment
from domain.users import Scope, User
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import MOTHER, REVIEWERS, STAFF, TEACHER, TODAY, child_record, volunteer_form
from tests.integration.conftest import EACH_STORE


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test of this module on SQLite and on PostgreSQL: the store is the point."""
    return str(request.param)
D = date(2026, 5, 1)


def every_event_type() -> set[type]:
    """The event classes of the domain, found by looking through every module of it (an
    aggregate's own and those defined beside it), not listed by hand."""
    found: set[type] = set()
    for module in pkgutil.walk_packages(domain.__path__, f"{domain.__name__}."):
        for value in vars(importlib.import_module(module.name)).values():
            if not isinstance(value, type) or not value.__module__.startswith("domain."):
                continue
            if issubclass(value, Aggregate):
                found.update(nested for nested in vars(value).values()
                             if isinstance(nested, type) and issubclass(nested, Aggregate.Event))
            elif issubclass(value, Aggregate.Event):
                found.add(value)
    return {cls for cls in found if cls.__name__ not in ("Event", "Created")}  # library bases


def aggregates_with_every_event() -> list[Aggregate]:
    child = Child.register(today=TODAY, actor=STAFF, **child_record())
    child.change_parent(Parent(role="mother", status="home", name="李秀英", phone="13800000005",
                               work_location=""), on=D, today=TODAY, actor=TEACHER, reason="返乡")
    child.change_guardian(Guardian(name="王秀梅", relation="姑姑", age=40), on=D, today=TODAY,
                          actor=STAFF, reason="更正")
    child.update_profile(Profile(health="良好", study="进步明显", psychology="开朗"), on=D,
                         today=TODAY, actor=TEACHER)
    child.change_categories(["poor_family"], on=D, today=TODAY, actor=STAFF, reason="低保")
    concern = child.report_concern(kind="absence", description="缺课“两天”", occurred_on=D,
                                   today=TODAY, actor=TEACHER)
    child.resolve_concern(concern, action="已家访", on=D, today=TODAY, actor=TEACHER)
    child.record_contact(kind="talk", occurred_on=D, notes="谈心“学习”", today=TODAY,
                         actor=TEACHER, known_kinds={"talk"}, duration_minutes=15, items=1)
    child.change_school(school="石牌镇初级中学", class_name="七年级一班", on=date(2026, 5, 10),
                        today=TODAY, actor=TEACHER, reason="升学")
    child.transfer(region_code="420881108", on=date(2026, 5, 20), reason="随祖母迁居",
                   today=TODAY, actor=STAFF)
    child.correct(field="name", value="王小华", reason="户口簿上写作“小华”", today=TODAY,
                  actor=STAFF)
    child.correct(field="birth_date", value="2016-05-21", reason="出生证明", today=TODAY,
                  actor=STAFF)
    child.exit(reason="年满十六周岁", on=TODAY, today=TODAY, actor=STAFF)

    volunteer = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                                applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)
    for level in APPROVAL_LEVELS:
        volunteer.review(level=level, decision="approve", opinion="同意", on=date(2026, 2, 1),
                         today=TODAY, actor=REVIEWERS[level])
    volunteer.commend(reason="优秀", on=D, today=TODAY, actor=STAFF)
    volunteer.suspend(reason="外出", on=D, today=TODAY, actor=STAFF)
    volunteer.reinstate(reason="返回", on=D, today=TODAY, actor=STAFF)
    volunteer.disqualify(reason="未履职", on=TODAY, today=TODAY, actor=STAFF)

    other = Child.register(today=TODAY, actor=STAFF, **child_record(name="李明", sex="male"))
    helper = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS[:1],
                             applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)
    helper.review(level="unit", decision="approve", opinion="", on=date(2026, 2, 1),
                  today=TODAY, actor=STAFF)
    pairing = Pairing.form(children=[other], volunteers=[helper], principle="kin",
                           agreement_signed_on=date(2026, 3, 5), starts_on=date(2026, 3, 10),
                           duty_sets=("five_ones", "two_visits"), today=TODAY, actor=STAFF)
    pairing.record_contact(kind="material_aid", occurred_on=D, notes="送书包、文具", today=TODAY,
                           actor=MOTHER, known_kinds=frozenset(STANDARD_CONTACT_KINDS),
                           duration_minutes=45, items=3)
    pairing.end(reason="调整结对", on=TODAY, today=TODAY, actor=STAFF)
    user = User.create(username="mother1", password_hash="$argon2id$x",
                       scope=Scope(role="volunteer", volunteer_id=helper.id), actor=STAFF)
    user.change_scope(Scope(role="federation", region_code="420821"), actor=STAFF)
    user.change_password("$argon2id$y", actor=STAFF)
    user.deactivate(reason="离职", actor=STAFF)
    read = RecordRead(child_id=child.id, what="record", reason="年度督导", actor=STAFF,
                      break_glass=None)
    emergency = BreakGlass(child_id=child.id, user_id=STAFF.id)
    emergency.grant(reason="夜间接到报告，核实情况", now=datetime(2026, 5, 1, 20, tzinfo=UTC),
                    minutes=60, actor=STAFF)
    erased = Child.register(today=TODAY, actor=STAFF, **child_record(name="李明"))
    erased.erase_personal_data(reason="监护人依法申请删除", on=TODAY, today=TODAY, actor=STAFF)
    reminder, escalation = reminded(pairing)
    activity = Activity.record(kind="festival", title="端午节“集体”活动", occurred_on=D,
                               children=[other], organiser="石牌镇妇联", today=TODAY,
                               actor=STAFF, items=12, amount_yuan="600.5")
    activity.cancel(reason="重复录入", on=TODAY, today=TODAY, actor=STAFF)
    return [child, volunteer, other, helper, pairing, user, read, emergency, erased, reminder,
            escalation, *reported(), activity, *merged(), *counted_and_named(), *imported(),
            claimed(child), commanded(child)]


def merged() -> tuple[Child, Child, Child]:
    """A record kept that absorbed a second record of the same child (合并) and was told apart
    from a third (不是同一人)."""
    kept = Child.register(today=TODAY, actor=STAFF, **child_record(name="张明"))
    duplicate = Child.register(today=TODAY, actor=STAFF, **child_record(
        name="张明", id_number="420821201605200027"))
    cousin = Child.register(today=TODAY, actor=STAFF, **child_record(name="张敏"))
    tell_apart(kept, cousin, reason="同名不同人：“张敏”是表妹", today=TODAY, actor=STAFF)
    merge(kept, duplicate, reason="学校与乡镇各登记了一次", on=TODAY, today=TODAY, actor=STAFF,
          id_number=duplicate.id_number)
    return kept, duplicate, cousin


def counted_and_named() -> tuple[SchoolEnrolment, Place]:
    """A school's pupils stated for a term and put right (更正), and a township named and
    renamed (更名)."""
    school = SchoolEnrolment.list_school(region_code="420821101", school="石牌镇中心小学",
                                         actor=STAFF)
    school.record(term="2026春", pupils=812, on=date(2026, 3, 2), today=TODAY, actor=TEACHER)
    school.record(term="2026春", pupils=821, on=D, today=TODAY, actor=TEACHER,
                  reason="数字“812”录反了")
    place = Place.name_new(code="420821101", name="石牌镇", actor=STAFF)
    place.rename("石牌街道", actor=STAFF)
    return school, place


def imported() -> tuple[Import, Import]:
    """An import of the children's register run to its end with a refused row, and one of
    the volunteers' register that failed."""
    at = datetime(2026, 6, 15, 1, 2, 3, 456789, tzinfo=UTC)
    done = Import.request(kind="children", dry_run=False, file_name="石牌镇花名册.xlsx",
                          size=20480, sha256="2d" * 32, region_code="420821", school=None,
                          today=TODAY, actor=STAFF)
    done.start(at=at)
    done.finish(at=at, rows=3, accepted=1, unchanged=1, refused=1,
                errors=[(4, "出生日期", "日期“2016-13-01”不是有效日期")])
    failed = Import.request(kind="volunteers", dry_run=True, file_name="爱心妈妈登记表.xlsx",
                            size=10240, sha256="3c" * 32, region_code=None, school=None,
                            today=TODAY, actor=STAFF)
    failed.start(at=at)
    failed.fail(at=at, reason="文件已不存在（the file is gone）")
    return done, failed


def claimed(child: Child) -> NationalIdClaim:
    """A national ID number held by ``child``, released and forgotten at its erasure."""
    claim = NationalIdClaim.claim(index=blind_index(b"k" * 32, "420821201605200043"),
                                  tenure=0, holder=child.id, on=D, actor=STAFF)
    claim.forget(on=TODAY, actor=STAFF)
    return claim


def commanded(child: Child) -> CommandRecord:
    """That a command sent with an idempotency key was recorded, as the register records it
    beside the command's own events."""
    record: CommandRecord = CommandRecord._create(
        CommandRecord.Accepted,  # type: ignore[attr-defined]
        id=command_id("staff-1", "0b9c1d4e-键"), owner="staff-1", fingerprint="4a" * 32,
        changed=((str(child.id), child.version),))
    return record


def reminded(pairing: Pairing) -> tuple[Reminder, Escalation]:
    """A reminder with every kind of delivery event, and an escalation, about ``pairing``."""
    (duty, *_) = evaluate_duties(rules_for(["five_ones"]), (), TODAY,
                                 starts_on=date(2026, 3, 10))
    due = DueDuty(pairing_id=pairing.id, child_ids=pairing.child_ids,
                  volunteer_ids=pairing.volunteer_ids, region_code="420821101",
                  school="石牌镇中心小学", volunteer_region_codes=("420821",), status=duty,
                  on=TODAY)
    reminder = Reminder.issue(due, today=TODAY, actor=SYSTEM)
    (volunteer_id,) = pairing.volunteer_ids
    at = datetime(2026, 6, 15, 1, 2, 3, 456789, tzinfo=UTC)
    for channel in ("email", "webhook"):
        reminder.attempt(volunteer_id, channel, at=at, lease=timedelta(minutes=15),
                         actor=SYSTEM)
    reminder.delivered(volunteer_id, "email", attempt=1, at=at, actor=SYSTEM)
    reminder.failed(volunteer_id, "webhook", attempt=1, error="HTTP 503：网关忙", final=True,
                    at=at, actor=SYSTEM)
    escalation = Escalation.raise_for(due, threshold_days=14, today=TODAY, actor=SYSTEM)
    return reminder, escalation


def reported() -> tuple[QuarterlyReport, QuarterlyReport]:
    """A report requested with who sends it upward, started and completed (with its files'
    digests), and a scheduled one that failed."""
    at = datetime(2026, 6, 15, 1, 2, 3, 456789, tzinfo=UTC)
    done = QuarterlyReport.request(
        region_code="4208", year=2026, quarter=1, known_at=at, now=at, today=TODAY,
        actor=STAFF, escalate_after_days=14, submission=Submission(
            reporting_unit="钟祥市妇联", preparer="刘爱华", preparer_phone="13700000004",
            reviewer="陈主任", reviewer_phone="0724-4222333", prepared_on=D))
    done.start(at=at, lease=timedelta(minutes=30), actor=SYSTEM)
    done.complete(position=123, figures_sha256="0f" * 32, files=(
        {"name": "4208-2026Q1.xlsx", "content_type": "application/vnd.openxmlformats-"
         "officedocument.spreadsheetml.sheet", "size": 2048, "sha256": "1e" * 32},),
        at=at, actor=SYSTEM)
    failed = QuarterlyReport.request(region_code="420821", year=2026, quarter=1, known_at=at,
                                     now=at, today=TODAY, actor=SYSTEM,
                                     report_id=scheduled_report_id("420821", 2026, 1))
    failed.start(at=at, lease=timedelta(minutes=30), actor=SYSTEM)
    failed.fail(reason="OperationalError：数据库不可用", at=at, actor=SYSTEM)
    return done, failed


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_every_event_type_loads_back_unchanged(
        store: str, encrypted: bool, make_settings: Callable[..., object]) -> None:
    key = base64.b64encode(os.urandom(32)).decode() if encrypted else None
    register = build_register(make_settings(store, cipher_key=key))  # type: ignore[arg-type]
    aggregates = aggregates_with_every_event()
    recorded = [event for aggregate in aggregates for event in aggregate.collect_events()]
    register.save(*recorded)

    loaded = [event for aggregate in aggregates for event in register.events.get(aggregate.id)]

    assert {type(event) for event in recorded} == every_event_type()
    assert [(type(e), e.__dict__) for e in loaded] == [(type(e), e.__dict__) for e in recorded]
    register.close()


def test_encrypted_events_hide_the_childs_name_at_rest(
        store: str, make_settings: Callable[..., object]) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    register = build_register(make_settings(store, cipher_key=key))  # type: ignore[arg-type]
    child = Child.register(today=TODAY, actor=STAFF, **child_record())
    register.save(child)
    (stored,) = register.recorder.select_events(child.id)
    assert "王小花".encode() not in stored.state
    assert register.get_child(child.id).name == "王小花"
    register.close()


def test_plain_events_keep_chinese_text_readable_as_utf8(
        store: str, make_settings: Callable[..., object]) -> None:
    register = build_register(make_settings(store))  # type: ignore[arg-type]
    child = Child.register(today=TODAY, actor=STAFF, **child_record())
    register.save(child)
    (stored,) = register.recorder.select_events(child.id)
    assert "石牌镇中心小学".encode() in stored.state  # not personal: the name is sealed
    register.close()
