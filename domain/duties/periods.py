"""Duty periods (考核周期): months, quarters, half years, years, and the school's terms (学期).

Calendar periods are the usual ones. School periods follow a :class:`SchoolCalendar`: each term
(学期) has its own first and last day, and the days outside every term (the summer holiday, 暑假)
belong to the term that has just ended: a duty of the spring term is still evaluated against the
spring term in August, and a contact made in the holiday counts for that term. The thirds of a
term (期初/期中/期末, for the school's home visits at the start, middle and end of each term) split
the term's days into three runs as equal as possible, the spare days going to the later thirds;
the holiday after a term belongs to its end third.
"""

from __future__ import annotations

import calendar as _gregorian
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

_ONE_DAY = timedelta(days=1)
_THIRDS = ("start", "middle", "end")
_TERM_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _on(year: int, month_day: tuple[int, int]) -> date:
    """``date(year, month, day)``, with the day clamped to the month (29 Feb → 28 Feb)."""
    month, day = month_day
    return date(year, month, min(day, _gregorian.monthrange(year, month)[1]))


class PeriodKind(StrEnum):
    """How often a duty recurs: 每月, 每季度, 每半年, 每学期, 学期初/中/末, 每年."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    SEMESTER = "semester"
    SEMESTER_THIRD = "semester_third"
    YEAR = "year"


@dataclass(frozen=True)
class Term:
    """A school term (学期), by the month and day it starts and ends; it may cross the new year."""

    name: str
    title: str
    starts: tuple[int, int]
    ends: tuple[int, int]

    def __post_init__(self) -> None:
        if not _TERM_NAME.fullmatch(self.name):
            raise ValueError(f"term name {self.name!r} must be lower-case letters, digits or _")
        for month, day in (self.starts, self.ends):
            if not (1 <= month <= 12 and 1 <= day <= _gregorian.monthrange(2000, month)[1]):
                raise ValueError(f"term {self.name!r}: ({month}, {day}) is not a day of the year")

    def dates(self, year: int) -> tuple[date, date]:
        """First and last day of this term when it starts in ``year`` (29 Feb becomes 28 Feb)."""
        end_year = year if self.ends >= self.starts else year + 1
        return _on(year, self.starts), _on(end_year, self.ends)


AUTUMN = Term(name="autumn", title="秋季学期", starts=(9, 1), ends=(1, 31))
SPRING = Term(name="spring", title="春季学期", starts=(2, 1), ends=(7, 31))


@dataclass(frozen=True)
class SchoolCalendar:
    """A programme's terms (校历); by default autumn 1 Sep – 31 Jan and spring 1 Feb – 31 Jul."""

    terms: tuple[Term, ...] = (AUTUMN, SPRING)

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError("a school calendar needs at least one term")
        if len({term.name for term in self.terms}) != len(self.terms):
            raise ValueError("term names must be unique")
        spans = sorted(self._spans(range(2000, 2003)), key=lambda span: span[1])
        for (term, start, end), (following, next_start, _) in pairwise(spans):
            if (end - start).days < 2:
                raise ValueError(f"term {term.name!r} must last at least three days")
            if end >= next_start:
                raise ValueError(f"terms {term.name!r} and {following.name!r} overlap")

    def term_of(self, day: date) -> tuple[Term, date, date]:
        """The term containing ``day``, or the one that ended last if ``day`` is in a holiday."""
        spans = self._spans((day.year - 1, day.year))
        return max((span for span in spans if span[1] <= day), key=lambda span: span[1])

    def holds_term_days(self, first: date, last: date) -> bool:
        """Whether any day from ``first`` to ``last`` is a day of a term (not all holiday)."""
        spans = self._spans(range(first.year - 1, last.year + 1))
        return any(start <= last and end >= first for _, start, end in spans)

    def next_term_start(self, day: date) -> date:
        """The first day of the first term that starts after ``day``."""
        return min(start for _, start, _ in self._spans((day.year, day.year + 1)) if start > day)

    def _spans(self, years: tuple[int, ...] | range) -> list[tuple[Term, date, date]]:
        return [(term, *term.dates(year)) for year in years for term in self.terms]


DEFAULT_CALENDAR = SchoolCalendar()


