"""How the demo's pairings end and what becomes of their volunteers, then their contacts.

- A pairing whose children all left the programme ends by the policy (联动规则), when the
  projector catches up; one whose child's parent came home is ended by staff (结对解除).
- One volunteer stops visiting some five months before today and is disqualified three months
  later (取消资格): the policy ends the pairings and the children are paired again.
- About one volunteer in a hundred is suspended (暂停), half of them reinstated (恢复) later.
- Each December the county commends some of its most diligent volunteers (年度表彰).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from aixin.demo.contacts import GOOD, Span, plan_contacts
from aixin.demo.pairings import PairingInfo
from aixin.demo.steps import Disqualify, EndPairing, FormPairing, VolunteerStatusStep
from aixin.demo.timeline import Plan, day_between
from aixin.demo.volunteers import STAFF, VolunteerInfo
from domain.common import Actor

HOME_END = "父母返乡，孩子不再是留守儿童，结对关系解除"
DISQUALIFIED = "连续三个月未履行帮扶职责，经县妇联核查取消资格"


def plan_endings(rng: random.Random, plan: Plan, pairings: list[PairingInfo]) -> None:
    """End the pairings whose children all left or came home with a parent."""
    for pairing in pairings:
        fates = [child.fate for child in pairing.children]
        if not all(fate.on for fate in fates):
            continue
        last = max(fate.on for fate in fates if fate.on)
        entered = max(fate.recorded_on for fate in fates if fate.recorded_on)
        if all(fate.kind == "exit" for fate in fates):
            pairing.ends_on, pairing.end_recorded = last, entered  # by the policy
            continue
        on = min(last + timedelta(days=rng.randint(5, 30)), plan.today - timedelta(days=1))
        pairing.ends_on = on
        pairing.end_recorded = plan.entered(rng, on,
                                            not_before=max(entered, pairing.recorded_on))
        plan.add(EndPairing(pairing.end_recorded, pairing.number, HOME_END, on, STAFF))


def plan_disqualification(rng: random.Random, plan: Plan, pairings: list[PairingInfo],
                          volunteers: list[VolunteerInfo]) -> VolunteerInfo | None:
    """One volunteer who stopped visiting, disqualified; the children are paired again."""
    mine: dict[int, list[PairingInfo]] = {}
    for pairing in pairings:
        for volunteer in pairing.volunteers:
            mine.setdefault(volunteer.number, []).append(pairing)
    lapse = plan.today - timedelta(days=rng.randint(150, 170))
    candidates = [v for v in volunteers if v.number in mine and all(
        len(p.volunteers) == 1 and p.ends_on is None and p.starts_on < lapse - timedelta(60)
        and not any(c.fate.on for c in p.children) for p in mine[v.number])]
    if not candidates:
        return None
    volunteer = rng.choice(candidates)
    on = lapse + timedelta(days=rng.randint(95, 110))
    entered = plan.entered(rng, on)
    plan.add(Disqualify(entered, volunteer.number, "disqualify", DISQUALIFIED, on, STAFF))
    others = [v for v in volunteers if v is not volunteer and v.approved_recorded
              and v.approved_recorded <= entered]
    for pairing in mine[volunteer.number]:
        pairing.lapses.append((lapse, plan.today))
        pairing.ends_on, pairing.end_recorded = on, entered  # by the policy
        for child in pairing.children:
            nearby = [v for v in others if v.township is child.township] or others
            if not nearby:
                continue
            again = rng.choice(nearby)
            starts = on + timedelta(days=rng.randint(10, 20))
            info = PairingInfo(len(pairings), [child], [again], starts,
                               plan.entered(rng, starts, not_before=entered), GOOD)
            pairings.append(info)
            plan.add(FormPairing(info.recorded_on, info.number, [child.number], [again.number],
                                 "nearby", starts, starts, STAFF))
    return volunteer


def plan_suspensions_and_commendations(rng: random.Random, plan: Plan,
                                       pairings: list[PairingInfo],
                                       gone: VolunteerInfo | None) -> None:
    mine: dict[int, list[PairingInfo]] = {}
    for pairing in pairings:
        for volunteer in pairing.volunteers:
            mine.setdefault(volunteer.number, []).append(pairing)
    suspended: set[int] = set() if gone is None else {gone.number}
    numbers = sorted(mine)
    for number in rng.sample(numbers, max(1, len(numbers) // 100)) if numbers else ():
        ready = max(p.recorded_on for p in mine[number]) + timedelta(days=30)
        if number in suspended or ready > plan.today - timedelta(days=30):
            continue
        suspended.add(number)
        on = day_between(rng, ready, plan.today - timedelta(days=30))
        entered = plan.entered(rng, on)
        plan.add(VolunteerStatusStep(entered, number, "suspend", "身体原因，暂停帮扶", on,
                                     STAFF))
        back = on + timedelta(days=rng.randint(60, 120))
        lapse, closed = (on, plan.today), (entered, plan.today)
        if rng.random() < 0.5 and back < plan.today:
            again = plan.entered(rng, back)
            plan.add(VolunteerStatusStep(again, number, "reinstate", "身体康复，恢复帮扶", back,
                                         STAFF))
            lapse, closed = (on, back), (entered, again - timedelta(days=1))
        for pairing in mine[number]:  # suspended until reinstated, if she is
            pairing.lapses.append(lapse)
            pairing.closed.append(closed)
    for year in range(plan.start.year, plan.today.year + 1):
        day = date(year, 12, rng.randint(20, 28))
        if not plan.start + timedelta(days=300) <= day <= plan.today:
            continue
        best = [n for n in numbers if n not in suspended and all(
            p.care is GOOD and p.starts_on <= day - timedelta(days=180) for p in mine[n])]
        for number in rng.sample(best, len(best) // 12):
            plan.add(VolunteerStatusStep(plan.entered(rng, day), number, "commend",
                                         f"{year}年度优秀爱心妈妈", day, STAFF))


def plan_all_contacts(rng: random.Random, plan: Plan, pairings: list[PairingInfo],
                      seed: int = 7) -> None:
    """Every pairing's contacts; those of a pairing under "three ones" (三个一) also keep its
    duties (drawn with a random sequence of their own, from the seed)."""
    three_ones = random.Random(f"aixin demo three ones {seed}")
    for pairing in pairings:
        actors = tuple(Actor(id=v.name, role="volunteer") for v in pairing.volunteers)
        span = Span(pairing.starts_on, pairing.ends_on or plan.today, pairing.recorded_on,
                    pairing.end_recorded or plan.today, tuple(pairing.lapses),
                    tuple(pairing.closed))
        care = pairing.care
        if care.name == "lapsed" and not pairing.lapses:  # stops some months before today
            span = Span(span.starts_on, span.ends_on, span.entered_from, span.entered_until,
                        ((plan.today - timedelta(days=rng.randint(60, 150)), plan.today),))
        plan_contacts(rng, plan, pairing.number, span, care, actors,
                      pairing.children[0].birth_date,
                      tuple(child.number for child in pairing.children),
                      three_ones if "three_ones" in pairing.duty_sets else None)
