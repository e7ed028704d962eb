"""The quarterly report's figures (季度报送): computed from :class:`ReportFacts`, as known at T.

Two clocks, as everywhere in Aixin (see ``domain.application.history``): *business time*, the
quarter and its last day ``D``; and *record time*, ``known_at`` (``T``), what the register had been
told by then. Every figure reads only facts recorded at or before ``T``, so the same ``T`` gives
the same figures, byte for byte (:func:`to_json`), however many late records (补录) arrived since;
a later ``T`` includes them, and :func:`changes_between` lists them.

What is counted (keys of each unit; the brief's templates fill their blanks from them):

- state on ``D`` (季度末): ``children_registered`` (on the register, not exited) by sex;
  ``left_behind`` by sex, age (completed years on ``D``), age band and special-attention
  category; ``left_behind_paired`` (with a pairing active on ``D``) and ``pairing_coverage``;
  ``pairings_active`` by shape; ``concerns_open``; volunteers by status (``volunteers_approved``
  are those approved and neither suspended nor disqualified on ``D``);
- activity within the quarter (季度内): children registered and exited (with reasons), pairings
  formed and ended (with reasons), ``contacts`` by kind, ``home_visits``, ``activities``
  (the kinds of the "three ones" activity duty: group activity, birthday, festival),
  ``items_given``, ``children_contacted`` (people visited: children of a pairing with a
  contact), concerns reported and resolved, volunteers applied, approved (the last level's
  approval), rejected, disqualified and commended;
- duties (履职), per duty rule of each pairing's rule sets:
  ``periods_due``/``periods_met``/``compliance_rate``: every period of the rule that ended within
  the quarter and that the pairing was active for from its first day to its last (the domain's
  "owed" periods), met when it holds the rule's number of qualifying contacts (a school holiday
  belongs to the term before it, as in ``domain.duties``); and ``met``/``due``/``overdue`` on ``D``
  from :func:`domain.duties.evaluate_duties` over the contacts known at T, for pairings active
  on ``D``. ``escalated`` counts duties overdue on ``D`` for at least ``escalate_after_days``
  days (逾期超过 N 天, by ``domain.reminders.due.needs_escalation``); ``duties_escalated`` sums
  them. ``escalations_raised`` counts the escalations (逾期上报) the reminders' scan actually
  raised within the quarter (``DutyEscalated`` events dated in it).

Where each fact is counted: see :mod:`projections.reports.facts` (a child's facts in the child's
township and school, a pairing's in its first child's, a volunteer's in the township of the
registration form). Every count is additive over townships; rates are derived from the counts
at the end, so :func:`combine` of township parts gives exactly the figures of one computation
over the whole region.

Who is left behind on ``D`` is the domain's own rule: each child's parents on ``D`` are folded
from the facts known at T with ``domain.dated.with_fact``/``value_on`` (a later-recorded fact of
the same business date wins, as in the ``Child`` aggregate) and judged by
``domain.children.eligibility.is_left_behind``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from domain.children import CATEGORIES, Parent
from domain.children.eligibility import is_left_behind
from domain.common import age_on
from domain.dated import Dated, value_on, with_fact
from domain.duties import (
    CONTACT_KIND_TITLES,
    DUTY_SETS,
    STANDARD_CONTACT_KINDS,
    THREE_ONES,
    DutyRule,
    DutyState,
    Period,
    PeriodKind,
    SchoolCalendar,
    evaluate_duties,
    next_period,
    period_containing,
    rules_for,
)
from domain.programme import Programme
from domain.reminders.due import needs_escalation
from projections.reports.facts import recorded_instant
from projections.timeline import EVENT_TITLES
from storage.sql import Row, Tx

#: Age bands of left-behind children: 学龄前, 小学学龄, 初中学龄 (the rule stops at 16).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (("0-5", 0, 5), ("6-11", 6, 11), ("12-15", 12, 15))
#: Contact kinds counted as activities (开展活动): those of the "three ones" activity duty.
ACTIVITY_KINDS: frozenset[str] = next(
    rule.kinds for rule in THREE_ONES.rules if rule.name == "monthly_activity")
SHAPES = ("many_to_one", "one_to_many", "one_to_one")
#: Default escalation threshold (逾期上报时限): a duty overdue this many days or more on the
#: quarter's last day counts as escalated; the same default as the reminders' scan
#: (``AIXIN_REMINDER_ESCALATION_DAYS``), whose value the report task should pass.
ESCALATE_AFTER_DAYS = 14
#: Pairings whose contacts are read per query when evaluating duties (bounds memory).
_CHUNK = 500

_VOLUNTEER_EVENTS = ("VolunteerApplied", "VolunteerReviewed", "VolunteerSuspended",
                     "VolunteerReinstated", "VolunteerDisqualified", "VolunteerCommended")
_DIGITS = re.compile(r"^\d{2,12}$")

#: Keys derived from the counts; :func:`combine` recomputes them rather than adding them.
_DERIVED = frozenset({"pairing_coverage", "left_behind_unpaired", "left_behind_age_min",
                      "left_behind_age_max", "duty_compliance", "compliance_rate",
                      "left_behind_share_of_pupils", "schools_with_pupils", "pupils",
                      "left_behind_in_schools_with_pupils"})


# -- the quarter --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter (季度): 1 = January to March, ... 4 = October to December."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"a quarter is 1, 2, 3 or 4, not {self.number!r}")
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"year {self.year!r} is out of range")

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day (季度末), the day state figures are counted on."""
        following = (date(self.year + 1, 1, 1) if self.number == 4
                     else date(self.year, 3 * self.number + 1, 1))
        return following - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


