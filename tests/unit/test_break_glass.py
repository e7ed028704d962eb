"""Break-glass access (紧急调阅) as a rule of the model: federation staff, their own grant,
a stated reason, a bounded time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.access import BreakGlass
from domain.common import Actor
from domain.errors import BreakGlassRule, InvalidRecord

NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)
ZHOU = Actor(id="zhou", role="federation")
REASON = "县公安局通报该儿童走失"


def access(user: str = "zhou") -> BreakGlass:
    return BreakGlass(child_id=uuid4(), user_id=user)


def test_a_grant_holds_for_its_minutes_and_no_longer() -> None:
    glass = access()
    glass.grant(reason=REASON, now=NOW, minutes=60, actor=ZHOU)
    assert glass.in_force(NOW + timedelta(minutes=59))
    assert not glass.in_force(NOW + timedelta(minutes=60))


def test_without_a_grant_nothing_is_in_force() -> None:
    assert not access().in_force(NOW)


def test_a_reason_of_a_word_or_two_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="reason"):
        access().grant(reason="查看", now=NOW, minutes=60, actor=ZHOU)


@pytest.mark.parametrize("actor", [Actor(id="zhou", role="school"),
                                   Actor(id="zhou", role="admin")])
def test_only_federation_staff_are_granted(actor: Actor) -> None:
    with pytest.raises(BreakGlassRule):
        access().grant(reason=REASON, now=NOW, minutes=60, actor=actor)


def test_a_grant_is_the_requesting_users_own() -> None:
    with pytest.raises(BreakGlassRule):
        access(user="wu").grant(reason=REASON, now=NOW, minutes=60, actor=ZHOU)


def test_once_a_grant_has_run_out_a_new_one_has_its_own_time_and_reason() -> None:
    glass = access()
    glass.grant(reason=REASON, now=NOW, minutes=60, actor=ZHOU)
    glass.grant(reason="再次核实监护人联系方式", now=NOW + timedelta(minutes=60), minutes=60,
                actor=ZHOU)
    assert glass.in_force(NOW + timedelta(minutes=100))
    assert glass.reason == "再次核实监护人联系方式"
