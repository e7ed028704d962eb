"""The quarterly report's duty figures are owed to each child: in 2026 Q1, a one-to-two pairing
(一对多) whose volunteer called only one of its children every month met that child's monthly
contact and left the other child's undone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from domain.application import CareRegister
from projections.reports import ReportFacts, compute_figures
from projections.runner import ViewRunner
from tests.builders import MOTHER, REVIEWERS, STAFF, child_record, volunteer_form

COUNTY = "420821"


def approved_in_autumn(register: CareRegister) -> UUID:
    """A caring mother approved at every level in September 2025."""
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2025, 9, 1))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  on=date(2025, 9, 10), actor=REVIEWERS[level])
    return volunteer


def test_a_call_to_one_child_counts_for_that_childs_periods_only(
        register: CareRegister, runner: ViewRunner) -> None:
    called, other = (register.register_child(actor=STAFF, **child_record(
        name=name, registered_on=date(2025, 11, 1))) for name in ("王小花", "王小明"))
    pairing = register.form_pairing(child_ids=[called, other],
                                    volunteer_ids=[approved_in_autumn(register)],
                                    principle="nearby", starts_on=date(2025, 12, 1),
                                    actor=STAFF, duty_sets=["five_ones"])
    for month in (1, 2, 3):
        register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                                occurred_on=date(2026, month, 10), child_ids=[called])
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        totals = compute_figures(tx, COUNTY, 2026, 1, datetime.now(UTC))["totals"]
    monthly = totals["duties"]["monthly_contact"]
    # three months owed to each of the two children; met for the child called, each month
    assert (monthly["periods_due"], monthly["periods_met"]) == (6, 3)
    # on 31 March: met for the child called, overdue (since 1 January) for the other
    assert (monthly["met"], monthly["overdue"]) == (1, 1)
    assert totals["pairings_with_overdue"] == 1
