"""Duty rules as data (帮扶责任): what contact, how often, for each programme's rule set.

A rule says "at least ``times`` contacts of one of these ``kinds`` in every ``period``". The sets
of the programme documents are TOML files beside this module, in ``domain/duties/sets/``, each
with the documents' sentence it encodes (``source``):

- ``five_ones.toml``: Hubei's "five ones" (湖北五个一);
- ``two_visits.toml``: the "two visits" (双访);
- ``three_ones.toml``: a bureau's "three ones" (三个一);
- ``school.toml``: the homeroom teacher's duties (班主任职责).

A programme picks one or more of them by name, and may add its own set as a file named in its
settings. :mod:`domain.duties.definitions` says what a rule and a set are, and
:mod:`domain.duties.rule_files` reads and checks the files. Kinds are plain strings, so a
programme that records more kinds can write rules about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import MappingProxyType

from domain.duties.definitions import (
    STANDARD_CONTACT_KINDS,
    ContactKind,
    DutyRule,
    DutySet,
    UnknownDutySet,
)
from domain.duties.rule_files import check_together, read_shipped_duty_sets

__all__ = [
    "DEFAULT_DUTY_SET",
    "DUTY_SETS",
    "STANDARD_CONTACT_KINDS",
    "ContactKind",
    "DutyRule",
    "DutySet",
    "UnknownDutySet",
    "adopt_duty_sets",
    "asks_for_parent_contact",
    "catalogue",
    "duty_title",
    "rules_for",
    "shipped_duty_sets",
]


DEFAULT_DUTY_SET = "five_ones"
"""Hubei's "five ones" (五个一), the set a programme follows unless it chooses others."""

#: The programme's own sets (read from the files its settings name), by name, beside the
#: shipped ones; :func:`adopt_duty_sets` puts them here when the programme starts.
_ADOPTED: dict[str, DutySet] = {}


@cache
def shipped_duty_sets() -> Mapping[str, DutySet]:
    """The sets shipped with the project (``domain/duties/sets/*.toml``), read once, on first
    use."""
    return MappingProxyType({duty_set.name: duty_set for duty_set in read_shipped_duty_sets()})


class _DutySets(Mapping[str, DutySet]):
    """The sets in this process: the shipped ones and those the programme adopted."""

    def _all(self) -> Mapping[str, DutySet]:
        shipped = shipped_duty_sets()
        return {**shipped, **_ADOPTED} if _ADOPTED else shipped

    def __getitem__(self, name: str) -> DutySet:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"DUTY_SETS({', '.join(self)})"


DUTY_SETS: Mapping[str, DutySet] = _DutySets()
"""Every duty set known here by name: the shipped ones (五个一, 双访, 三个一, 班主任职责) and
the programme's own; the files are read on first use, not on import."""


def catalogue(own: Iterable[DutySet] = ()) -> Mapping[str, DutySet]:
    """The shipped sets and a programme's own, by name, once they are shown to agree: no set
    name twice, and no rule name with two definitions."""
    return _catalogue(tuple(own))


@cache
def _catalogue(own: tuple[DutySet, ...]) -> Mapping[str, DutySet]:
    shipped = shipped_duty_sets()
    check_together((*shipped.values(), *own))
    return MappingProxyType({**shipped, **{duty_set.name: duty_set for duty_set in own}})


def adopt_duty_sets(own: Iterable[DutySet]) -> None:
    """Make the programme's own sets known by name in this process (at start), so that every
    pairing formed under them can be judged; a set adopted again under its name replaces the
    earlier one. The sets are checked beforehand (:func:`catalogue`)."""
    for duty_set in own:
        _ADOPTED[duty_set.name] = duty_set


def rules_for(
    names: Iterable[str], sets: Mapping[str, DutySet] = DUTY_SETS
) -> tuple[DutyRule, ...]:
    """The rules of the named sets, in order; a rule in two sets is kept once.

    Raises :class:`UnknownDutySet` for a name that is not in ``sets``, and ``ValueError`` if two
    sets hold different rules under one name.
    """
    chosen: dict[str, DutyRule] = {}
    for name in names:
        if name not in sets:
            raise UnknownDutySet(name, sets)
        for rule in sets[name].rules:
            if chosen.setdefault(rule.name, rule) != rule:
                raise ValueError(f"duty rule {rule.name!r} is defined differently in two sets")
    return tuple(chosen.values())


def duty_title(name: str, sets: Mapping[str, DutySet] = DUTY_SETS) -> str:
    """A duty rule's title in the programme's words (e.g. 每月至少联系一次孩子), or its name if
    no set holds it."""
    for duty_set in sets.values():
        for rule in duty_set.rules:
            if rule.name == name:
                return rule.title
    return name


def asks_for_parent_contact(rules: Iterable[DutyRule]) -> bool:
    """Whether one of the rules is met by speaking with the child's parents (``parent_contact``),
    so that the helper needs the parents' phones (三个一: "每三个月与孩子父母通一次电话")."""
    return any(ContactKind.PARENT_CONTACT in rule.kinds for rule in rules)
