"""The read side does not depend on the store: one log holding every kind of event, erasures
and corrections among them, recorded on PostgreSQL and restored into SQLite, gives the same
rows in every view on both.

The behaviour tests of the views run on SQLite; this is what carries them to PostgreSQL.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from aixin.archive import export_log, import_log
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Guardian, Parent, Profile
from domain.common import SYSTEM
from domain.events import ALL_EVENTS
from domain.users import Scope
from projections.audit import LogAudit
from projections.runner import ViewRunner
from tests.builders import MOTHER, REVIEWERS, STAFF, TEACHER, TODAY, child_record, volunteer_form
from tests.integration.log_support import Store, all_rows, opened
from workers.reminders.channels import DeliveryError, Outgoing
from workers.reminders.delivery import deliver_reminder
from workers.reminders.scan import run_scan

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

KEY = base64.b64encode(secrets.token_bytes(32)).decode()
LEASE = timedelta(minutes=15)


class Channel:
    """An e-mail channel that fails for good its first message, then delivers."""

    name = "email"

    def __init__(self) -> None:
        self.failed = False

    def address(self, form: object) -> str:
        return getattr(form, "email", "")

    def send(self, message: Outgoing) -> None:
        if not self.failed:
            self.failed = True
            raise DeliveryError("550 mailbox unavailable", transient=False)




def approved(register: CareRegister, **form: object) -> UUID:
    volunteer = register.apply_to_volunteer(volunteer_form(**form), actor=STAFF,
                                            applied_on=date(2026, 1, 5))
    for step, level in enumerate(("unit", "county", "city", "province")):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  on=date(2026, 2, 1 + step), actor=REVIEWERS[level])
    return volunteer


def record_every_kind(register: CareRegister, runner: ViewRunner,
                      settings: Settings) -> None:
    """Care of every kind, with late entries that correct earlier facts, an erasure, the
    policy's endings, reminders delivered and failed, reports done and failed, accounts and
    reads of records."""
    mother = approved(register, email="liu@example.cn")
    other = approved(register, name="陈美丽", email="chen@example.cn", phone="13700000005")
    gone = approved(register, name="赵丽", email="zhao@example.cn", phone="13700000006")
    refused = register.apply_to_volunteer(volunteer_form(name="孙红"), actor=STAFF,
                                          applied_on=date(2026, 1, 6))
    register.review_volunteer(refused, level="unit", decision="approve", opinion="同意",
                              on=date(2026, 2, 1), actor=REVIEWERS["unit"])
    register.review_volunteer(refused, level="county", decision="reject", opinion="不符合条件",
                              on=date(2026, 2, 2), actor=REVIEWERS["county"])

    flower, ming, qiang, li = (register.register_child(actor=STAFF, **child_record(
        name=name, region_code=region, school=school, registered_on=date(2026, 3, day)))
        for name, region, school, day in (
            ("王小花", "420821101", "石牌镇中心小学", 2), ("李明", "420821102", "胡集镇中学", 3),
            ("张强", "420822201", "长寿镇小学", 4), ("刘丽", "420821101", "石牌镇中心小学", 5)))
    pairings = {child: register.form_pairing(
        child_ids=[child], volunteer_ids=[helper], principle=principle,
        starts_on=date(2026, 3, 10), actor=STAFF)
        for child, helper, principle in ((flower, mother, "nearby"), (ming, other, "kin"),
                                         (qiang, gone, "need"), (li, mother, "nearby"))}
    several = register.form_pairing(child_ids=[ming, qiang], volunteer_ids=[mother],
                                 principle="nearby", starts_on=date(2026, 4, 1), actor=STAFF)
    for day, kind in ((15, "home_visit"), (28, "phone"), (29, "parent_call"),
                      (30, "teacher_contact")):
        register.record_contact(pairings[flower], kind=kind, notes="了解学习和生活情况",
                                actor=MOTHER, occurred_on=date(2026, 3, day),
                                duration_minutes=30)
    register.record_contact(pairings[ming], kind="material_aid", notes="送去书包", items=3,
                            actor=MOTHER, occurred_on=date(2026, 4, 3))
    register.record_contact(several, kind="home_visit", notes="", actor=MOTHER,
                            occurred_on=date(2026, 5, 20), child_ids=[qiang])
    # Group activities (集体活动, 慰问): one for two children, one recorded in error and cancelled.
    register.record_activity(kind="festival", title="端午节集体活动", child_ids=[flower, ming],
                             organiser="石牌镇妇联", actor=STAFF, occurred_on=date(2026, 5, 30),
                             items=20, amount_yuan="600.50")
    mistaken = register.record_activity(kind="material_aid", title="六一慰问", child_ids=[qiang],
                                        organiser="县妇联", actor=STAFF,
                                        occurred_on=date(2026, 6, 1), amount_yuan="200")
    register.cancel_activity(mistaken, reason="重复录入", actor=STAFF)
    # Late entries: facts dated before what is already on record.
    register.change_parent(flower, Parent(role="father", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1), reason="返乡")
    register.change_parent(flower, Parent(role="father", status="away"), actor=TEACHER,
                           on=date(2026, 4, 1), reason="补录")
    register.change_guardian(flower, Guardian(name="王秀芝", relation="姑姑", age=45,
                                              health="良好"),
                             actor=STAFF, on=date(2026, 4, 1), reason="祖母年迈")
    register.change_guardian(flower, Guardian(name="张桂兰", relation="祖母", age=68,
                                              health="一般"),
                             actor=STAFF, on=date(2026, 3, 20), reason="更正录入")
    register.update_profile(ming, Profile(health="良好", study="中等", psychology="内向"),
                            actor=TEACHER, on=date(2026, 4, 10))
    register.change_categories(ming, ["both_parents_away", "poor_family"], actor=STAFF,
                               on=date(2026, 4, 12), reason="家庭困难")
    concern = register.report_concern(flower, kind="absence", description="缺课三天",
                                      actor=TEACHER, occurred_on=date(2026, 5, 6))
    register.resolve_concern(flower, concern, action="家访后复学", actor=STAFF,
                             on=date(2026, 5, 9))
    register.report_concern(ming, kind="illness", description="发烧住院", actor=TEACHER,
                            occurred_on=date(2026, 6, 1))
    register.record_child_contact(flower, kind="talk", notes="谈心，了解学习情况",
                                  actor=TEACHER, occurred_on=date(2026, 5, 12),
                                  duration_minutes=20)

    register.suspend_volunteer(other, reason="外出学习", actor=STAFF, on=date(2026, 4, 20))
    register.reinstate_volunteer(other, reason="返岗", actor=STAFF, on=date(2026, 5, 10))
    register.commend_volunteer(mother, reason="年度优秀", actor=STAFF, on=date(2026, 6, 1))
    register.disqualify_volunteer(gone, reason="长期未履职", actor=STAFF, on=date(2026, 6, 2))
    register.exit_child(li, reason="随父母迁出", actor=STAFF, on=date(2026, 6, 3))
    register.end_pairing(pairings[ming], reason="调整结对", actor=STAFF, on=date(2026, 6, 4))
    register.erase_personal_data(qiang, reason="监护人撤回同意", actor=STAFF,
                                 on=date(2026, 6, 5))
    # Dynamic management (动态管理): a move up, a transfer, corrections (更正).
    register.change_school(ming, school="胡集镇初级中学", class_name="七年级一班", actor=TEACHER,
                           on=date(2026, 6, 10), reason="升学")
    moved = register.register_child(actor=STAFF, **child_record(
        name="周小军", region_code="420821102", school="胡集镇中学",
        registered_on=date(2026, 3, 6)))
    register.transfer_child(moved, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 6, 15))
    register.correct_child(flower, field="name", value="王晓花", reason="姓名录入错误",
                           actor=STAFF)
    register.correct_child(flower, field="birth_date", value="2016-05-21",
                           reason="出生日期录入错误", actor=STAFF)
    # Two records of one child (重复档案): the second merged into the first.
    again = register.register_child(actor=STAFF, **child_record(
        name="王晓花", birth_date=date(2016, 5, 21), registered_on=date(2026, 3, 8)))
    register.merge_children(flower, again, reason="同一儿童登记两次", actor=STAFF)
    twin = register.register_child(actor=STAFF, **child_record(
        name="王晓华", registered_on=date(2026, 3, 8)))
    register.tell_children_apart(flower, twin, reason="双胞胎姐妹", actor=STAFF)
    register.register_child(actor=STAFF, **child_record(  # still a likely duplicate of hers
        name="王晓花", birth_date=date(2016, 5, 21), region_code="420821102",
        registered_on=date(2026, 3, 9)))

    user = register.create_user(username="mother1", password_hash="$argon2id$one",
                                scope=Scope(role="volunteer", volunteer_id=mother),
                                actor=STAFF)
    register.change_scope(user, Scope(role="federation", region_code="4208"), actor=STAFF)
    register.change_password(user, "$argon2id$two", actor=STAFF)
    register.deactivate_user(user, reason="调离", actor=STAFF)
    register.name_places([("420821101", "石牌镇"), ("420821101201", "彭墩村")], actor=STAFF)
    register.name_places([("420821101201", "彭墩新村")], actor=STAFF)  # renamed
    register.record_enrolment(region_code="420821101", school="石牌镇中心小学", term="2026春",
                              pupils=848, actor=TEACHER)
    register.record_enrolment(region_code="420821101", school="石牌镇中心小学", term="2026春",
                              pupils=850, reason="插班生", actor=STAFF)  # put right
    grant = register.grant_break_glass(
        flower, reason="接到县公安局通报，该儿童离家出走，需立即联系监护人", actor=STAFF)
    register.record_read(flower, what="child", actor=STAFF, reason="核查",
                         break_glass=grant.id)
    register.record_read(ming, what="timeline", actor=TEACHER)

    runner.catch_up_all()
    runner.catch_up_all()  # what the policy recorded
    queued: list[UUID] = []
    scan = run_scan(register, runner, settings, TODAY, deliver=queued.append)
    assert scan.escalated and len(queued) > 1
    channel = Channel()
    for reminder in queued:
        deliver_reminder(register, settings, [channel], reminder)

    done = register.request_report(region_code="420821", year=2026, quarter=1, actor=STAFF)
    assert register.start_report(done, lease=LEASE, actor=SYSTEM) is not None
    register.complete_report(done, position=register.recorder.max_notification_id() or 0,
                             figures_sha256="0" * 64, files=(), actor=SYSTEM)
    failed = register.request_report(region_code="420822", year=2026, quarter=1, actor=STAFF)
    assert register.start_report(failed, lease=LEASE, actor=SYSTEM) is not None
    register.fail_report(failed, reason="数据库连接中断", actor=SYSTEM)
    runner.catch_up_all()
    runner.catch_up_all()


def topics_in(register: CareRegister) -> set[str]:
    return {n.topic for n in register.recorder.select_notifications(start=None, limit=100_000)}


@pytest.fixture
def recorded_on_postgres(make_settings: Callable[..., Settings], tmp_path: Path,
                         ) -> Iterator[tuple[Store, Settings]]:
    settings = make_settings("postgres", cipher_key=KEY, postgres_pool_size=2,
                             data_dir=tmp_path / "postgres")
    with opened(settings) as (register, runner):
        record_every_kind(register, runner, settings)
        yield (register, runner), settings


def test_every_view_holds_the_same_rows_on_sqlite_and_postgresql(
        recorded_on_postgres: tuple[Store, Settings], tmp_path: Path) -> None:
    (register, runner), _ = recorded_on_postgres
    assert {get_topic(kind) for kind in ALL_EVENTS} <= topics_in(register)
    path = tmp_path / "log.jsonl"
    export_log(register, path, chain_head=LogAudit.of(runner).head())
    sqlite = Settings(store="sqlite", data_dir=tmp_path / "sqlite",  # type: ignore[arg-type]
                      cipher_key=KEY)
    with opened(sqlite) as (restored, views):
        import_log(restored, path)
        views.catch_up_all()
        views.catch_up_all()
        assert restored.recorder.max_notification_id() == register.recorder.max_notification_id()
        on_postgres, on_sqlite = all_rows(runner), all_rows(views)
    assert on_postgres.keys() == on_sqlite.keys()
    empty = [name for name, rows in on_postgres.items() if not rows]
    assert empty == ["duty_pending"]  # the duty view's work left for a batch's end: none
    for table in on_postgres:
        assert on_sqlite[table] == on_postgres[table], table
