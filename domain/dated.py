"""Facts with a business date of their own (业务日期), kept in the order they were true.

Records are often entered late: a parent who came home on 1 March may be recorded on
5 April, after a change dated 20 March was already recorded. The value "on" a date is
therefore the fact with the latest business date on or before it; among facts with the
same business date the one recorded last wins (a correction).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A value that became true on a business date."""

    on: date
    value: T


def with_fact(history: list[Dated[T]], fact: Dated[T]) -> list[Dated[T]]:
    """Return a new history with ``fact`` placed after every fact dated on or before it."""
    position = bisect_right([item.on for item in history], fact.on)
    return [*history[:position], fact, *history[position:]]


def value_on(history: list[Dated[T]], day: date) -> T | None:
    """The value true on ``day``: the latest fact dated on or before it, if any."""
    position = bisect_right([item.on for item in history], day)
    return history[position - 1].value if position else None


def latest(history: list[Dated[T]]) -> T | None:
    """The value with the latest business date, if any."""
    return history[-1].value if history else None
