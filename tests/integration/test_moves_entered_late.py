"""Moves entered late (升学、转学、迁出 recorded after a later one): every view lists the child
where its latest-dated move took it, and a rebuild from the log says the same."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.application import CareRegister
from projections.runner import ViewRunner
from tests.builders import STAFF, approved_volunteer, child_record
from tests.integration.log_support import all_rows

#: Each view's table of where a child is (table, its school's column, its region's column).
PLACES = (("reg_children", "school", "region_code"),
          ("reg_pairing_places", "school", "region_code"),
          ("reg_concern_children", "school", "region_code"),
          ("reg_concerns", "school", "region_code"),
          ("reg_activity_places", "school", "region_code"),
          ("duty_children", "school", "region_code"),
          ("dup_children", "school", "region_code"),
          ("rf_child_places", "school", "region_code"))


def moved_late(register: CareRegister) -> Any:
    """A child who moved in April and again in June, the June moves recorded first."""
    child = register.register_child(actor=STAFF, **child_record())
    volunteer = approved_volunteer(register)
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    register.end_pairing(pairing, reason="儿童迁出", actor=STAFF, on=date(2026, 3, 20))
    register.report_concern(child, kind="absence", description="缺课两天", actor=STAFF,
                            occurred_on=date(2026, 3, 25))
    register.change_school(child, school="沙洋县实验小学", class_name="四年级二班", actor=STAFF,
                           on=date(2026, 6, 1))
    register.transfer_child(child, region_code="420822100", reason="迁往沙洋县", actor=STAFF,
                            on=date(2026, 6, 1))
    register.change_school(child, school="胡集镇中心小学", class_name="四年级一班", actor=STAFF,
                           on=date(2026, 4, 1))
    register.transfer_child(child, region_code="420821102", reason="先迁往邻镇", actor=STAFF,
                            on=date(2026, 4, 1))
    return child


def places(runner: ViewRunner, child: Any) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    rows = all_rows(runner)
    for table, school, region in PLACES:
        for row in rows[table]:
            fields = dict(row)
            if fields.get("child_id") == str(child):
                found[table] = (fields[school], fields[region])
    return found


def test_every_view_lists_the_child_where_its_latest_dated_move_took_it(
        register: CareRegister, runner: ViewRunner) -> None:
    child = moved_late(register)
    runner.catch_up_all()
    found = places(runner, child)
    assert set(found) == {table for table, _, _ in PLACES}
    assert set(found.values()) == {("沙洋县实验小学", "420822100")}, found
    assert register.get_child(child).class_name == "四年级二班"


def test_a_rebuild_from_the_log_lists_every_child_as_the_views_followed_it(
        register: CareRegister, runner: ViewRunner) -> None:
    moved_late(register)
    runner.catch_up_all()
    followed = all_rows(runner)
    runner.rebuild_together()
    assert all_rows(runner) == followed
