"""Duty rule sets as files (帮扶责任规则文件): the shipped TOML files, and a programme's own,
read and checked before the programme starts."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from domain.duties import (
    DUTY_SETS,
    DutySetFileError,
    catalogue,
    load_duty_set,
    read_duty_set,
)
from domain.duties.periods import PeriodKind
from domain.programme import Programme
from tests.builders import READING


def refusal(text: str, file: str = "reading.toml", kinds: tuple[str, ...] | None = None) -> str:
    with pytest.raises(DutySetFileError) as raised:
        if kinds is None:
            read_duty_set(text, file)
        else:
            read_duty_set(text, file, kinds)
    return str(raised.value)


def test_the_shipped_sets_are_files_in_the_package() -> None:
    shipped = files("domain.duties").joinpath("sets")
    names = sorted(entry.name for entry in shipped.iterdir() if entry.name.endswith(".toml"))

    assert names == ["five_ones.toml", "school.toml", "three_ones.toml", "two_visits.toml"]


def test_the_shipped_files_are_read_on_first_use_not_when_the_domain_is_imported() -> None:
    probe = ("import domain.application, domain.duties, domain.programme\n"
             "from domain.duties.rules import shipped_duty_sets\n"
             "print(shipped_duty_sets.cache_info().currsize)")

    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[3])

    assert ran.stdout.strip() == "0"


def test_each_shipped_set_carries_the_documents_sentence_and_chinese_labels() -> None:
    sources = {name: duty_set.source for name, duty_set in DUTY_SETS.items()}

    assert "每学期要与班主任取得联系" in sources["two_visits"]
    assert "每三个月与孩子父母通一次电话" in sources["three_ones"]
    assert "每月至少与孩子联系一次" in sources["five_ones"]
    assert "期初、期中、期末" in sources["school"]
    assert [DUTY_SETS[name].title for name in ("five_ones", "two_visits", "three_ones")] == [
        "五个一", "双访", "三个一"]


def test_a_programmes_file_is_read_into_a_set() -> None:
    duty_set = read_duty_set(READING, "reading.toml")

    (rule,) = duty_set.rules
    assert (duty_set.name, duty_set.title, duty_set.source, duty_set.file) == (
        "reading", "共读计划", "每月与孩子共读两次。", "reading.toml")
    assert (rule.name, rule.title, rule.period, rule.kinds, rule.times) == (
        "monthly_reading", "每月与孩子共读两次", PeriodKind.MONTH,
        frozenset({"meeting", "tutoring"}), 2)


def test_a_rule_without_times_asks_for_one_contact_per_period() -> None:
    (rule,) = read_duty_set(READING.replace("times = 2\n", ""), "reading.toml").rules

    assert rule.times == 1


def test_a_file_that_is_not_toml_is_refused_naming_the_file() -> None:
    assert refusal("name = ", "broken.toml").startswith("duty set file broken.toml: not valid TOML")


def test_an_unknown_kind_is_refused_naming_the_file_the_set_and_the_rule() -> None:
    message = refusal(READING.replace('"tutoring"', '"reading_aloud"'))

    assert message.startswith("duty set file reading.toml, set 'reading', rule "
                              "'monthly_reading': unknown kind 'reading_aloud'")


def test_a_kind_the_programme_added_may_be_named_in_its_rules() -> None:
    text = READING.replace('"tutoring"', '"reading_aloud"')
    kinds = ("meeting", "reading_aloud")

    (rule,) = read_duty_set(text, "reading.toml", kinds).rules

    assert "reading_aloud" in rule.kinds


def test_a_period_that_is_not_one_is_refused() -> None:
    message = refusal(READING.replace('period = "month"', 'period = "fortnight"'))

    assert "rule 'monthly_reading': period 'fortnight' is not one of month, quarter" in message


def test_fewer_than_one_contact_per_period_is_refused() -> None:
    message = refusal(READING.replace("times = 2", "times = 0"))

    assert "rule 'monthly_reading': times must be a whole number of at least 1, not 0" in message


def test_two_rules_of_one_name_in_a_set_are_refused() -> None:
    second = READING[READING.index("[[duties]]"):]

    message = refusal(READING + second)

    assert message == ("duty set file reading.toml, set 'reading', rule 'monthly_reading': "
                       "two rules have this name")


def test_a_rule_needs_its_chinese_label() -> None:
    message = refusal(READING.replace('label = "每月与孩子共读两次"\n', ""))

    assert "rule 'monthly_reading': label must be a text that is not empty" in message


def test_a_rule_needs_a_qualifying_kind() -> None:
    message = refusal(READING.replace('kinds = ["meeting", "tutoring"]', "kinds = []"))

    assert "kinds must be a list of at least one contact kind" in message


def test_a_misspelt_key_is_refused_not_ignored() -> None:
    message = refusal(READING.replace("times = 2", "time = 2"))

    assert "rule 'monthly_reading': unknown keys time" in message


def test_a_set_name_that_cannot_be_listed_in_settings_is_refused() -> None:
    message = refusal(READING.replace('name = "reading"', 'name = "Reading, aloud"'))

    assert "the set's name must be lower-case letters" in message


def test_a_set_needs_at_least_one_duty() -> None:
    message = refusal(READING[:READING.index("[[duties]]")])

    assert message == ("duty set file reading.toml, set 'reading': needs at least one "
                       "[[duties]] table")


def test_a_rule_name_defined_differently_in_two_sets_is_refused() -> None:
    text = READING.replace('name = "monthly_reading"', 'name = "monthly_contact"')
    own = read_duty_set(text, "reading.toml")

    with pytest.raises(DutySetFileError) as raised:
        catalogue([own])

    assert str(raised.value) == (
        "duty set file reading.toml, set 'reading', rule 'monthly_contact': defined differently "
        "in set 'five_ones' (sets/five_ones.toml); a rule name means one rule")


def test_a_set_may_repeat_a_rule_of_another_set_as_it_is_defined_there() -> None:
    text = READING.replace('name = "monthly_reading"', 'name = "yearly_birthday"').replace(
        'label = "每月与孩子共读两次"', 'label = "每年陪孩子过一次生日"').replace(
        'period = "month"', 'period = "year"').replace(
        'kinds = ["meeting", "tutoring"]', 'kinds = ["birthday"]').replace("times = 2", "")

    assert "reading" in catalogue([read_duty_set(text, "reading.toml")])


def test_a_programmes_set_cannot_take_a_shipped_sets_name() -> None:
    own = read_duty_set(READING.replace('name = "reading"', 'name = "three_ones"'), "mine.toml")

    with pytest.raises(DutySetFileError, match=r"the set name is taken by sets/three_ones\.toml"):
        catalogue([own])


def test_a_file_that_cannot_be_read_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DutySetFileError, match=r"missing\.toml: cannot be read"):
        load_duty_set(tmp_path / "missing.toml")


def test_a_programme_follows_its_own_set_beside_the_shipped_ones() -> None:
    own = read_duty_set(READING, "reading.toml")

    programme = Programme(duty_sets=("five_ones", "reading"), own_duty_sets=(own,))

    assert [rule.name for rule in programme.duty_rules()][-2:] == [
        "yearly_festival", "monthly_reading"]
    assert [duty_set.name for duty_set in programme.sets_in_force] == ["five_ones", "reading"]


def test_a_helper_needs_the_parents_phones_only_under_a_set_with_a_call_to_the_parents() -> None:
    assert (Programme().asks_for_parent_contact(),
            Programme().asks_for_parent_contact(("three_ones",)),
            Programme(duty_sets=("two_visits", "three_ones")).asks_for_parent_contact()) == (
        False, True, True)
