"""The dashboard's figures (projections.dashboard) from the views, on SQLite and PostgreSQL:
coverage and duties by township, contacts by month, this quarter against the last."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.application import CareRegister
from projections.dashboard import Within, by_township, contacts_by_month, quarter_trends
from projections.reports.facts import ReportFacts
from projections.reports.quarterly import compute_figures
from projections.runner import ViewRunner
from tests.builders import MOTHER, STAFF, TODAY, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE

SHIPAI, JIUKOU = "420881108", "420881109"


@pytest.fixture
def county(register: CareRegister, runner: ViewRunner) -> ViewRunner:
    """石牌镇: two left-behind children, one paired (from 1 April) with contacts on 2 April,
    3 May and 10 June; 旧口镇: one left-behind child, not paired."""
    paired = register.register_child(actor=STAFF, **child_record(name="甲", region_code=SHIPAI))
    register.register_child(actor=STAFF, **child_record(name="乙", region_code=SHIPAI))
    register.register_child(actor=STAFF, **child_record(name="丙", region_code=JIUKOU))
    pairing = register.form_pairing(child_ids=[paired],  # type: ignore[list-item]
                                    volunteer_ids=[approved_volunteer(register)],
                                    principle="need", starts_on=date(2026, 4, 1), actor=STAFF)
    for day in (date(2026, 4, 2), date(2026, 5, 3), date(2026, 6, 10)):
        register.record_contact(pairing, kind="phone", notes="", actor=MOTHER, occurred_on=day)
    runner.catch_up_all()
    runner.refresh(TODAY)
    return runner


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_coverage_by_township_counts_left_behind_children_and_those_paired(
        county: ViewRunner) -> None:
    figures = {t.code: (t.left_behind, t.paired) for t in by_township(county, Within(), TODAY)}
    assert figures == {SHIPAI: (2, 1), JIUKOU: (1, 0)}


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_duties_by_township_are_those_of_active_pairings_by_state(county: ViewRunner) -> None:
    townships = {t.code: t for t in by_township(county, Within(), TODAY)}
    shipai, jiukou = townships[SHIPAI], townships[JIUKOU]
    assert shipai.overdue > 0 and shipai.children_overdue == 1  # no contact since June
    assert (jiukou.met, jiukou.due, jiukou.overdue) == (0, 0, 0)  # no pairing, nothing owed


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_contacts_are_counted_by_the_month_they_happened(county: ViewRunner) -> None:
    months = contacts_by_month(county, Within(), TODAY)
    assert len(months) == 12 and months[-1] == ("2026-06", 1)
    assert dict(months)["2026-04"] == 1 and dict(months)["2026-05"] == 1
    assert months[0] == ("2025-07", 0)


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_this_quarter_is_set_against_the_same_days_of_the_last(county: ViewRunner) -> None:
    this, last, trends = quarter_trends(county, Within(), TODAY)
    figures = {t.name: (t.before, t.now) for t in trends}
    assert (this.number, last.number) == (2, 1)
    assert figures["contacts"] == (0, 3)  # 1 January–15 February against 1 April–15 June
    assert figures["pairings_formed"] == (0, 1)


def test_a_scope_sees_only_its_own_townships(county: ViewRunner) -> None:
    assert [t.code for t in by_township(county, Within(region_code=JIUKOU), TODAY)] == [JIUKOU]
    assert contacts_by_month(county, Within(region_code=JIUKOU), TODAY)[-1] == ("2026-06", 0)


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_child_is_paired_on_the_dashboard_as_the_report_covers_her(
        register: CareRegister, runner: ViewRunner) -> None:
    """甲's pairing is under way but her only volunteer is suspended; 乙's has a volunteer in
    good standing: only 乙 is covered (结对覆盖), on both."""
    pairs = {}
    for name in ("甲", "乙"):
        child = register.register_child(actor=STAFF, **child_record(name=name,
                                                                    region_code=SHIPAI))
        pairs[name] = approved_volunteer(register)
        register.form_pairing(child_ids=[child], volunteer_ids=[pairs[name]],  # type: ignore[list-item]
                              principle="need", starts_on=date(2026, 4, 1), actor=STAFF)
    register.suspend_volunteer(pairs["甲"], reason="长期外出", actor=STAFF, on=date(2026, 5, 1))
    runner.catch_up_all()
    runner.refresh(TODAY)
    with runner.store.recorder(ReportFacts).read() as tx:
        report = compute_figures(tx, SHIPAI[:6], 2026, 2,
                                 datetime.now(UTC))["townships"][SHIPAI]
    dashboard = {t.code: t.paired for t in by_township(runner, Within(), TODAY)}
    assert dashboard == {SHIPAI: report["left_behind_paired"]} == {SHIPAI: 1}
