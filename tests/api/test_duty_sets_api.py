"""/duty-sets: the duty rule sets in force, as data; a programme's own set, named as a file in
AIXIN_DUTY_SETS, is listed beside the shipped ones and judges its pairings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.duties import rules as duty_rules
from tests.api.conftest import ADMIN_PASSWORD, CHILD, approved_volunteer, create, login, paired
from tests.builders import READING

SECRET = "a-test-signing-key-of-enough-length-0123456789"
STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True)
def own_sets_forgotten(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each service here is a programme of its own: the sets it adopted are forgotten after."""
    monkeypatch.setattr(duty_rules, "_ADOPTED", {})
    yield


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serve(store: str, make_settings: Callable[..., Any]) -> Iterator[Callable[..., TestClient]]:
    """Start the service on the store with the given duty sets (AIXIN_DUTY_SETS)."""
    running: list[TestClient] = []

    def start(*duty_sets: str) -> TestClient:
        settings = make_settings(store, admin_password=ADMIN_PASSWORD, secret_key=SECRET,
                                 projections_poll_interval=0.02, projections_in_process=True,
                                 duty_sets=duty_sets)
        client = TestClient(create_app(settings))
        running.append(client.__enter__())
        return client

    yield start
    for client in running:
        client.__exit__(None, None, None)


def reading_file(folder: Path) -> str:
    path = folder / "reading.toml"
    path.write_text(READING, encoding="utf-8")
    return str(path)


def test_every_signed_in_role_reads_the_sets_in_force(
        serve: Callable[..., TestClient]) -> None:
    client = serve("five_ones")
    admin = login(client, "admin", ADMIN_PASSWORD)
    _, volunteer_id, _ = paired(client, admin)
    accounts = {"admin": {}, "federation": {"region_code": "420821"},
                "school": {"school": CHILD["school"], "region_code": "420821"},
                "volunteer": {"volunteer_id": volunteer_id}, "auditor": {}}
    seen = {}
    for role, scope in accounts.items():
        create(client, "/api/v1/users", {"username": f"the-{role}", "password": "password-123",
                                         "role": role, **scope}, admin)
        response = client.get("/api/v1/duty-sets",
                              headers=login(client, f"the-{role}", "password-123"))
        seen[role] = (response.status_code, [s["name"] for s in response.json()])

    assert seen == dict.fromkeys(accounts, (200, ["five_ones"]))


def test_the_sets_are_not_shown_to_anyone_not_signed_in(
        serve: Callable[..., TestClient]) -> None:
    assert serve("five_ones").get("/api/v1/duty-sets").status_code == 401


def test_each_set_says_its_duties_in_chinese_with_period_kinds_and_times(
        serve: Callable[..., TestClient]) -> None:
    client = serve("two_visits", "three_ones")

    sets = client.get("/api/v1/duty-sets",
                      headers=login(client, "admin", ADMIN_PASSWORD)).json()

    assert [(s["name"], s["label"]) for s in sets] == [("two_visits", "双访"),
                                                       ("three_ones", "三个一")]
    assert sets[0]["duties"] == [
        {"name": "semester_teacher_visit", "label": "每学期与班主任取得联系",
         "period": "semester", "kinds": ["school_visit", "teacher_contact"], "times": 1},
        {"name": "semester_guardian_visit", "label": "每学期与临时监护人沟通",
         "period": "semester", "kinds": ["guardian_contact", "home_visit"], "times": 1}]
    assert {d["name"]: d["kinds"] for d in sets[1]["duties"]} == {
        "half_yearly_home_visit": ["home_visit"],
        "quarterly_parent_call": ["parent_contact"],
        "monthly_activity": ["activity", "birthday", "counselling", "festival", "tutoring"]}


def test_a_programmes_own_set_file_is_listed_beside_the_shipped_ones(
        serve: Callable[..., TestClient], tmp_path: Path) -> None:
    client = serve("five_ones", reading_file(tmp_path))

    sets = client.get("/api/v1/duty-sets",
                      headers=login(client, "admin", ADMIN_PASSWORD)).json()

    assert [(s["name"], s["label"]) for s in sets] == [("five_ones", "五个一"),
                                                       ("reading", "共读计划")]
    assert sets[1]["duties"] == [{"name": "monthly_reading", "label": "每月与孩子共读两次",
                                  "period": "month", "kinds": ["meeting", "tutoring"],
                                  "times": 2}]


def test_a_programmes_own_set_judges_the_pairings_formed_under_it(
        serve: Callable[..., TestClient], tmp_path: Path) -> None:
    client = serve(reading_file(tmp_path))
    admin = login(client, "admin", ADMIN_PASSWORD)
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [approved_volunteer(client, admin)],
        "principle": "nearby", "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10",
        "duty_sets": ["reading"]}, admin)
    for day in ("2026-04-02", "2026-04-09"):
        response = client.post(f"/api/v1/pairings/{pairing['id']}/contacts", headers=admin,
                               json={"kind": "tutoring", "occurred_on": day, "notes": "共读"})
        assert response.status_code == 201, response.text

    duties = client.get(f"/api/v1/pairings/{pairing['id']}/duties",
                        params={"on": "2026-04-20"}, headers=admin).json()["duties"]

    assert [(d["name"], d["status"]) for d in duties] == [("monthly_reading", "met")]


def test_a_pairing_formed_without_naming_sets_follows_the_programmes_own(
        serve: Callable[..., TestClient], tmp_path: Path) -> None:
    client = serve(reading_file(tmp_path))
    admin = login(client, "admin", ADMIN_PASSWORD)
    _, _, pairing_id = paired(client, admin)

    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    duties = client.get(f"/api/v1/pairings/{pairing_id}/duties", params={"on": "2026-04-20"},
                        headers=admin).json()["duties"]

    assert (pairing["duty_sets"], [d["name"] for d in duties]) == (
        ["reading"], ["monthly_reading"])


def test_the_openapi_document_describes_the_sets(serve: Callable[..., TestClient]) -> None:
    operation = serve("five_ones").app.openapi()["paths"]["/api/v1/duty-sets"]["get"]  # type: ignore[attr-defined]

    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert (schema["type"], schema["items"]["$ref"]) == (
        "array", "#/components/schemas/DutySetOut")


def test_the_openapi_document_says_the_contact_kinds_a_call_to_the_parents_among_them(
        serve: Callable[..., TestClient]) -> None:
    schemas = serve("five_ones").app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]

    for shape in ("ContactIn", "ChildContactIn"):
        described = schemas[shape]["properties"]["kind"]["description"]
        assert "`parent_contact` (联系父母)" in described
        assert "`parent_call` (亲情电话/书信)" in described
