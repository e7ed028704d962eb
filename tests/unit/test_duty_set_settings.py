"""A programme's duty sets in its settings (AIXIN_DUTY_SETS): shipped sets by name, its own as
TOML files beside them, read and checked at start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from aixin.commands import app
from aixin.settings import Settings
from domain.duties import DUTY_SETS, rules_for
from domain.duties import rules as duty_rules
from tests.builders import READING


@pytest.fixture(autouse=True)
def own_sets_forgotten(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts a programme of its own: sets adopted in it are forgotten after it."""
    monkeypatch.setattr(duty_rules, "_ADOPTED", {})
    yield


def written(folder: Path, text: str = READING, name: str = "reading.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_programme_adds_its_own_set_as_a_file_beside_the_shipped_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_DUTY_SETS", f"three_ones, {written(tmp_path)}")

    programme = Settings().programme()

    assert programme.duty_sets == ("three_ones", "reading")
    assert [rule.name for rule in programme.duty_rules()] == [
        "half_yearly_home_visit", "quarterly_parent_call", "monthly_activity", "monthly_reading"]


def test_the_programmes_own_set_is_known_by_name_once_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_DUTY_SETS", str(written(tmp_path)))

    Settings()

    assert ("reading" in DUTY_SETS, [rule.name for rule in rules_for(["reading"])]) == (
        True, ["monthly_reading"])


def test_a_rule_of_the_programmes_own_set_may_name_a_kind_it_added(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path, READING.replace('"tutoring"', '"reading_aloud"'))
    monkeypatch.setenv("AIXIN_DUTY_SETS", str(path))
    monkeypatch.setenv("AIXIN_EXTRA_CONTACT_KINDS", "reading_aloud")

    (rule,) = Settings().programme().duty_rules()

    assert rule.kinds == frozenset({"meeting", "reading_aloud"})


def test_a_bad_duty_set_file_stops_the_start_naming_the_file_the_set_and_the_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path, READING.replace('period = "month"', 'period = "weekly"'))
    monkeypatch.setenv("AIXIN_DUTY_SETS", f"five_ones,{path}")

    with pytest.raises(ValidationError) as raised:
        Settings()

    assert (f"duty set file {path}, set 'reading', rule 'monthly_reading': period 'weekly' is "
            "not one of month") in str(raised.value)


def test_a_duty_set_file_that_is_missing_stops_the_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_DUTY_SETS", str(tmp_path / "nowhere.toml"))

    with pytest.raises(ValidationError, match=r"nowhere\.toml: cannot be read"):
        Settings()


def test_aixin_check_refuses_a_bad_duty_set_file_with_its_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path, READING.replace("times = 2", "times = 0"))
    monkeypatch.setenv("AIXIN_DUTY_SETS", str(path))
    monkeypatch.setenv("AIXIN_DATA_DIR", str(tmp_path / "var"))

    result = CliRunner().invoke(app, ["check"])

    assert result.exit_code == 2
    assert "rule 'monthly_reading': times must be a whole number of at least 1" in result.output


def test_a_programmes_set_cannot_redefine_a_shipped_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path, READING.replace('"monthly_reading"', '"monthly_contact"'))
    monkeypatch.setenv("AIXIN_DUTY_SETS", str(path))

    with pytest.raises(ValidationError, match="rule 'monthly_contact': defined differently in "
                                              "set 'five_ones'"):
        Settings()
