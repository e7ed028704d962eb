"""Pairing the demo's children with volunteers (结对帮扶), and what becomes of the volunteers.

Every shape appears: one to one (一对一) for most, several volunteers to one special child
(多帮一), and a teacher with two or three children of one township (一对多). Principles: nearby
(就近) within the township, kin (就亲) when a volunteer shares the family's surname, by need
(分类) for special children. About one child in twelve waits unpaired. Afterwards: one volunteer
stops visiting and is disqualified (取消资格; the policy ends the pairings, and the children are
paired again), a few are suspended (暂停) and some reinstated, the best are commended (表彰)
each December.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from aixin.demo.children import ChildInfo
from aixin.demo.contacts import Diligence, diligence
from aixin.demo.steps import FormPairing
from aixin.demo.timeline import Plan
from aixin.demo.volunteers import STAFF, VolunteerInfo


@dataclass
class PairingInfo:
    number: int
    children: list[ChildInfo]
    volunteers: list[VolunteerInfo]
    starts_on: date
    recorded_on: date
    care: Diligence
    ends_on: date | None = None  # explicitly, or by the policy when its children left
    end_recorded: date | None = None
    lapses: list[tuple[date, date]] = field(default_factory=list)
    #: The days (first, last) on which no contact can be entered: a volunteer suspended.
    closed: list[tuple[date, date]] = field(default_factory=list)
    duty_sets: tuple[str, ...] = ()  # none: the programme's


class Matcher:
    """Approved volunteers by township (and the county's own), with their remaining places."""

    def __init__(self, rng: random.Random, volunteers: list[VolunteerInfo]) -> None:
        self.rng = rng
        self.places = {v.number: 2 for v in volunteers if v.approved_on}
        self.by_township: dict[str, list[VolunteerInfo]] = {}
        self.county: list[VolunteerInfo] = []
        for v in volunteers:
            if v.approved_on:
                (self.by_township.setdefault(v.township.code, []) if v.township
                 else self.county).append(v)

    def pick(self, child: ChildInfo, *, teacher: bool = False, kin: bool = False,
             county: bool = False, not_these: tuple[VolunteerInfo, ...] = ()
             ) -> VolunteerInfo | None:
        local = self.by_township.get(child.township.code, [])
        pool = [v for v in (self.county if county else local) + ([] if county else self.county)
                if self.places[v.number] > 0 and v not in not_these
                and (not teacher or v.teacher) and (not kin or v.surname == child.surname)]
        if not pool:
            return None
        chosen = min(self.rng.sample(pool, min(3, len(pool))),
                     key=lambda v: v.approved_on or date.max)
        self.places[chosen.number] -= 1
        return chosen


def _starts(rng: random.Random, plan: Plan, children: list[ChildInfo],
            volunteers: list[VolunteerInfo]) -> tuple[date, date] | None:
    """When such a pairing would start and be entered, or None if too late for it."""
    ready = max([c.registered_on for c in children]
                + [v.approved_on or date.max for v in volunteers])
    starts = ready + timedelta(days=rng.randint(3, 25))
    ends = min([c.fate.on for c in children if c.fate.on] + [plan.today])
    if starts > ends - timedelta(days=45):
        return None
    recorded = plan.entered(rng, starts, not_before=max(
        [c.recorded_on for c in children] + [v.approved_recorded or date.max
                                             for v in volunteers]))
    if recorded > ends - timedelta(days=10):
        return None  # entered too late to be worth it: the child waits
    return starts, recorded


#: The duty sets of a pairing by cadres of county units (机关干部结对): the bureau's "three
#: ones" (三个一: a home visit every half year, a call to the parents every quarter, help every
#: month) besides the caring mother's "five ones".
CADRES_DUTY_SETS = ("five_ones", "three_ones")


def match(rng: random.Random, plan: Plan, children: list[ChildInfo],
          volunteers: list[VolunteerInfo], seed: int = 7) -> list[PairingInfo]:
    """Form the pairings, in the order children were registered.

    About half the pairings whose volunteers all work in county units take
    :data:`CADRES_DUTY_SETS` (drawn with a random sequence of its own, from the seed)."""
    cadres = random.Random(f"aixin demo cadres' duty sets {seed}")
    matcher = Matcher(rng, volunteers)
    pairings: list[PairingInfo] = []
    paired: set[int] = set()
    waiting = sorted(children, key=lambda c: (c.registered_on, c.number))
    for child in waiting:
        if child.number in paired or rng.random() < 0.08:
            continue
        group, principle, chosen = [child], "nearby", []
        draw = rng.random()
        if child.special and draw < 0.5:
            first = matcher.pick(child, county=True)
            second = matcher.pick(child, not_these=(first,) if first else ())
            chosen, principle = [v for v in (first, second) if v], "need"
        elif draw < 0.14:
            teacher = matcher.pick(child, teacher=True)
            if teacher:
                chosen = [teacher]
                group += [c for c in waiting if c.number not in paired and c is not child
                          and c.township is child.township][:rng.randint(1, 2)]
        elif draw < 0.20:
            kin = matcher.pick(child, kin=True)
            chosen, principle = ([kin], "kin") if kin else ([], principle)
        if not chosen:
            single = matcher.pick(child)
            chosen = [single] if single else []
        timing = _starts(rng, plan, group, chosen) if chosen else None
        if timing is None:
            continue
        paired.update(c.number for c in group)
        care = diligence(rng)
        sets = (CADRES_DUTY_SETS if all(v.township is None for v in chosen)
                and cadres.random() < 0.5 else ())
        info = PairingInfo(len(pairings), group, chosen, *timing, care=care, duty_sets=sets)
        pairings.append(info)
        signed = info.starts_on - timedelta(days=rng.randint(0, 7))
        plan.add(FormPairing(info.recorded_on, info.number, [c.number for c in group],
                             [v.number for v in chosen], principle, signed, info.starts_on,
                             STAFF, sets))
    return pairings
