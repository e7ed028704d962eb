"""Choosing a place by name in a console form (places.html): the name is shown, the code
is sent, and what was chosen stays chosen when a rule refuses the form."""

from __future__ import annotations

import re
from types import SimpleNamespace

from api.console.pages import templates
from projections.places.queries import NamedPlace, Township

PLACES = [Township("420881100", "洋梓镇", (NamedPlace("420881100201", "马湾村", "village"),)),
          Township("420881101", "长寿镇")]


def picker(typed: dict[str, str], refusal: object = None) -> str:
    macro = templates().env.from_string(
        '{% from "places.html" import place_select %}'
        '{{ place_select("region_code", "所在地区", typed, refusal, places, required=True) }}')
    return macro.render(typed=typed, refusal=refusal, places=PLACES)


def options(html: str) -> list[tuple[str, str, bool]]:
    return [(value, words, bool(chosen)) for value, chosen, words in re.findall(
        r'<option value="(\d+)"( selected)?>([^<]+)</option>', html)]


def test_each_place_is_offered_by_name_with_its_code_as_the_value() -> None:
    assert options(picker({})) == [("420881100", "洋梓镇（全乡镇）", False),
                                   ("420881100201", "洋梓镇 马湾村", False),
                                   ("420881101", "长寿镇（全乡镇）", False)]


def test_the_place_chosen_stays_chosen_when_the_form_is_refused() -> None:
    refusal = SimpleNamespace(fields={"region_code": "不在您的工作范围内"})
    html = picker({"region_code": "420881100201"}, refusal)
    assert [value for value, _, chosen in options(html) if chosen] == ["420881100201"]
    assert "不在您的工作范围内" in html and 'aria-invalid="true"' in html


def test_a_code_the_register_does_not_list_is_kept_and_named_as_far_as_known() -> None:
    html = picker({"region_code": "420881"})
    assert ("420881", "湖北省荆门市钟祥市", True) in options(html)