# -- public functions ---------------------------------------------------------------------


def townships(tx: Tx, region_code: str, known_at: datetime) -> list[str]:
    """The townships (乡镇, 9-digit codes; a county's own code for facts placed only at county
    level) with a child or a volunteer under ``region_code`` known at ``known_at``, in order.

    One report task per township (or per group of them) and :func:`combine` over all of them
    give the region's report.
    """
    prefix = _prefix(region_code)
    at = _instant(known_at)
    rows = tx.execute(
        "SELECT township FROM rf_children WHERE region_code LIKE ? AND recorded_at <= ?"
        " UNION SELECT township FROM rf_volunteers WHERE region_code LIKE ? AND recorded_at <= ?"
        " ORDER BY township", (prefix + "%", at, prefix + "%", at)).all()
    return [row["township"] for row in rows]


def compute_figures(
    tx: Tx,
    region_code: str,
    year: int,
    quarter: int,
    known_at: datetime,
    township: str | Sequence[str] | None = None,
    *,
    enrolment: Mapping[str, int] | None = None,
    programme: Programme | None = None,
    escalate_after_days: int = ESCALATE_AFTER_DAYS,
) -> dict[str, Any]:
    """The quarter's figures for the division-code prefix ``region_code``, as known at
    ``known_at`` (an instant with its UTC offset): JSON-serialisable, see :func:`to_json`.

    ``tx`` reads the :class:`~projections.reports.facts.ReportFacts` view, caught up at least to
    ``known_at``. ``township`` limits the computation to one township (or several): a part for
    :func:`combine`. ``enrolment`` maps a school to its number of pupils where known (在校学生数),
    for the left-behind share of pupils. ``programme`` gives the school calendar of the duties
    (default: the standard one).

    Returns ``{"meta", "totals", "townships", "schools"}``: ``totals`` and each township and
    school hold the same counts (schools have no volunteers); see the module's notes.
    """
    q = Quarter(year, quarter)
    if escalate_after_days < 0:
        raise ValueError("escalate_after_days is 0 or more")
    scope = _Scope(_prefix(region_code), _townships(township))
    at = _instant(known_at)
    calendar = (programme or Programme()).calendar
    tally = _Tally(scope.townships if scope.townships is not None
                   else townships(tx, region_code, known_at))
    left_behind = _children(tx, scope, q, at, tally)
    _coverage(tx, scope, q, at, tally, left_behind)
    _pairings(tx, scope, q, at, tally, calendar, escalate_after_days)
    _contacts(tx, scope, q, at, tally)
    _escalations(tx, scope, q, at, tally)
    _concerns(tx, scope, q, at, tally)
    _volunteers(tx, scope, q, at, tally)
    meta = {"kind": "quarterly", "region_code": region_code, "year": q.year,
            "quarter": q.number, "period_start": q.start.isoformat(),
            "period_end": q.end.isoformat(), "known_at": at,
            "escalate_after_days": escalate_after_days,
            "townships": None if scope.townships is None else list(scope.townships)}
    pupils = {school: int(n) for school, n in (enrolment or {}).items()}
    return _finish(meta, tally.townships, tally.schools, pupils)


