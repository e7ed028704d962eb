"""The definitions of the report's figures, and the days they changed (指标口径变更)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from domain.duties import duty_title
from domain.reports.definitions import (
    DEFINITION_CHANGES,
    DefinitionChange,
    changed_since,
    definitions_changed,
)
from domain.vocabulary import REPORT_FIGURE_TITLES
from projections.reports.tally import unit

CHINA = timezone(timedelta(hours=8))


def test_a_report_known_before_a_change_lists_it():
    change = DefinitionChange("pairing_coverage", date(2026, 12, 4), "口径")
    known_at = datetime(2026, 12, 3, 23, 59, tzinfo=CHINA)
    assert changed_since(known_at, (change,)) == (change,)


def test_a_report_known_on_or_after_the_day_of_a_change_does_not_list_it():
    change = DefinitionChange("pairing_coverage", date(2026, 12, 4), "口径")
    assert changed_since(datetime(2026, 12, 4, 0, 0, tzinfo=CHINA), (change,)) == ()
    assert changed_since(datetime(2027, 1, 1, tzinfo=UTC), (change,)) == ()


def test_the_day_of_a_change_is_chinas_day():
    change = DefinitionChange("pairing_coverage", date(2026, 12, 4), "口径")
    # 16:30 UTC on 3 December is 00:30 on 4 December in China
    assert changed_since(datetime(2026, 12, 3, 16, 30, tzinfo=UTC), (change,)) == ()
    assert changed_since(datetime(2026, 12, 3, 15, 30, tzinfo=UTC), (change,)) == (change,)


def test_the_figures_the_documents_changed_are_listed_as_changed():
    figures = {c.figure for c in changed_since(datetime(2020, 1, 1, tzinfo=UTC))}
    assert {"pairing_coverage", "both_parents_away", "special_attention",
            "grandparent_guardians", "volunteers_paired", "duties.semester_teacher_visit",
            "duties.semester_guardian_visit", "duties.quarterly_parent_call",
            "duties.monthly_activity"} <= figures


def test_each_change_says_what_changed_in_chinese():
    for change in DEFINITION_CHANGES:
        assert change.figure and change.what
        assert any("\u4e00" <= ch <= "\u9fff" for ch in change.what), change


def test_definitions_changed_are_given_as_figure_since_and_what():
    listed = definitions_changed(datetime(2020, 1, 1, tzinfo=UTC))
    assert listed[0] == {"figure": DEFINITION_CHANGES[0].figure,
                         "since": DEFINITION_CHANGES[0].since.isoformat(),
                         "what": DEFINITION_CHANGES[0].what}


def test_each_change_names_a_figure_the_report_gives():
    counts = unit(volunteers=True)  # every count of the report, and its breakdowns
    for change in DEFINITION_CHANGES:
        group, _, member = change.figure.partition(".")
        if group == "duties":
            assert duty_title(member) != member, change  # a duty of a shipped set
        elif member:
            assert member in counts[group], change
        else:
            assert change.figure in counts or change.figure in REPORT_FIGURE_TITLES, change
