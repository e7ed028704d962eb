"""Teachers record their own work: ``POST /children/{id}/contacts`` (a contact outside any
pairing), ``GET /children/{id}/contacts``, and ``GET /children/{id}/duties`` (every duty owed to
the child on a date, from all its pairings and its school), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import (
    ADMIN_PASSWORD,
    CHILD,
    approved_volunteer,
    create,
    login,
    paired,
)

TALK = {"kind": "talk", "occurred_on": "2026-06-03", "notes": "谈心，了解近期学习情况",
        "duration_minutes": 20}
SCHOOL = {"school": CHILD["school"], "region_code": "420821"}
Headers = dict[str, str]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def client(request: pytest.FixtureRequest,
           make_settings: Callable[..., Any]) -> Iterator[TestClient]:
    """The service of a programme that holds its schools to the homeroom teacher's duties
    (duty sets ``five_ones`` and ``school``), on each store."""
    settings = make_settings(request.param, admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_poll_interval=0.02, projections_in_process=True,
                             duty_sets=("five_ones", "school"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def teacher(user: Callable[..., Headers]) -> Headers:
    return user("school", **SCHOOL)


def contacts_path(child_id: str) -> str:
    return f"/api/v1/children/{child_id}/contacts"


def duties(client: TestClient, child_id: str, headers: Headers,
           on: str = "2026-06-15") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/children/{child_id}/duties", params={"on": on},
                          headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["on"] == on
    return response.json()["duties"]  # type: ignore[no-any-return]


def school_duty(entries: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = (e for e in entries if e["name"] == name and e["pairing_id"] is None)
    return found


# -- recording ------------------------------------------------------------------------------

def test_a_teacher_records_a_talk_with_a_pupil_of_her_school(
        client: TestClient, child_id: str, teacher: Headers) -> None:
    response = client.post(contacts_path(child_id), json=TALK, headers=teacher)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["child_id"] == child_id and body["id"]
    assert response.headers["ETag"] == f'"{body["version"]}"'
    listed = client.get(contacts_path(child_id), headers=teacher).json()["items"]
    assert [(c["id"], c["kind"], c["occurred_on"], c["notes"]) for c in listed] == [
        (body["id"], "talk", "2026-06-03", TALK["notes"])]


def test_federation_staff_of_the_childs_region_record_a_home_visit(
        client: TestClient, child_id: str, user: Callable[..., Headers]) -> None:
    staff = user("federation", region_code="420821")
    visit = {"kind": "home_visit", "occurred_on": "2026-06-05", "notes": "家访", "items": 2}
    assert client.post(contacts_path(child_id), json=visit, headers=staff).status_code == 201


def test_a_caring_mother_records_her_contacts_on_her_pairing_not_on_the_childs_record(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    response = client.post(contacts_path(child_id), json=TALK, headers=mother)
    assert response.status_code == 403
    assert client.get(contacts_path(child_id), headers=admin).json()["items"] == []


def test_an_auditor_does_not_record_contacts(
        client: TestClient, child_id: str, user: Callable[..., Headers]) -> None:
    response = client.post(contacts_path(child_id), json=TALK, headers=user("auditor"))
    assert response.status_code == 403


def test_a_teacher_of_another_school_is_told_the_child_does_not_exist(
        client: TestClient, child_id: str, user: Callable[..., Headers]) -> None:
    other = user("school", school="胡集镇中学", region_code="420821")
    assert client.post(contacts_path(child_id), json=TALK, headers=other).status_code == 404
    assert client.get(f"/api/v1/children/{child_id}/duties",
                      headers=other).status_code == 404


def test_an_exited_childs_record_takes_no_contact(
        client: TestClient, child_id: str, admin: Headers, teacher: Headers) -> None:
    exited = client.post(f"/api/v1/children/{child_id}/exit", headers=admin,
                         json={"reason": "随父母迁出", "on": "2026-06-01"})
    assert exited.status_code == 200, exited.text
    response = client.post(contacts_path(child_id), json=TALK, headers=teacher)
    assert response.status_code == 409, response.text
    assert response.json()["rule"] == "child_exited"
    assert "退出" in response.json()["detail"]


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "gossip"}, "kind"),
    ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ({"occurred_on": "2026-03-01"}, "occurred_on"),  # the child was registered on 2 March
])
def test_a_contact_of_an_unknown_kind_or_dated_off_the_register_is_refused_naming_the_field(
        client: TestClient, child_id: str, teacher: Headers, change: dict[str, str],
        field: str) -> None:
    response = client.post(contacts_path(child_id), json={**TALK, **change}, headers=teacher)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert client.get(contacts_path(child_id), headers=teacher).json()["items"] == []


def test_a_contact_sent_twice_with_one_idempotency_key_is_recorded_once(
        client: TestClient, child_id: str, teacher: Headers) -> None:
    keyed = {**teacher, "Idempotency-Key": "talk-2026-06-03"}
    first = client.post(contacts_path(child_id), json=TALK, headers=keyed)
    again = client.post(contacts_path(child_id), json=TALK, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(client.get(contacts_path(child_id), headers=teacher).json()["items"]) == 1


def test_a_contact_on_a_record_changed_since_it_was_read_is_refused_with_if_match(
        client: TestClient, child_id: str, teacher: Headers) -> None:
    version = client.get(f"/api/v1/children/{child_id}", headers=teacher).json()["version"]
    first = client.post(contacts_path(child_id), json=TALK,
                        headers={**teacher, "If-Match": f'"{version}"'})
    assert first.status_code == 201, first.text
    stale = client.post(contacts_path(child_id), json=TALK,
                        headers={**teacher, "If-Match": f'"{version}"'})
    assert stale.status_code == 412, stale.text


# -- the history shows it ---------------------------------------------------------------------

def test_the_childs_history_shows_the_teachers_contact_from_the_day_it_happened(
        client: TestClient, child_id: str, teacher: Headers, admin: Headers) -> None:
    recorded = create(client, contacts_path(child_id), TALK, teacher)
    path = f"/api/v1/children/{child_id}/history"
    timeline = client.get(path, headers=admin).json()["timeline"]
    (entry,) = (e for e in timeline if e["type"] == "ChildContactRecorded")
    assert entry["occurred_on"] == "2026-06-03"
    assert entry["details"]["contact_id"] == recorded["id"]
    assert entry["details"]["kind"] == "talk"
    assert TALK["notes"] not in str(entry)  # notes stay in the log
    before = client.get(path, params={"as_of": "2026-06-02"}, headers=admin).json()
    assert "ChildContactRecorded" not in [e["type"] for e in before["timeline"]]


# -- the duties owed to the child -------------------------------------------------------------

def test_the_childs_duties_are_its_pairings_and_its_schools(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child_id, _, pairing_id = paired(client, admin)
    phoned = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                         json={"kind": "phone", "occurred_on": "2026-06-02", "notes": ""})
    assert phoned.status_code == 201, phoned.text
    create(client, contacts_path(child_id), TALK, teacher)

    entries = duties(client, child_id, teacher)
    assert {e["child_id"] for e in entries} == {child_id}
    by_pairing = {(e["pairing_id"], e["name"]): e for e in entries}
    assert by_pairing[(pairing_id, "monthly_contact")]["status"] == "met"
    assert {name for owner, name in by_pairing if owner is None} == {
        "monthly_talk", "term_home_visits"}
    talk = school_duty(entries, "monthly_talk")
    assert talk["status"] == "met"
    assert talk["last_qualifying_contact"] == "2026-06-03"
    assert set(talk) >= {"name", "status", "period", "last_qualifying_contact", "reason",
                         "child_id", "pairing_id"}


def test_a_caring_mothers_talk_does_not_meet_the_schools_monthly_talk(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child_id, _, pairing_id = paired(client, admin)
    talked = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin,
                         json={"kind": "talk", "occurred_on": "2026-06-03", "notes": ""})
    assert talked.status_code == 201, talked.text
    entries = duties(client, child_id, teacher)
    assert school_duty(entries, "monthly_talk")["status"] != "met"


def test_a_teachers_talk_does_not_meet_a_pairings_monthly_contact(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child_id, _, pairing_id = paired(client, admin)
    create(client, contacts_path(child_id), TALK, teacher)
    (contact,) = (e for e in duties(client, child_id, teacher)
                  if e["pairing_id"] == pairing_id and e["name"] == "monthly_contact")
    assert contact["status"] != "met"


def test_a_pairing_ended_before_the_date_owes_the_child_nothing_that_day(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child_id, _, pairing_id = paired(client, admin)
    ended = client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin,
                        json={"reason": "调整结对", "on": "2026-05-01"})
    assert ended.status_code == 200, ended.text
    assert {e["pairing_id"] for e in duties(client, child_id, teacher)} == {None}
    assert pairing_id in {e["pairing_id"] for e in duties(client, child_id, teacher,
                                                          on="2026-04-15")}


def test_the_school_owes_no_duty_to_a_pupil_who_is_not_left_behind(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child = create(client, "/api/v1/children", {**CHILD, "parents": [
        {**CHILD["parents"][0], "status": "home"}, CHILD["parents"][1]]}, admin)
    assert duties(client, child["id"], teacher) == []


def test_a_federation_users_reading_of_the_duties_is_recorded_on_the_childs_timeline(
        client: TestClient, child_id: str, user: Callable[..., Headers],
        admin: Headers) -> None:
    staff = user("federation", region_code="420821")
    duties(client, child_id, staff)
    timeline = client.get(f"/api/v1/children/{child_id}/history",
                          headers=admin).json()["timeline"]
    reads = [e["details"]["what"] for e in timeline if e["type"] == "RecordWasRead"]
    assert reads == ["duties"]


def test_a_caring_mother_reads_the_duties_owed_to_her_child(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert pairing_id in {e["pairing_id"] for e in duties(client, child_id, mother)}


def test_the_duties_of_a_day_before_the_child_was_registered_are_none(
        client: TestClient, child_id: str, teacher: Headers) -> None:
    assert duties(client, child_id, teacher, on="2026-01-15") == []


def test_the_programmes_without_the_school_set_owe_no_school_duties(
        make_settings: Callable[..., Any]) -> None:
    settings = make_settings("sqlite", admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_poll_interval=0.02)
    with TestClient(create_app(settings)) as plain:
        admin = login(plain, "admin", ADMIN_PASSWORD)
        child = create(plain, "/api/v1/children", CHILD, admin)
        assert duties(plain, child["id"], admin) == []


def test_a_call_to_one_child_of_a_pairing_does_not_meet_the_other_childs_monthly_contact(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    first = create(client, "/api/v1/children", CHILD, admin)["id"]
    second = create(client, "/api/v1/children", {**CHILD, "name": "王小明"}, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [first, second], "volunteer_ids": [volunteer_id], "principle": "kin",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)
    called = client.post(f"/api/v1/pairings/{pairing['id']}/contacts", headers=admin, json={
        "kind": "phone", "occurred_on": "2026-06-02", "notes": "", "child_ids": [first]})
    assert called.status_code == 201, called.text

    def monthly_contact(child_id: str) -> str:
        (found,) = (e for e in duties(client, child_id, teacher)
                    if e["pairing_id"] == pairing["id"] and e["name"] == "monthly_contact")
        assert found["child_id"] == child_id
        return str(found["status"])

    assert (monthly_contact(first), monthly_contact(second)) == ("met", "overdue")


def test_a_pairing_that_took_the_school_set_does_not_owe_the_schools_duties_a_second_time(
        client: TestClient, admin: Headers, teacher: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "need",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10",
        "duty_sets": ["five_ones", "school"]}, admin)
    entries = duties(client, child_id, teacher)
    talks = [e["pairing_id"] for e in entries if e["name"] == "monthly_talk"]
    assert talks == [None]
    assert pairing["id"] in {e["pairing_id"] for e in entries}  # its five ones stay


def test_the_duties_are_of_today_unless_a_day_is_given(
        client: TestClient, child_id: str, teacher: Headers) -> None:
    response = client.get(f"/api/v1/children/{child_id}/duties", headers=teacher)
    assert response.status_code == 200, response.text
    today = client.app.state.register.today()  # type: ignore[attr-defined]
    assert response.json()["on"] == today.isoformat()
    assert {e["name"] for e in response.json()["duties"]} == {"monthly_talk",
                                                               "term_home_visits"}