def combine(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The region's figures from the figures of its townships (the chord's callback).

    Counts add up (each township's facts are its own, a school's are spread over the parts of
    its pupils' townships); rates and other derived figures are computed again from the sums.
    The result is exactly :func:`compute_figures` over the whole region, given the parts of
    every township :func:`townships` lists. Parts of different reports are refused.
    """
    if not parts:
        raise ValueError("nothing to combine")
    first = parts[0]["meta"]
    same = ("kind", "region_code", "year", "quarter", "known_at", "escalate_after_days")
    for part in parts:
        if any(part["meta"][key] != first[key] for key in same):
            raise ValueError("the parts belong to different reports: "
                             + ", ".join(f"{k}={part['meta'][k]}" for k in same))
    townships_: dict[str, dict[str, Any]] = {}
    schools: dict[str, dict[str, Any]] = {}
    pupils: dict[str, int] = {}
    for part in parts:
        for code, unit in part["townships"].items():
            if code in townships_:
                raise ValueError(f"township {code} is in two parts")
            townships_[code] = _raw(unit)
        for name, unit in part["schools"].items():
            if unit.get("pupils") is not None:
                pupils[name] = unit["pupils"]
            if name in schools:
                _add(schools[name], _raw(unit))
            else:
                schools[name] = _raw(unit)
    meta = {**first, "townships": None}
    return _finish(meta, townships_, schools, pupils)


def to_json(figures: Mapping[str, Any]) -> bytes:
    """The figures as canonical JSON bytes: sorted keys, UTF-8, no spaces."""
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def changes_between(
    tx: Tx,
    region_code: str,
    year: int,
    quarter: int,
    earlier_known_at: datetime,
    later_known_at: datetime,
    township: str | Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The late events (补录) that explain why the quarter's figures as known at
    ``later_known_at`` differ from those as known at ``earlier_known_at``: facts of the region
    recorded after the earlier instant and by the later one, dated on or before the quarter's
    last day (a fact dated later cannot move the quarter's figures), in log order.

    Each is a dict: ``position``, ``event``, ``event_title`` (in Chinese), ``occurred_on``,
    ``recorded_at``, ``within_quarter`` (dated inside the quarter, or earlier and moving state
    and duties), ``township``, ``school``, ``subject_id``, ``kind`` and ``kind_title``,
    ``amount`` (items given, for a contact) and ``summary`` (one line in Chinese).
    """
    q = Quarter(year, quarter)
    scope = _Scope(_prefix(region_code), _townships(township))
    where, params = scope.sql()
    rows = tx.execute(
        "SELECT position, event, subject_id, township, school, occurred_on, recorded_at, kind,"
        f" amount, detail FROM rf_facts WHERE {where} AND recorded_at > ? AND recorded_at <= ?"
        " AND occurred_on <= ? ORDER BY position",
        [*params, _instant(earlier_known_at), _instant(later_known_at), q.end.isoformat()]).all()
    return [_change(row, q) for row in rows]


def figure_changes(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The region's totals that differ between two computations of the same quarter:
    ``[{"figure": "contacts_by_kind.home_visit", "before": 3, "after": 4}, ...]`` by name."""
    before, after = dict(_flat(earlier["totals"])), dict(_flat(later["totals"]))
    return [{"figure": key, "before": before.get(key), "after": after.get(key)}
            for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)]


def explain_changes(tx: Tx, earlier: Mapping[str, Any],
                    later: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two reports of the same quarter and region, and why:
    ``{"since", "until", "figures": figure_changes(...), "events": changes_between(...)}``,
    for the files (:mod:`workers.reports.files`) to list."""
    e, la = earlier["meta"], later["meta"]
    if (e["region_code"], e["year"], e["quarter"]) != (la["region_code"], la["year"],
                                                      la["quarter"]):
        raise ValueError("the two reports are of different regions or quarters")
    events = changes_between(tx, la["region_code"], la["year"], la["quarter"],
                             datetime.fromisoformat(e["known_at"]),
                             datetime.fromisoformat(la["known_at"]), la["townships"])
    return {"since": e["known_at"], "until": la["known_at"],
            "figures": figure_changes(earlier, later), "events": events}


def duty_title(name: str) -> str:
    """A duty rule's Chinese title (e.g. 每月至少联系一次孩子), or its name if unknown."""
    for duty_set in DUTY_SETS.values():
        for rule in duty_set.rules:
            if rule.name == name:
                return rule.title
    return name


# -- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    prefix: str
    townships: tuple[str, ...] | None

    def sql(self, alias: str = "") -> tuple[str, list[Any]]:
        column = f"{alias}." if alias else ""
        clauses, params = [f"{column}region_code LIKE ?"], [self.prefix + "%"]
        if self.townships is not None:
            clauses.append(f"{column}township IN ({', '.join('?' * len(self.townships))})"
                           if self.townships else "1 = 0")
            params.extend(self.townships)
        return " AND ".join(clauses), params


def _prefix(region_code: str) -> str:
    if not _DIGITS.match(region_code or ""):
        raise ValueError(f"a region is a division-code prefix of 2 to 12 digits: {region_code!r}")
    return region_code


def _townships(township: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if township is None:
        return None
    chosen = (township,) if isinstance(township, str) else tuple(township)
    for code in chosen:
        _prefix(code)
    return tuple(sorted(set(chosen)))


def _instant(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"known_at needs its offset from UTC: {moment!r}")
    return recorded_instant(moment)


# -- units of counts ------------------------------------------------------------------------


def _unit(*, volunteers: bool) -> dict[str, Any]:
    """Every count of one township, one school or the whole region, at zero."""
    unit: dict[str, Any] = {
        "children_registered": 0, "children_registered_boys": 0,
        "children_registered_girls": 0, "registered_in_quarter": 0, "exited_in_quarter": 0,
        "exit_reasons": {},
        "left_behind": 0, "left_behind_boys": 0, "left_behind_girls": 0,
        "left_behind_by_age": {}, "left_behind_by_age_band": {b: 0 for b, _, _ in AGE_BANDS},
        "left_behind_by_category": dict.fromkeys(CATEGORIES, 0), "left_behind_special": 0,
        "left_behind_paired": 0,
        "pairings_formed": 0, "pairings_active": 0,
        "pairings_active_by_shape": dict.fromkeys(SHAPES, 0), "pairings_ended": 0,
        "pairing_end_reasons": {},
        "contacts": 0, "contacts_by_kind": dict.fromkeys(STANDARD_CONTACT_KINDS, 0),
        "home_visits": 0, "activities": 0, "items_given": 0, "children_contacted": 0,
        "duties": {}, "duties_periods_due": 0, "duties_periods_met": 0, "duties_overdue": 0,
        "duties_escalated": 0, "pairings_with_overdue": 0, "escalations_raised": 0,
        "concerns_reported": 0, "concerns_resolved": 0, "concerns_open": 0,
        "concerns_by_kind": {},
    }
    if volunteers:
        unit.update({
            "volunteers_applied": 0, "volunteers_approved": 0, "volunteers_newly_approved": 0,
            "volunteers_rejected": 0, "volunteers_disqualified": 0, "volunteers_commended": 0,
            "volunteers_pending": 0, "volunteers_suspended": 0})
    return unit


def _duty_counts() -> dict[str, int]:
    return {"periods_due": 0, "periods_met": 0, "met": 0, "due": 0, "overdue": 0,
            "escalated": 0}


class _Tally:
    """Counts per township and per school, as the facts are read."""

    def __init__(self, township_codes: Sequence[str]) -> None:
        self.townships: dict[str, dict[str, Any]] = {
            code: _unit(volunteers=True) for code in township_codes}
        self.schools: dict[str, dict[str, Any]] = {}

    def place(self, township: str, school: str | None) -> None:
        """List the township and the school, with zero counts if they have none."""
        if township not in self.townships:
            self.townships[township] = _unit(volunteers=True)
        if school is not None and school not in self.schools:
            self.schools[school] = _unit(volunteers=False)

    def units(self, township: str, school: str | None) -> Iterator[dict[str, Any]]:
        """The township's unit and, unless ``school`` is None, the school's."""
        self.place(township, school)
        yield self.townships[township]
        if school is not None:
            yield self.schools[school]

    def count(self, township: str, school: str | None, key: str, n: int = 1) -> None:
        for unit in self.units(township, school):
            unit[key] += n

    def count_in(self, township: str, school: str | None, key: str, item: str,
                 n: int = 1) -> None:
        for unit in self.units(township, school):
            unit[key][item] = unit[key].get(item, 0) + n


# -- children -------------------------------------------------------------------------------


def _children(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally) -> dict[str, Row]:
    """Registration, exits and who is left behind on the quarter's last day; returns the
    left-behind children by id."""
    day = q.end
    where, params = scope.sql()
    children = {row["child_id"]: row for row in tx.execute(
        "SELECT child_id, township, school, sex, birth_date, registered_on, parents, categories,"
        " exited_on, exit_reason, exit_recorded_at FROM rf_children"
        f" WHERE {where} AND recorded_at <= ? AND registered_on <= ?",
        [*params, at, day.isoformat()]).all()}
    parents: dict[str, dict[str, list[Dated[Parent]]]] = {}
    categories: dict[str, list[Dated[tuple[str, ...]]]] = {}
    for child_id, row in children.items():
        registered_on = date.fromisoformat(row["registered_on"])
        parents[child_id] = {role: [Dated(registered_on, Parent(role=role, status=status))]
                             for role, status in json.loads(row["parents"]).items()}
        categories[child_id] = [Dated(registered_on, _split(row["categories"]))]
        tally.place(row["township"], row["school"])  # every school of the region is listed
    for fact in tx.execute(
            "SELECT subject_id, event, kind, detail, occurred_on FROM rf_facts"
            f" WHERE {where} AND event IN ('ParentChanged', 'CategoriesChanged')"
            " AND recorded_at <= ? AND occurred_on <= ? ORDER BY position",
            [*params, at, day.isoformat()]).all():
        child_id, on = fact["subject_id"], date.fromisoformat(fact["occurred_on"])
        if child_id not in children:
            continue
        if fact["event"] == "ParentChanged":
            history = parents[child_id].get(fact["kind"], [])
            parents[child_id][fact["kind"]] = with_fact(
                history, Dated(on, Parent(role=fact["kind"], status=fact["detail"])))
        else:
            categories[child_id] = with_fact(categories[child_id],
                                             Dated(on, _split(fact["detail"])))

    left_behind: dict[str, Row] = {}
    for child_id, row in children.items():
        place = (row["township"], row["school"])
        registered_on = date.fromisoformat(row["registered_on"])
        exited_on = (date.fromisoformat(row["exited_on"]) if row["exited_on"] is not None
                     and row["exit_recorded_at"] <= at else None)
        if registered_on in q:
            tally.count(*place, "registered_in_quarter")
        if exited_on is not None and exited_on in q:
            tally.count(*place, "exited_in_quarter")
            tally.count_in(*place, "exit_reasons", row["exit_reason"])
        # Child.is_registered_on: registered by then and not yet exited
        if exited_on is not None and exited_on <= day:
            continue
        sex = "boys" if row["sex"] == "male" else "girls"
        tally.count(*place, "children_registered")
        tally.count(*place, f"children_registered_{sex}")
        birth_date = date.fromisoformat(row["birth_date"])
        on_day = tuple(p for p in (value_on(h, day) for h in parents[child_id].values()) if p)
        if not is_left_behind(birth_date, on_day, day):
            continue
        left_behind[child_id] = row
        age = age_on(birth_date, day)
        tally.count(*place, "left_behind")
        tally.count(*place, f"left_behind_{sex}")
        tally.count_in(*place, "left_behind_by_age", str(age))
        tally.count_in(*place, "left_behind_by_age_band",
                       next(band for band, low, high in AGE_BANDS if low <= age <= high))
        kinds = value_on(categories[child_id], day) or ()
        for category in kinds:
            tally.count_in(*place, "left_behind_by_category", category)
        if kinds:
            tally.count(*place, "left_behind_special")
    return left_behind


def _split(text: str) -> tuple[str, ...]:
    return tuple(item for item in text.split(",") if item)


def _coverage(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally,
              left_behind: Mapping[str, Row]) -> None:
    """Left-behind children with a pairing active on the quarter's last day (结对覆盖)."""
    day = q.end.isoformat()
    where, params = scope.sql("pc")
    paired: set[str] = set()
    for row in tx.execute(
            "SELECT pc.child_id, p.ended_on, p.end_recorded_at FROM rf_pairing_children pc"
            " JOIN rf_pairings p ON p.pairing_id = pc.pairing_id"
            f" WHERE {where} AND p.recorded_at <= ? AND p.starts_on <= ?",
            [*params, at, day]).all():
        ended_by_day = (row["ended_on"] is not None and row["end_recorded_at"] <= at
                        and row["ended_on"] <= day)
        if not ended_by_day:
            paired.add(row["child_id"])
    for child_id in sorted(paired & left_behind.keys()):
        child = left_behind[child_id]
        tally.count(child["township"], child["school"], "left_behind_paired")


# -- pairings and duties ------------------------------------------------------------------


class _Contact(NamedTuple):
    kind: str
    occurred_on: date


def _pairings(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally,
              calendar: SchoolCalendar, escalate_after_days: int) -> None:
    """Pairings formed, active and ended, and where their duties stand (履职情况)."""
    day = q.end
    where, params = scope.sql()
    pairings = tx.execute(
        "SELECT pairing_id, township, school, shape, duty_sets, starts_on, ended_on,"
        f" end_reason, end_recorded_at FROM rf_pairings WHERE {where} AND recorded_at <= ?"
        " AND starts_on <= ? ORDER BY pairing_id", [*params, at, day.isoformat()]).all()
    for first in range(0, len(pairings), _CHUNK):
        chunk = pairings[first:first + _CHUNK]
        contacts: dict[str, list[_Contact]] = defaultdict(list)
        for row in tx.execute(
                "SELECT subject_id, kind, occurred_on FROM rf_facts WHERE subject_id IN"
                f" ({', '.join('?' * len(chunk))}) AND event = 'ContactRecorded'"
                " AND recorded_at <= ? AND occurred_on <= ?",
                [*(p["pairing_id"] for p in chunk), at, day.isoformat()]).all():
            contacts[row["subject_id"]].append(
                _Contact(row["kind"], date.fromisoformat(row["occurred_on"])))
        for pairing in chunk:
            _pairing(pairing, contacts[pairing["pairing_id"]], q, at, tally, calendar,
                     escalate_after_days)


def _pairing(pairing: Row, contacts: list[_Contact], q: Quarter, at: str, tally: _Tally,
             calendar: SchoolCalendar, escalate_after_days: int) -> None:
    day = q.end
    place = (pairing["township"], pairing["school"])
    starts_on = date.fromisoformat(pairing["starts_on"])
    ended_on = (date.fromisoformat(pairing["ended_on"]) if pairing["ended_on"] is not None
                and pairing["end_recorded_at"] <= at else None)
    if starts_on in q:
        tally.count(*place, "pairings_formed")
    if ended_on is not None and ended_on in q:
        tally.count(*place, "pairings_ended")
        tally.count_in(*place, "pairing_end_reasons", pairing["end_reason"])
    active = ended_on is None or ended_on > day
    if active:
        tally.count(*place, "pairings_active")
        tally.count_in(*place, "pairings_active_by_shape", pairing["shape"])
    rules = _rules(pairing["duty_sets"])
    for rule in rules:
        due, met = _periods(rule, contacts, q, starts_on, ended_on, calendar)
        for unit in tally.units(*place):
            counts = unit["duties"].setdefault(rule.name, _duty_counts())
            counts["periods_due"] += due
            counts["periods_met"] += met
            unit["duties_periods_due"] += due
            unit["duties_periods_met"] += met
    if not active:
        return
    overdue = False
    for status in evaluate_duties(rules, contacts, day, starts_on=starts_on, calendar=calendar):
        for unit in tally.units(*place):
            unit["duties"][status.name][status.status.value] += 1
        if status.status is DutyState.OVERDUE:
            overdue = True
            tally.count(*place, "duties_overdue")
            if needs_escalation(status, day, escalate_after_days):
                tally.count(*place, "duties_escalated")
                for unit in tally.units(*place):
                    unit["duties"][status.name]["escalated"] += 1
    if overdue:
        tally.count(*place, "pairings_with_overdue")


@lru_cache(maxsize=64)
def _rules(duty_sets: str) -> tuple[DutyRule, ...]:
    """The rules of a pairing's duty sets (stored as ``,a,b,``), as the pairing chose them."""
    return rules_for(_split(duty_sets))


def _periods(rule: DutyRule, contacts: Sequence[_Contact], q: Quarter, starts_on: date,
             ended_on: date | None, calendar: SchoolCalendar) -> tuple[int, int]:
    """(owed, met) periods of ``rule`` that ended within the quarter, for one pairing.

    Owed as in ``domain.duties.evaluation``: the pairing was active from the period's first day
    to its last. Met: it holds ``rule.times`` contacts of the rule's kinds, counting a school
    holiday's make-up contacts for the term before it, up to the quarter's last day.
    """
    periods = _quarter_periods(rule.period, q, calendar)
    if not periods:
        return 0, 0
    first = periods[0][0].start
    days = sorted(c.occurred_on for c in contacts if c.occurred_on >= first
                  and c.kind in rule.kinds)
    due = met = 0
    for period, counted_until in periods:
        if not (starts_on <= period.start and (ended_on is None or ended_on >= period.end)):
            continue
        due += 1
        met += bisect_right(days, counted_until) - bisect_left(days, period.start) >= rule.times
    return due, met


@lru_cache(maxsize=64)
def _quarter_periods(kind: PeriodKind, q: Quarter,
                     calendar: SchoolCalendar) -> tuple[tuple[Period, date], ...]:
    """The periods of ``kind`` that end within the quarter, in order, each with the last day
    a contact counts for it (a term's holiday belongs to it, up to the quarter's end)."""
    found = []
    period = period_containing(kind, q.start, calendar)
    while period.start <= q.end:
        following = next_period(period, calendar)
        if q.start <= period.end <= q.end:
            found.append((period, min(q.end, following.start - timedelta(days=1))))
        period = following
    return tuple(found)


# -- contacts -------------------------------------------------------------------------------


def _contacts(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally) -> None:
    """Contacts and visits within the quarter, by kind; children reached (走访人数)."""
    where, params = scope.sql()
    bounds = [at, q.start.isoformat(), q.end.isoformat()]
    for row in tx.execute(
            "SELECT township, school, kind, COUNT(*) AS n, SUM(amount) AS items FROM rf_facts"
            f" WHERE {where} AND event = 'ContactRecorded' AND recorded_at <= ?"
            " AND occurred_on >= ? AND occurred_on <= ?"
            " GROUP BY township, school, kind ORDER BY township, school, kind",
            [*params, *bounds]).all():
        place, n = (row["township"], row["school"]), int(row["n"])
        tally.count(*place, "contacts", n)
        tally.count_in(*place, "contacts_by_kind", row["kind"], n)
        tally.count(*place, "items_given", int(row["items"] or 0))
        if row["kind"] == "home_visit":
            tally.count(*place, "home_visits", n)
        if row["kind"] in ACTIVITY_KINDS:
            tally.count(*place, "activities", n)
    where_pc, params_pc = scope.sql("pc")
    for row in tx.execute(
            "SELECT pc.township, pc.school, COUNT(DISTINCT pc.child_id) AS n"
            " FROM rf_pairing_children pc WHERE"
            f" {where_pc} AND EXISTS (SELECT 1 FROM rf_facts f WHERE f.subject_id = pc.pairing_id"
            " AND f.event = 'ContactRecorded' AND f.recorded_at <= ? AND f.occurred_on >= ?"
            " AND f.occurred_on <= ?) GROUP BY pc.township, pc.school",
            [*params_pc, *bounds]).all():
        tally.count(row["township"], row["school"], "children_contacted", int(row["n"]))


def _escalations(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally) -> None:
    """Escalations raised within the quarter (逾期上报次数), where their pairing is."""
    where, params = scope.sql()
    for row in tx.execute(
            f"SELECT township, school, COUNT(*) AS n FROM rf_facts WHERE {where}"
            " AND event = 'DutyEscalated' AND recorded_at <= ? AND occurred_on >= ?"
            " AND occurred_on <= ? GROUP BY township, school",
            [*params, at, q.start.isoformat(), q.end.isoformat()]).all():
        tally.count(row["township"], row["school"], "escalations_raised", int(row["n"]))


# -- concerns -------------------------------------------------------------------------------


def _concerns(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally) -> None:
    """Anomalies reported and resolved within the quarter, and open on its last day."""
    where, params = scope.sql()
    reported: dict[str, Row] = {}
    resolved_by_day: set[str] = set()
    for row in tx.execute(
            "SELECT event, township, school, kind, detail, occurred_on FROM rf_facts"
            f" WHERE {where} AND event IN ('ConcernReported', 'ConcernResolved')"
            " AND recorded_at <= ? AND occurred_on <= ? ORDER BY position",
            [*params, at, q.end.isoformat()]).all():
        place, on = (row["township"], row["school"]), date.fromisoformat(row["occurred_on"])
        if row["event"] == "ConcernReported":
            reported[row["detail"]] = row
            if on in q:
                tally.count(*place, "concerns_reported")
                tally.count_in(*place, "concerns_by_kind", row["kind"])
        else:
            resolved_by_day.add(row["detail"])
            if on in q:
                tally.count(*place, "concerns_resolved")
    for concern_id, row in reported.items():
        if concern_id not in resolved_by_day:
            tally.count(row["township"], row["school"], "concerns_open")


# -- volunteers -----------------------------------------------------------------------------

#: A volunteer's status after each event, as ``domain.volunteers.Volunteer`` moves it.
_STATUS_AFTER = {"VolunteerApplied": "pending", "VolunteerSuspended": "suspended",
                 "VolunteerReinstated": "approved", "VolunteerDisqualified": "disqualified"}


def _volunteers(tx: Tx, scope: _Scope, q: Quarter, at: str, tally: _Tally) -> None:
    """Volunteers applied, approved, rejected, disqualified and commended within the quarter,
    and by status on its last day."""
    where, params = scope.sql()
    status: dict[str, tuple[str, str]] = {}
    commended: set[str] = set()
    marks = ", ".join("?" * len(_VOLUNTEER_EVENTS))
    for row in tx.execute(
            "SELECT event, subject_id, township, kind, amount, occurred_on FROM rf_facts"
            f" WHERE {where} AND event IN ({marks}) AND recorded_at <= ? AND occurred_on <= ?"
            " ORDER BY position", [*params, *_VOLUNTEER_EVENTS, at, q.end.isoformat()]).all():
        event, volunteer, township = row["event"], row["subject_id"], row["township"]
        within = date.fromisoformat(row["occurred_on"]) in q
        now = status.get(volunteer, (township, "pending"))[1]
        if event == "VolunteerReviewed":
            if row["kind"] == "reject":
                now = "rejected"
                if within:
                    tally.count(township, None, "volunteers_rejected")
            elif row["amount"]:
                now = "approved"
                if within:
                    tally.count(township, None, "volunteers_newly_approved")
        elif event == "VolunteerCommended":
            if within:
                commended.add(volunteer)
        else:
            now = _STATUS_AFTER[event]
            if within and event == "VolunteerApplied":
                tally.count(township, None, "volunteers_applied")
            if within and event == "VolunteerDisqualified":
                tally.count(township, None, "volunteers_disqualified")
        status[volunteer] = (township, now)
    for volunteer in sorted(commended):
        tally.count(status[volunteer][0], None, "volunteers_commended")
    for township, now in status.values():
        if now in ("approved", "pending", "suspended"):
            tally.count(township, None, f"volunteers_{now}")


# -- assembling -----------------------------------------------------------------------------


def _finish(meta: dict[str, Any], townships_: Mapping[str, dict[str, Any]],
            schools: Mapping[str, dict[str, Any]], pupils: Mapping[str, int]) -> dict[str, Any]:
    """Totals, derived figures and a stable order, from the counts per township and school."""
    totals = _unit(volunteers=True)
    for unit in townships_.values():
        _add(totals, unit)
    finished_schools = {}
    with_pupils = {"schools": 0, "pupils": 0, "left_behind": 0}
    for name, unit in schools.items():
        known = pupils.get(name)
        school = {**_derive(unit), "pupils": known, "left_behind_share_of_pupils": None}
        if known:
            school["left_behind_share_of_pupils"] = _rate(unit["left_behind"], known)
            with_pupils["schools"] += 1
            with_pupils["pupils"] += known
            with_pupils["left_behind"] += unit["left_behind"]
        finished_schools[name] = school
    totals = _derive(totals)
    totals.update({
        "schools_with_pupils": with_pupils["schools"],
        "pupils": with_pupils["pupils"] or None,
        "left_behind_in_schools_with_pupils": with_pupils["left_behind"],
        "left_behind_share_of_pupils": _rate(with_pupils["left_behind"], with_pupils["pupils"]),
    })
    return _sorted({"meta": meta, "totals": totals,
                    "townships": {code: _derive(unit) for code, unit in townships_.items()},
                    "schools": finished_schools})


def _derive(unit: Mapping[str, Any]) -> dict[str, Any]:
    derived = json.loads(json.dumps(unit))  # a deep copy of plain values
    derived["pairing_coverage"] = _rate(unit["left_behind_paired"], unit["left_behind"])
    derived["left_behind_unpaired"] = unit["left_behind"] - unit["left_behind_paired"]
    ages = [int(age) for age, n in unit["left_behind_by_age"].items() if n]
    derived["left_behind_age_min"] = min(ages, default=None)
    derived["left_behind_age_max"] = max(ages, default=None)
    for counts in derived["duties"].values():
        counts["compliance_rate"] = _rate(counts["periods_met"], counts["periods_due"])
    derived["duty_compliance"] = _rate(unit["duties_periods_met"], unit["duties_periods_due"])
    return derived


def _rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 decimals (None if ``whole`` is 0)."""
    return round(part / whole, 4) if whole else None


def _raw(unit: Mapping[str, Any]) -> dict[str, Any]:
    """A finished unit's counts only (derived figures removed), as a fresh copy."""
    return {key: _raw(value) if isinstance(value, Mapping) else value
            for key, value in unit.items() if key not in _DERIVED}


def _add(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, Mapping):
            _add(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value)}
    return value


def _flat(value: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, item in value.items():
        if isinstance(item, Mapping):
            yield from _flat(item, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", item


# -- late events ----------------------------------------------------------------------------



_CHINA = ZoneInfo(Programme.timezone)
_PARENT_WORDS = {"father": "父亲", "mother": "母亲", "away": "外出务工", "home": "在家",
                 "incapable": "无监护能力", "deceased": "去世"}


def _change(row: Row, q: Quarter) -> dict[str, Any]:
    event, kind = row["event"], row["kind"]
    kind_title = CONTACT_KIND_TITLES.get(kind, kind) if event == "ContactRecorded" else kind
    occurred_on = date.fromisoformat(row["occurred_on"])
    summary = f"补录{EVENT_TITLES.get(event, event)}"
    if event == "ContactRecorded":
        summary += f"（{kind_title}" + (f"，物品{row['amount']}件" if row["amount"] else "") + "）"
    elif event == "ParentChanged":
        summary += (f"（{_PARENT_WORDS.get(kind, kind)}"
                    f"{_PARENT_WORDS.get(row['detail'], row['detail'])}）")
    elif event in ("ChildExited", "PairingEnded"):
        summary += f"（{row['detail']}）"
    recorded = datetime.fromisoformat(row["recorded_at"]).astimezone(_CHINA)
    summary += (f"，发生于{occurred_on.isoformat()}，"
                f"记录于{recorded.strftime('%Y-%m-%d %H:%M')}（北京时间）")
    return {
        "position": int(row["position"]), "event": event,
        "event_title": EVENT_TITLES.get(event, event), "occurred_on": row["occurred_on"],
        "recorded_at": row["recorded_at"], "within_quarter": occurred_on in q,
        "township": row["township"], "school": row["school"], "subject_id": row["subject_id"],
        "kind": kind, "kind_title": kind_title, "amount": int(row["amount"]),
        "summary": summary,
    }
