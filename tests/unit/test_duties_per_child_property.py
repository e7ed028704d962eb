"""Property: each child's duty status is the evaluation over exactly the contacts that name it.

For random command sequences on a pairing of one to three children (contacts of random kinds
and dates naming random subsets of its children, and now and then a contact as recorded before
contacts named their children, which concerns them all), each child's duties on a random day
equal the pure evaluation (:func:`domain.duties.evaluate_duties`) folded over the contacts a
model kept for that child alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.children import Child
from domain.duties import evaluate_duties, rules_for
from domain.duties.rules import STANDARD_CONTACT_KINDS
from domain.pairings import Contact, Pairing, duties_owed
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form

KINDS = frozenset(STANDARD_CONTACT_KINDS)
STARTS = date(2025, 9, 1)
RULES = rules_for(["five_ones"])
SPAN = (TODAY - STARTS).days


def pairing_of(children: int) -> Pairing:
    volunteer = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                                applied_on=date(2025, 1, 5), today=TODAY, actor=STAFF)
    for level in APPROVAL_LEVELS:
        volunteer.review(level=level, decision="approve", opinion="同意", on=date(2025, 2, 1),
                         today=TODAY, actor=REVIEWERS[level])
    kids = [Child.register(today=TODAY, actor=STAFF, **child_record(
        name=f"孩子{n}", registered_on=date(2025, 8, 1))) for n in range(children)]
    return Pairing.form(children=kids, volunteers=[volunteer], principle="nearby",
                        agreement_signed_on=STARTS, starts_on=STARTS, duty_sets=("five_ones",),
                        today=TODAY, actor=STAFF)


#: One command: a contact's kind, its day (days after the start), the children it names (by
#: their place in the pairing; places beyond its children are left out), and a draw that, at
#: 0, records it as it was recorded before contacts named their children.
COMMANDS = st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, SPAN),
                              st.sets(st.integers(0, 2), min_size=1, max_size=3),
                              st.integers(0, 9)), max_size=25)


@settings(max_examples=60, deadline=None)
@given(children=st.integers(1, 3),
       commands=COMMANDS,
       on=st.integers(0, SPAN))
def test_each_childs_duties_are_the_evaluation_over_the_contacts_naming_it(
        children: int, commands: list[tuple[str, int, set[int], int]], on: int) -> None:
    pairing = pairing_of(children)
    kept: dict[UUID, list[tuple[str, date]]] = {child: [] for child in pairing.child_ids}
    for kind, offset, places, chance in commands:
        day = STARTS + timedelta(days=offset)
        named = [pairing.child_ids[p] for p in sorted(places) if p < children]
        if chance == 0:  # as recorded before contacts named their children: all of them
            pairing._contact_recorded(contact=Contact(f"old-{len(pairing.contacts)}", kind,
                                                      day, "", MOTHER.id), actor=MOTHER)
            named = list(pairing.child_ids)
        elif named:
            pairing.record_contact(kind=kind, occurred_on=day, notes="", today=TODAY,
                                   actor=MOTHER, known_kinds=KINDS, child_ids=named)
        for child in named:
            kept[child].append((kind, day))

    day = STARTS + timedelta(days=on)
    owed = duties_owed(pairing, RULES, day)
    for child in pairing.child_ids:
        folded = evaluate_duties(RULES, [Contact("", kind, when, "", "") for kind, when
                                         in kept[child]], day, starts_on=STARTS)
        assert [s for s in owed if s.child_id == child] == [
            replace(status, child_id=child) for status in folded]
