"""The console's lists of children, concerns and pairings: places shown and chosen by name,
children found by part of their school's name, concerns the newest first, pairings found by
the names of their people, each list with its total."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create, paired
from tests.api.test_console import console_login

PLACES = [{"code": "420821101", "name": "石牌镇"}, {"code": "420821102", "name": "胡集镇"},
          {"code": "420821101202", "name": "彭墩村"}]


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def _named(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/api/v1/places", json={"places": PLACES}, headers=admin).is_success


def _child(client: TestClient, admin: dict[str, str], **fields: object) -> str:
    return str(create(client, "/api/v1/children", {**CHILD, **fields}, admin)["id"])


def test_a_childs_place_is_shown_by_its_name_with_the_code_in_its_tooltip(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    _child(client, admin, region_code="420821101202")
    console_login(client)
    listed = client.get("/console/children").text
    assert re.search(r'<span class="place" title="[^"]*（420821101202）">彭墩村</span>', listed)
    assert ">420821101202<" not in listed


def test_children_are_found_by_the_name_of_their_township(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    _child(client, admin)
    _child(client, admin, name="赵小雨", region_code="420821102")
    console_login(client)
    listed = client.get("/console/children", params={"township": "石牌镇"}).text
    assert "王小花" in listed and "赵小雨" not in listed


def test_a_place_name_not_known_is_said_to_be_unknown(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    _child(client, admin)
    console_login(client)
    listed = client.get("/console/children", params={"township": "磷矿镇"}).text
    assert "没有名为“磷矿镇”的乡镇或村" in listed and "王小花" not in listed


def test_the_township_is_chosen_from_the_places_by_name(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    console_login(client)
    form = client.get("/console/children").text
    assert '<select name="township">' in form
    assert '<option value="420821102">胡集镇（全乡镇）</option>' in form


def test_children_are_found_by_part_of_their_schools_name(
        client: TestClient, admin: dict[str, str]) -> None:
    _child(client, admin)
    _child(client, admin, name="赵小雨", school="胡集镇中学")
    console_login(client)
    listed = client.get("/console/children", params={"school": "石牌镇"}).text
    assert "王小花" in listed and "赵小雨" not in listed


def test_concerns_are_listed_the_latest_to_happen_first_with_their_total(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    for day in ("2026-04-01", "2026-06-02", "2026-05-10"):
        create(client, f"/api/v1/children/{child_id}/concerns", {
            "kind": "absence", "description": "未到校", "occurred_on": day}, admin)
    console_login(client)
    listed = client.get("/console/concerns").text
    assert re.findall(r"· (\d{4}-\d\d-\d\d)</p>", listed) == [
        "2026-06-02", "2026-05-10", "2026-04-01"]
    assert '<p class="muted" id="concerns-total">共 3 条' in listed


def test_concerns_are_narrowed_by_kind_and_by_place(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    here, there = _child(client, admin), _child(client, admin, name="赵小雨",
                                                 region_code="420821102")
    for child, kind in ((here, "absence"), (here, "injury"), (there, "absence")):
        create(client, f"/api/v1/children/{child}/concerns", {
            "kind": kind, "description": "情况", "occurred_on": "2026-06-02"}, admin)
    console_login(client)
    listed = client.get("/console/concerns",
                        params={"kind": "absence", "place": "420821101"}).text
    assert "共 1 条" in listed and "王小花" in listed and "赵小雨" not in listed


def test_pairings_are_found_by_the_childs_name_with_their_total(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    paired(client, admin, name="赵小雨")
    console_login(client)
    listed = client.get("/console/pairings", params={"child": "小雨"}).text
    assert "赵小雨" in listed and "王小花" not in listed
    assert '<p class="muted" id="pairings-total">共 1 对</p>' in listed


def test_pairings_are_found_by_the_volunteers_name(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)  # 王小花 with 刘爱华
    other = approved_volunteer(client, admin, name="陈美玲")
    elsewhere = _child(client, admin, name="赵小雨")
    create(client, "/api/v1/pairings", {
        "child_ids": [elsewhere], "volunteer_ids": [other], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)
    console_login(client)
    listed = client.get("/console/pairings", params={"volunteer": "美玲"}).text
    assert "赵小雨" in listed and "王小花" not in listed and "共 1 对" in listed


def test_a_childs_name_on_the_pairings_list_leads_to_the_child_and_its_own_link_to_the_pairing(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    console_login(client)
    listed = client.get("/console/pairings").text
    assert f'<a href="/console/children/{child_id}" class="child"><strong>王小花</strong></a>' \
        in listed
    assert f'<a href="/console/pairings/{pairing_id}" class="pairing-link">' in listed


def test_the_pairing_form_offers_unpaired_children_first_with_their_place(
        client: TestClient, admin: dict[str, str]) -> None:
    _named(client, admin)
    paired(client, admin)  # 王小花, paired
    _child(client, admin, name="赵小雨", region_code="420821102")
    console_login(client)
    offered = client.get("/console/pairings/new").text
    choices = offered[offered.index('id="child-choices"'):offered.index('id="volunteer-choices"')]
    assert choices.index("赵小雨") < choices.index("王小花")
    assert re.search(r"赵小雨</strong> <span class=\"muted\"><span class=\"place\"[^>]*>胡集镇"
                     r"</span> · [^<]*</span> <span class=\"badge warn\">未结对</span>", choices)


def test_the_pairing_form_shows_how_many_pairings_each_volunteer_has(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)  # 刘爱华 with 王小花
    approved_volunteer(client, admin, name="陈美玲")
    console_login(client)
    offered = client.get("/console/pairings/new").text
    volunteers = offered[offered.index('id="volunteer-choices"'):]
    assert re.search(r"刘爱华</strong>.*?正在结对 1 对", volunteers)
    assert re.search(r"陈美玲</strong>.*?正在结对 0 对", volunteers)
