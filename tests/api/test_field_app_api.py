"""GET /me/work: a caring mother's or a teacher's own work in one answer, within scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import scope
from api.app import create_app
from api.routes import me
from domain.vocabulary import CONCERN_KIND_TITLES
from projections.registers.pairings import list_pairings
from tests.api.conftest import (
    ADMIN_PASSWORD,
    CHILD,
    approved_volunteer,
    create,
    login,
    paired,
)
from tests.api.test_reminders_api import scanned

Headers = dict[str, str]


def _work(client: TestClient, headers: Headers) -> dict[str, Any]:
    response = client.get("/api/v1/me/work", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_caring_mother_sees_only_the_children_she_is_paired_with(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "李明"}, admin)  # not hers
    work = _work(client, user("volunteer", volunteer_id=volunteer_id))
    assert [(c["id"], c["name"], c["pairing_ids"]) for c in work["children"]] == [
        (child_id, "王小花", [pairing_id])]
    assert [p["id"] for p in work["pairings"]] == [pairing_id]
    assert work["records_on"] == "pairing"


def test_each_child_comes_with_its_duties_in_the_engines_words(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    work = _work(client, user("volunteer", volunteer_id=volunteer_id))
    engine = client.get(f"/api/v1/children/{child_id}/duties", headers=admin).json()["duties"]
    assert [(d["name"], d["status"], d["reason"]) for d in work["children"][0]["duties"]] == [
        (d["name"], d["status"], d["reason"]) for d in engine]
    assert work["children"][0]["duties"]


def test_a_caring_mother_never_reads_the_national_id_nor_the_work_locations(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin, id_number="420821201605200027")
    text = client.get("/api/v1/me/work",
                      headers=user("volunteer", volunteer_id=volunteer_id)).text
    assert "420821201605200027" not in text and "广东省东莞市" not in text
    assert "张桂兰" in text  # the guardian she calls


def test_a_school_sees_its_left_behind_pupils_and_no_other_schools(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    ours = create(client, "/api/v1/children", CHILD, admin)["id"]
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "school": "胡集镇中心小学"},
           admin)
    work = _work(client, user("school", region_code="420821", school=CHILD["school"]))
    assert [c["id"] for c in work["children"]] == [ours]
    assert work["records_on"] == "child" and work["contact_kinds"][0]["code"] == "talk"


def test_the_kinds_of_contact_are_in_chinese(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    kinds = _work(client, user("volunteer", volunteer_id=volunteer_id))["contact_kinds"]
    assert {"code": "home_visit", "title": "家访"} in kinds


def test_the_kinds_of_concern_are_the_programmes_own_words(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    kinds = _work(client, user("volunteer", volunteer_id=volunteer_id))["concern_kinds"]
    assert kinds == [{"code": code, "title": title}
                     for code, title in CONCERN_KIND_TITLES.items()]
    assert {"code": "neglect", "title": "监护缺失"} in kinds
    assert {"code": "other", "title": "其他"} in kinds


def test_staff_and_auditors_have_no_field_work_here(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    for headers in (admin, user("federation", region_code="4208"), user("auditor")):
        assert client.get("/api/v1/me/work", headers=headers).status_code == 403


def test_without_a_token_it_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me/work").status_code == 401


def test_her_open_reminders_are_those_whose_duty_is_still_unmet(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, pairing_id = paired(client, admin)
    scanned(client)
    mother = user("volunteer", volunteer_id=volunteer_id)
    reminded = _work(client, mother)["reminders"]
    assert reminded and {r["pairing_id"] for r in reminded} == {pairing_id}
    duty = reminded[0]["duty"]
    kinds = next(d["kinds"] for s in client.get("/api/v1/duty-sets", headers=admin).json()
                 for d in s["duties"] if d["name"] == duty)
    create(client, f"/api/v1/pairings/{pairing_id}/contacts",
           {"kind": kinds[0], "notes": "补上本期的联系"}, mother)
    assert duty not in {r["duty"] for r in _work(client, mother)["reminders"]}


@pytest.fixture
def schools_held_to_duties(make_settings: Callable[..., Any]) -> Iterator[TestClient]:
    """The service of a programme whose duty sets include the school's (``school``), as the
    demo runs it (``AIXIN_DUTY_SETS=five_ones,school``)."""
    settings = make_settings("sqlite", admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_poll_interval=0.02, projections_in_process=True,
                             duty_sets=("five_ones", "school"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_teacher_sees_the_schools_own_duties_to_each_pupil_when_the_school_set_is_in_force(
        schools_held_to_duties: TestClient) -> None:
    client = schools_held_to_duties
    admin = login(client, "admin", ADMIN_PASSWORD)
    pupils = [create(client, "/api/v1/children", {**CHILD, "name": name}, admin)["id"]
              for name in ("王小花", "陈小雨")]
    create(client, "/api/v1/users", {"username": "teacher", "password": "password-123",
                                     "role": "school", "school": CHILD["school"],
                                     "region_code": "420821"}, admin)
    work = _work(client, login(client, "teacher", "password-123"))
    assert sorted(c["id"] for c in work["children"]) == sorted(pupils)
    for child in work["children"]:
        engine = client.get(f"/api/v1/children/{child['id']}/duties", headers=admin).json()
        schools = [(d["name"], d["status"], d["reason"]) for d in engine["duties"]
                   if d["pairing_id"] is None]
        assert schools and "monthly_talk" in [name for name, _, _ in schools]
        assert [(d["name"], d["status"], d["reason"]) for d in child["duties"]
                if d["pairing_id"] is None] == schools


def test_each_child_and_pairing_is_read_a_bounded_number_of_times_whatever_their_number(
        client: TestClient, admin: Headers, user: Callable[..., Headers],
        monkeypatch: pytest.MonkeyPatch) -> None:
    volunteer_id = approved_volunteer(client, admin)
    children = [create(client, "/api/v1/children", {**CHILD, "name": f"王小{n}"}, admin)["id"]
                for n in "一二三四五六"]
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": children, "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)["id"]
    mother = user("volunteer", volunteer_id=volunteer_id)
    state = client.app.state  # type: ignore[attr-defined]
    loads: Counter[str] = Counter()
    listings: list[dict[str, Any]] = []
    load = state.register.repository.get

    def counted_load(aggregate_id: Any, *args: Any, **kwargs: Any) -> Any:
        loads[str(aggregate_id)] += 1
        return load(aggregate_id, *args, **kwargs)

    def counted_listing(tx: Any, **where: Any) -> Any:
        listings.append(where)
        return list_pairings(tx, **where)

    monkeypatch.setattr(state.register.repository, "get", counted_load)
    for module in (me, scope):
        monkeypatch.setattr(module, "list_pairings", counted_listing, raising=False)
    work = _work(client, mother)
    assert sorted(c["id"] for c in work["children"]) == sorted(children)
    assert loads[pairing] == 1  # not once for each of its six children
    assert max(loads[child] for child in children) <= 2  # its record, and its duties
    assert len(listings) == 1  # the pairings register, not once or twice for each child


def test_her_duties_and_reminders_name_their_periods_in_words(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    scanned(client)
    work = _work(client, user("volunteer", volunteer_id=volunteer_id))
    duty, reminder = work["children"][0]["duties"][0], work["reminders"][0]
    year, month = duty["period"]["label"].split("-")
    assert duty["period"]["title"] == f"{year}年{int(month)}月"
    assert reminder["period_title"] and not reminder["period_title"][-1].isdigit()
