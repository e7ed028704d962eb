"""Dates for the demo's two years (演示时间线): random days in a window, and how late things
are entered (补录)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from aixin.demo.steps import Step

DAY = timedelta(days=1)


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A day from ``first`` to ``last`` (both included); ``first`` if the window is empty."""
    span = (last - first).days
    return first if span <= 0 else first + timedelta(days=rng.randint(0, span))


def entry_delay(rng: random.Random) -> int:
    """Days between a fact and its entry: mostly the same day, some days or weeks late."""
    draw = rng.random()
    if draw < 0.70:
        return 0
    if draw < 0.88:
        return rng.randint(1, 3)
    if draw < 0.96:
        return rng.randint(4, 14)
    return rng.randint(15, 45)


def years_later(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month to ``last``'s."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - DAY


@dataclass
class Plan:
    """The demo's steps as they are planned, then put in the order they are entered."""

    start: date
    today: date
    steps: list[Step] = field(default_factory=list)

    def add(self, step: Step) -> None:
        if step.recorded_on > self.today:
            raise ValueError(f"{type(step).__name__} planned for {step.recorded_on}, after "
                             f"today ({self.today})")
        self.steps.append(step)

    def ordered(self) -> list[Step]:
        """By day entered, then rank within the day, then the order they were planned in."""
        order = {id(step): n for n, step in enumerate(self.steps)}
        return sorted(self.steps, key=lambda s: (s.recorded_on, s.rank, order[id(s)]))

    def entered(self, rng: random.Random, on: date, *, not_before: date | None = None,
                not_after: date | None = None) -> date:
        """The day a fact of ``on`` is entered: late by :func:`entry_delay`, within bounds."""
        day = on + timedelta(days=entry_delay(rng))
        if not_before is not None:
            day = max(day, not_before)
        return min(day, not_after or self.today, self.today)
