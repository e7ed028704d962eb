"""When a pairing ends because of its members (结对终止), and the reason it ends with.

"A pairing ends with a reason (child left the programme, volunteer disqualified, reassigned)
and its history stays." When the last child of a pairing still in the programme leaves it
(儿童退出), or the last of its volunteers still qualified is disqualified (志愿者取消资格), the
pairing ends: recorded by the system, with the reason in words, on the day the member left.
A pairing with another child still in the programme, or another volunteer still qualified,
goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.texts import plain


class Departure(StrEnum):
    """How a member leaves a pairing: the child left the programme (儿童退出关爱对象), or the
    volunteer was disqualified (志愿者取消资格)."""

    CHILD_EXITED = "child_exited"
    VOLUNTEER_DISQUALIFIED = "volunteer_disqualified"


_REASONS = {
    Departure.CHILD_EXITED: "儿童已退出关爱对象（{reason}）",
    Departure.VOLUNTEER_DISQUALIFIED: "志愿者已被取消资格（{reason}）",
}


@dataclass(frozen=True)
class PairingEnds:
    """The pairing ends on ``on``, with ``reason`` in words (结对终止及原因)."""

    reason: str
    on: date


def ends_when_member_leaves(departure: Departure, *, reason: str, on: date,
                            still_on_that_side: int) -> PairingEnds | None:
    """Whether a pairing ends when one of its members leaves, and how (结对终止).

    "When the last active child of a pairing leaves the programme, or its last qualified
    volunteer is disqualified, the pairing ends, recorded by the system with the reason in
    words." ``still_on_that_side`` counts the pairing's other children still in the programme
    (for a child who left) or its other volunteers still qualified (for a disqualified one);
    while one remains, the pairing goes on (None). ``reason`` is the member's own reason, quoted
    in the pairing's (made plain: it may have been recorded before texts were checked).
    """
    if still_on_that_side > 0:
        return None
    return PairingEnds(plain(_REASONS[departure].format(reason=reason)), on)
