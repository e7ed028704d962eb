"""Break-glass access (紧急调阅) is asked for with a reason that says something, and a grant
is never extended: its end stays where it was set."""

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


def access() -> BreakGlass:
    return BreakGlass(child_id=uuid4(), user_id="zhou")


@pytest.mark.parametrize("reason", ["紧急查看档案", "urgent", "  查看一下   档案 ",
                                    "。。。。。。。。。。。。", "!!!!!!!!!!!!!!!!!!!!",
                                    "走失，  急查！！！！！！！"])
def test_a_reason_of_fewer_than_ten_letters_or_digits_is_refused(reason: str) -> None:
    with pytest.raises(InvalidRecord, match="至少 10 个字（不计空格和标点）"):
        access().grant(reason=reason, now=NOW, minutes=60, actor=ZHOU)


def test_a_reason_of_ten_letters_is_enough_and_is_kept_trimmed() -> None:
    glass = access()
    glass.grant(reason="  接到走失通报，需联系监护人  ", now=NOW, minutes=60, actor=ZHOU)
    assert glass.reason == "接到走失通报，需联系监护人"


def test_asking_again_while_a_grant_is_in_force_is_refused() -> None:
    glass = access()
    glass.grant(reason=REASON, now=NOW, minutes=60, actor=ZHOU)
    with pytest.raises(BreakGlassRule, match="紧急调阅不可延长") as refused:
        glass.grant(reason="再次核实监护人联系方式", now=NOW + timedelta(minutes=59),
                    minutes=60, actor=ZHOU)
    assert refused.value.rule == "break_glass_not_extended"


def test_a_refused_request_leaves_the_grants_end_and_reason_as_they_were() -> None:
    glass = access()
    glass.grant(reason=REASON, now=NOW, minutes=60, actor=ZHOU)
    version = glass.version
    with pytest.raises(BreakGlassRule):
        glass.grant(reason="再次核实监护人联系方式", now=NOW + timedelta(minutes=30),
                    minutes=60, actor=ZHOU)
    assert (glass.expires_at, glass.reason, glass.version) == (
        NOW + timedelta(minutes=60), REASON, version)
    assert not glass.in_force(NOW + timedelta(minutes=60))
