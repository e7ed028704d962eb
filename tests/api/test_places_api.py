"""/places: an admin names townships and villages; everyone signed in reads places by name."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

TOWNSHIPS = [{"code": "420881100", "name": "洋梓镇"}, {"code": "420881101", "name": "长寿镇"}]


def test_an_admin_names_townships_and_anyone_lists_them_under_their_county(
        client: TestClient, admin: dict[str, str],
        user: Callable[..., dict[str, str]]) -> None:
    named = client.post("/api/v1/places", json={"places": TOWNSHIPS}, headers=admin)
    assert named.json() == {"named": 2, "renamed": 0, "unchanged": 0}
    listed = client.get("/api/v1/places", params={"under": "420881"},
                        headers=user("auditor"))
    assert [(p["code"], p["name"], p["level"]) for p in listed.json()] == [
        ("420881100", "洋梓镇", "township"), ("420881101", "长寿镇", "township")]


def test_naming_the_same_places_again_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    client.post("/api/v1/places", json={"places": TOWNSHIPS}, headers=admin)
    again = client.post("/api/v1/places", json={"places": TOWNSHIPS}, headers=admin)
    assert again.json() == {"named": 0, "renamed": 0, "unchanged": 2}


def test_a_renamed_township_lists_its_former_name(
        client: TestClient, admin: dict[str, str]) -> None:
    client.post("/api/v1/places", json={"places": TOWNSHIPS}, headers=admin)
    client.post("/api/v1/places", json={"places": [{"code": "420881101", "name": "长寿街道"}]},
                headers=admin)
    listed = client.get("/api/v1/places", params={"under": "420881"}, headers=admin).json()
    assert listed[1] == {"code": "420881101", "name": "长寿街道", "level": "township",
                         "former_names": ["长寿镇"]}


def test_a_citys_counties_come_from_the_national_list(
        client: TestClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v1/places", params={"under": "420800"}, headers=admin).json()
    assert {"code": "420881", "name": "钟祥市", "level": "county",
            "former_names": []} in listed


def test_a_bad_code_is_refused_in_chinese_and_nothing_is_named(
        client: TestClient, admin: dict[str, str]) -> None:
    refused = client.post("/api/v1/places", json={"places": [
        *TOWNSHIPS, {"code": "4208811", "name": "坏"}]}, headers=admin)
    assert refused.status_code == 422
    assert "9 位或村（社区）的 12 位" in refused.text
    assert client.get("/api/v1/places", params={"under": "420881"}, headers=admin).json() == []


def test_federation_staff_may_not_name_places(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    staff = user("federation", region_code="420881")
    refused = client.post("/api/v1/places", json={"places": TOWNSHIPS}, headers=staff)
    assert refused.status_code == 403