@dataclass(frozen=True)
class Period:
    """One period of a duty, first and last day included, with a label such as "2026-Q1"
    (a code, kept in records) and a :attr:`title` in words (2026年第1季度)."""

    kind: PeriodKind
    start: date
    end: date
    label: str
    #: A school period's term in the calendar's words (秋季学期); empty for calendar periods.
    term_title: str = field(default="", compare=False)

    @property
    def title(self) -> str:
        """The period in words: 2026年12月, 2026年第4季度, 2026年下半年, 2026年,
        2026年秋季学期, 2026年秋季学期期中."""
        return period_title(self.label, term_title=self.term_title)


_THIRD_TITLES = {"start": "期初", "middle": "期中", "end": "期末"}
_CALENDAR_LABEL = re.compile(r"(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?")
_TERM_LABEL = re.compile(r"(\d{4})-([a-z][a-z0-9_]*?)(?:-(start|middle|end))?")


def period_title(label: str, calendar: SchoolCalendar = DEFAULT_CALENDAR, *,
                 term_title: str = "") -> str:
    """The words for a period's label (the one place periods get them): "2026-12" → 2026年12月,
    "2026-Q4" → 2026年第4季度, "2026-H1" → 2026年上半年, "2026" → 2026年, "2026-autumn" →
    2026年秋季学期, "2026-autumn-middle" → 2026年秋季学期期中. A term is named by
    ``term_title`` or else by ``calendar``'s title for it; a label of no known shape is
    returned as it is."""
    if found := _CALENDAR_LABEL.fullmatch(label):
        year, month, quarter, half = found.groups()
        if month:
            return f"{year}年{int(month)}月"
        if quarter:
            return f"{year}年第{quarter}季度"
        if half:
            return f"{year}年{'上' if half == '1' else '下'}半年"
        return f"{year}年"
    if found := _TERM_LABEL.fullmatch(label):
        year, name, third = found.groups()
        titles = {term.name: term.title for term in calendar.terms}
        return f"{year}年{term_title or titles.get(name, name)}{_THIRD_TITLES.get(third, '')}"
    return label


@lru_cache(maxsize=65_536)  # a pure function of its (hashable) arguments, asked very often
def period_containing(
    kind: PeriodKind, day: date, calendar: SchoolCalendar = DEFAULT_CALENDAR
) -> Period:
    """The period of ``kind`` that ``day`` falls in (for school periods, see the module notes)."""
    year, month = day.year, day.month
    if kind is PeriodKind.MONTH:
        return _calendar_period(kind, year, month, month, f"{year:04d}-{month:02d}")
    if kind is PeriodKind.QUARTER:
        quarter = (month - 1) // 3 + 1
        return _calendar_period(kind, year, 3 * quarter - 2, 3 * quarter, f"{year:04d}-Q{quarter}")
    if kind is PeriodKind.HALF_YEAR:
        half = 1 if month <= 6 else 2
        return _calendar_period(kind, year, 6 * half - 5, 6 * half, f"{year:04d}-H{half}")
    if kind is PeriodKind.YEAR:
        return _calendar_period(kind, year, 1, 12, f"{year:04d}")
    term, start, end = calendar.term_of(day)
    label = f"{start.year:04d}-{term.name}"
    if kind is PeriodKind.SEMESTER:
        return Period(kind, start, end, label, term.title)
    return _third_containing(kind, start, end, min(day, end), label, term.title)


def previous_period(period: Period, calendar: SchoolCalendar = DEFAULT_CALENDAR) -> Period:
    """The period of the same kind just before ``period``."""
    return period_containing(period.kind, period.start - _ONE_DAY, calendar)


def next_period(period: Period, calendar: SchoolCalendar = DEFAULT_CALENDAR) -> Period:
    """The period of the same kind just after ``period`` (skipping a school holiday)."""
    following = period_containing(period.kind, period.end + _ONE_DAY, calendar)
    if following == period:  # the day after a term is in the holiday that belongs to it
        following = period_containing(period.kind, calendar.next_term_start(period.end), calendar)
    return following


def _calendar_period(kind: PeriodKind, year: int, first: int, last: int, label: str) -> Period:
    return Period(kind, date(year, first, 1), _on(year, (last, 31)), label)


def _third_containing(kind: PeriodKind, start: date, end: date, day: date, label: str,
                      term_title: str) -> Period:
    length = (end - start).days + 1
    cuts = (start, start + timedelta(days=length // 3), start + timedelta(days=2 * length // 3))
    index = max(i for i, cut in enumerate(cuts) if cut <= day)
    last = cuts[index + 1] - _ONE_DAY if index < 2 else end
    return Period(kind, cuts[index], last, f"{label}-{_THIRDS[index]}", term_title)
