"""Places by name (地名): townships and villages named in the programme's own register, county
level and above by the national list of divisions, one lookup for both."""

from __future__ import annotations

import pytest

from domain.application import CareRegister
from domain.common import Actor
from domain.errors import InvalidRecord
from domain.places import Place, level_of, parent_of
from projections.places.names import PlaceNames, national_names

ADMIN = Actor(id="admin-1", role="admin")


def a_register() -> CareRegister:
    return CareRegister(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_a_township_and_a_village_are_levels_below_their_county() -> None:
    assert (level_of("420881102"), parent_of("420881102")) == ("township", "420881")
    assert (level_of("420881102201"), parent_of("420881102201")) == ("village", "420881102")
    assert (level_of("420881"), parent_of("420881")) == ("county", "420800")
    assert (level_of("420000"), parent_of("420000")) == ("province", None)


def test_a_code_that_is_not_a_township_or_village_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidRecord, match="9 位或村（社区）的 12 位"):
        Place.name_new(code="420881", name="钟祥市", actor=ADMIN)


def test_a_place_without_a_name_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="缺少名称"):
        Place.name_new(code="420881102", name="  ", actor=ADMIN)


def test_naming_the_same_places_twice_records_nothing_the_second_time() -> None:
    register = a_register()
    sheet = [("420881102", "洋梓镇"), ("420881102201", "胡集村")]
    first = register.name_places(sheet, actor=ADMIN)
    events = register.recorder.max_notification_id()
    second = register.name_places(sheet, actor=ADMIN)
    assert (first.named, second.named, second.renamed, second.unchanged) == (2, 0, 0, 2)
    assert register.recorder.max_notification_id() == events


def test_a_rename_is_a_new_event_and_keeps_the_old_name_as_known_before() -> None:
    register = a_register()
    register.name_places([("420881102", "洋梓镇")], actor=ADMIN)
    done = register.name_places([("420881102", "洋梓新镇")], actor=ADMIN)
    assert done.renamed == 1
    assert register.place_names("420881102") == ("洋梓新镇", ("洋梓镇",))


def test_a_list_with_one_bad_code_records_none_of_it() -> None:
    register = a_register()
    with pytest.raises(InvalidRecord):
        register.name_places([("420881102", "洋梓镇"), ("42088", "坏")], actor=ADMIN)
    assert register.recorder.max_notification_id() in (None, 0)


def test_county_level_and_above_are_named_by_the_national_list() -> None:
    names = national_names()
    assert [names.name(code) for code in ("420000", "420800", "420881")] == [
        "湖北省", "荆门市", "钟祥市"]


def test_the_full_name_joins_every_level_down_to_the_village() -> None:
    names = PlaceNames(lambda codes: {"420881102": "洋梓镇", "420881102201": "胡集村"})
    assert names.full("420881102") == "湖北省荆门市钟祥市洋梓镇"
    assert names.full("420881102201") == "湖北省荆门市钟祥市洋梓镇胡集村"


def test_a_code_nobody_named_is_shown_as_the_code() -> None:
    assert national_names().name("420881999") == "420881999"


def test_the_register_is_read_once_for_a_code_asked_many_times() -> None:
    asked: list[set[str]] = []

    def register(codes: object) -> dict[str, str]:
        asked.append(set(codes))  # type: ignore[call-overload]
        return {"420881102": "洋梓镇"}

    names = PlaceNames(register)
    assert [names.name("420881102") for _ in range(3)] == ["洋梓镇"] * 3
    assert asked == [{"420881102"}]
