"""The shape of a resident ID number (居民身份证号码, GB 11643): 17 digits and the check
character computed from them, a digit or X."""

from __future__ import annotations

import pytest

from domain.errors import InvalidRecord
from domain.national_ids import check_character, checked_id_number


def test_the_check_character_is_computed_from_the_first_17_digits() -> None:
    assert check_character("11010519491231002") == "X"  # the standard's own example
    assert check_character("42082120160520002") == "7"


@pytest.mark.parametrize("typed", ["11010519491231002x", " 110105 19491231 002X ",
                                   "１１０１０５１９４９１２３１００２Ｘ"])
def test_a_number_is_kept_as_compared_however_it_was_typed(typed: str) -> None:
    assert checked_id_number("id_number", typed) == "11010519491231002X"


def test_no_number_is_no_number() -> None:
    assert checked_id_number("id_number", "  ") == ""


@pytest.mark.parametrize("typed", ["4208212016052000", "4208212016052000271",
                                   "42082120160520002A", "4.20821201605200e17"])
def test_a_number_not_of_the_ids_shape_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        checked_id_number("id_number", typed)

    assert refused.value.field == "id_number" and "18位" in refused.value.reason


def test_a_number_whose_check_character_disagrees_is_refused_as_typed_wrong() -> None:
    with pytest.raises(InvalidRecord) as refused:
        checked_id_number("value", "420821201605200021")

    assert refused.value.field == "value" and "校验码" in refused.value.reason
