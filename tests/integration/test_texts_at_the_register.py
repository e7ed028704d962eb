"""Whatever sends it (the API, the console, an import, the command line), the register
keeps no text with a control, invisible or direction-changing character."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.application import CareRegister
from domain.errors import InvalidRecord
from domain.texts import plain
from tests.builders import STAFF, child_record, grandmother


def _events(register: CareRegister) -> int:
    return len(register.recorder.select_notifications(start=None, limit=10_000))


def test_a_nul_in_a_childs_school_is_refused_naming_the_field(register: CareRegister) -> None:
    with pytest.raises(InvalidRecord) as refused:
        register.register_child(actor=STAFF, **child_record(school="石牌\u0000小学"))
    assert refused.value.field == "school"
    assert _events(register) == 0


def test_a_direction_override_in_a_guardians_name_is_refused_naming_the_field(
        register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    with pytest.raises(InvalidRecord) as refused:
        register.change_guardian(child, replace(grandmother(), name="张\u202e兰"), actor=STAFF,
                                 on=date(2026, 4, 1), reason="监护人变更")
    assert refused.value.field == "guardian.name"
    assert _events(register) == 1


def test_line_breaks_in_a_reason_are_kept(register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    register.exit_child(child, reason="随父母外出\n就读", actor=STAFF, on=date(2026, 4, 1))
    assert _events(register) == 2


def test_a_text_the_system_builds_is_made_plain_rather_than_refused() -> None:
    assert plain("ValueError: bad \x1b[31mcolour\x00") == "ValueError: bad \ufffd[31mcolour\ufffd"
    assert plain("随父母外出\n就读") == "随父母外出\n就读"
