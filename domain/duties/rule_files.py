"""Duty rule sets as files (帮扶责任规则文件): read from TOML and checked before a programme starts.

A file holds one set::

    name = "three_ones"            # how settings and pairings name the set
    label = "三个一"                # its name in the programme's words
    source = "每半年家访一次；..."    # the documents' sentence it encodes

    [[duties]]
    name = "quarterly_parent_call" # reports and reminders key on it: keep it stable
    label = "每三个月与孩子父母通一次电话"
    period = "quarter"             # month, quarter, half_year, semester, semester_third, year
    kinds = ["parent_contact"]     # the contact kinds that meet it
    times = 1                      # at least this many in every period

The shipped sets are in ``domain/duties/sets/`` (五个一, 双访, 三个一, 班主任职责); a programme
names its own files beside them. A file that breaks a rule stops the start with a
:class:`DutySetFileError` naming the file, the set and the rule: an unknown key or kind, a
period that is not one, times below 1, a rule named twice in a set, a set name used by two
files, or one rule name defined differently in two sets (reports key on rule names).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

from domain.duties.definitions import STANDARD_CONTACT_KINDS, DutyRule, DutySet
from domain.duties.periods import PeriodKind

#: A set's or a rule's name: settings list sets with commas, the views store them so.
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SET_KEYS = frozenset({"name", "label", "source", "duties"})
_RULE_KEYS = frozenset({"name", "label", "period", "kinds", "times"})
_PERIODS = ", ".join(period.value for period in PeriodKind)


class DutySetFileError(ValueError):
    """A duty set's file that cannot be followed, naming the file, the set and the rule."""

    def __init__(self, file: str, problem: str, *, duty_set: str | None = None,
                 rule: str | None = None) -> None:
        self.file, self.problem, self.duty_set, self.rule = file, problem, duty_set, rule
        where = [f"duty set file {file}"]
        if duty_set:
            where.append(f"set {duty_set!r}")
        if rule:
            where.append(f"rule {rule!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


def read_duty_set(text: str, file: str,
                  kinds: Iterable[str] = STANDARD_CONTACT_KINDS) -> DutySet:
    """The set a file's ``text`` holds, checked; ``kinds`` are the contact kinds the programme
    records (a rule about another kind could never be met)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DutySetFileError(file, f"not valid TOML: {error}") from None
    name = _name(data.get("name"), file, "the set's name")
    unknown = sorted(set(data) - _SET_KEYS)
    if unknown:
        raise DutySetFileError(file, f"unknown keys {', '.join(unknown)} (a set has "
                               f"{', '.join(sorted(_SET_KEYS))})", duty_set=name)
    label = _text(data.get("label"), file, "label", duty_set=name)
    source = _text(data.get("source"), file, "source", duty_set=name)
    duties = data.get("duties")
    if not isinstance(duties, list) or not duties \
            or not all(isinstance(duty, dict) for duty in duties):
        raise DutySetFileError(file, "needs at least one [[duties]] table", duty_set=name)
    known = frozenset(kinds)
    rules: dict[str, DutyRule] = {}
    for duty in duties:
        rule = _rule(duty, file, name, known)
        if rule.name in rules:
            raise DutySetFileError(file, "two rules have this name", duty_set=name,
                                   rule=rule.name)
        rules[rule.name] = rule
    return DutySet(name, label, tuple(rules.values()), source=source.strip(), file=file)


def load_duty_set(path: str | Path, kinds: Iterable[str] = STANDARD_CONTACT_KINDS) -> DutySet:
    """The set in the TOML file at ``path``, checked (:func:`read_duty_set`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DutySetFileError(str(path), f"cannot be read: {error}") from None
    return read_duty_set(text, str(path), kinds)


def read_shipped_duty_sets() -> tuple[DutySet, ...]:
    """The sets shipped with the project, in the order of their file names, checked together."""
    folder = files("domain.duties").joinpath("sets")
    found = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
                   key=lambda entry: entry.name)
    sets = tuple(read_duty_set(entry.read_text(encoding="utf-8"), f"sets/{entry.name}")
                 for entry in found)
    check_together(sets)
    return sets


def check_together(sets: Iterable[DutySet]) -> None:
    """Refuse sets that cannot be followed side by side: one set name in two files, or one rule
    name with two definitions (reports and reminders key on rule names)."""
    by_name: dict[str, DutySet] = {}
    rules: dict[str, tuple[DutyRule, DutySet]] = {}
    for duty_set in sets:
        if duty_set.name in by_name:
            raise DutySetFileError(duty_set.file, f"the set name is taken by "
                                   f"{by_name[duty_set.name].file}", duty_set=duty_set.name)
        by_name[duty_set.name] = duty_set
        for rule in duty_set.rules:
            first = rules.setdefault(rule.name, (rule, duty_set))
            if first[0] != rule:
                raise DutySetFileError(
                    duty_set.file, f"defined differently in set {first[1].name!r} "
                    f"({first[1].file}); a rule name means one rule", duty_set=duty_set.name,
                    rule=rule.name)


def _rule(duty: dict[str, Any], file: str, duty_set: str, known: frozenset[str]) -> DutyRule:
    name = _name(duty.get("name"), file, "a rule's name", duty_set=duty_set)
    unknown = sorted(set(duty) - _RULE_KEYS)
    if unknown:
        raise DutySetFileError(file, f"unknown keys {', '.join(unknown)} (a rule has "
                               f"{', '.join(sorted(_RULE_KEYS))})", duty_set=duty_set, rule=name)
    label = _text(duty.get("label"), file, "label", duty_set=duty_set, rule=name)
    period = duty.get("period")
    if period not in {kind.value for kind in PeriodKind}:
        raise DutySetFileError(file, f"period {period!r} is not one of {_PERIODS}",
                               duty_set=duty_set, rule=name)
    kinds = duty.get("kinds")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise DutySetFileError(file, "kinds must be a list of at least one contact kind",
                               duty_set=duty_set, rule=name)
    strange = [kind for kind in kinds if kind not in known]
    if strange:
        raise DutySetFileError(file, f"unknown kind {strange[0]!r} (known: "
                               f"{', '.join(sorted(known))})", duty_set=duty_set, rule=name)
    times = duty.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise DutySetFileError(file, f"times must be a whole number of at least 1, not {times!r}",
                               duty_set=duty_set, rule=name)
    return DutyRule(name, label, frozenset(kinds), PeriodKind(period), times)


def _name(value: object, file: str, what: str, *, duty_set: str | None = None) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise DutySetFileError(file, f"{what} must be lower-case letters, digits and _ "
                               f"(starting with a letter), not {value!r}", duty_set=duty_set)
    return value


def _text(value: object, file: str, key: str, *, duty_set: str,
          rule: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DutySetFileError(file, f"{key} must be a text that is not empty",
                               duty_set=duty_set, rule=rule)
    return value
