"""The register of places (地名册) follows the log: named, renamed, rebuilt from zero, and
read through the one lookup every page and report uses."""

from __future__ import annotations

from domain.application import CareRegister
from domain.common import Actor
from projections.places.names import place_names
from projections.places.register import PlacesRegister, places_under
from projections.runner import ViewRunner

ADMIN = Actor(id="admin-1", role="admin")
SHEET = [("420881102", "洋梓镇"), ("420881103", "长寿镇"), ("420881102201", "胡集村")]


def rows_under(runner: ViewRunner, code: str) -> list[tuple[str, str, str, str]]:
    runner.catch_up_all()
    with runner.store.recorder(PlacesRegister).read() as tx:
        return [(r["code"], r["name"], r["level"], r["former_names"])
                for r in places_under(tx, code)]


def test_the_places_of_a_county_are_its_townships_by_code(
        register: CareRegister, runner: ViewRunner) -> None:
    register.name_places(SHEET, actor=ADMIN)
    assert rows_under(runner, "420881") == [("420881102", "洋梓镇", "township", ""),
                                            ("420881103", "长寿镇", "township", "")]


def test_a_renamed_place_shows_its_new_name_and_keeps_the_old_one(
        register: CareRegister, runner: ViewRunner) -> None:
    register.name_places(SHEET, actor=ADMIN)
    register.name_places([("420881102201", "胡集社区")], actor=ADMIN)
    assert rows_under(runner, "420881102") == [
        ("420881102201", "胡集社区", "village", ",胡集村,")]


def test_the_register_rebuilt_from_zero_is_the_register_followed(
        register: CareRegister, runner: ViewRunner) -> None:
    register.name_places(SHEET, actor=ADMIN)
    register.name_places([("420881103", "长寿街道")], actor=ADMIN)
    followed = rows_under(runner, "420881")
    runner.rebuild(PlacesRegister)
    assert rows_under(runner, "420881") == followed


def test_the_lookup_names_a_village_with_every_level_above_it(
        register: CareRegister, runner: ViewRunner) -> None:
    register.name_places(SHEET, actor=ADMIN)
    runner.catch_up_all()
    names = place_names(runner)
    assert names.name("420881102") == "洋梓镇"
    assert names.full("420881102201") == "湖北省荆门市钟祥市洋梓镇胡集村"
