"""OWASP API5:2023 Broken Function Level Authorization: every role against every route.

``ADMITTED`` says, for every route of the service (checked by enumeration: a route added
without a row fails ``test_every_route_has_a_row``), which roles may call it. Each route is
called by one account of each role, every one of them *within* the record's scope
(federation of its county, its school, the volunteer paired with the child, an auditor), so
a refusal can only come from the function check: a role not admitted gets 403 (or 404 where
the record is not theirs to know of, ``HIDDEN``) and changes nothing; an admitted role gets
past the check (anything but 401, 403, 404 or a server error: a 409 for a rule is fine).
The refused roles go first, so an admitted command cannot hide a refusal's effects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from domain.common import Actor
from tests.api.conftest import ADMIN_PASSWORD, CHILD, VOLUNTEER, approved_volunteer, create, login
from tests.api.test_scope_every_route import api_routes
from tests.security.conftest import SECRET

pytestmark = pytest.mark.xdist_group("api5")  # the module's service and callers: one process

ROLES = ("admin", "federation", "school", "volunteer", "auditor")
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "federation", "school"})
ORGANISERS = frozenset({"admin", "federation"})
READERS = frozenset({"admin", "auditor"})
REPORTERS = frozenset({"admin", "federation", "auditor"})
REPORT = {"kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1}
REASON = {"reason": "工作需要"}
ACTIVITY = {"kind": "festival", "title": "端午节集体活动", "organiser": "石牌镇妇联"}

#: (method, path) → (roles admitted, body)
ADMITTED: dict[tuple[str, str], tuple[frozenset[str], dict[str, Any] | None]] = {
    ("get", "/api/v1/users/me"): (EVERYONE, None),
    ("get", "/api/v1/places"): (EVERYONE, None),
    ("post", "/api/v1/places"): (ADMIN, {"places": [{"code": "420821100", "name": "石牌镇"}]}),
    ("post", "/api/v1/users"): (ADMIN, {"username": "made", "password": "password-123",
                                        "role": "auditor"}),
    ("get", "/api/v1/users/{user_id}"): (READERS, None),
    ("post", "/api/v1/users/{user_id}/scope"): (ADMIN, {"role": "auditor"}),
    ("post", "/api/v1/users/{user_id}/deactivation"): (ADMIN, REASON),
    ("post", "/api/v1/users/me/password"): (EVERYONE, {"current_password": "password-123",
                                                       "new_password": "password-123"}),
    ("get", "/api/v1/volunteers"): (frozenset({"admin", "federation", "auditor"}), None),
    ("post", "/api/v1/volunteers"): (ORGANISERS, VOLUNTEER),
    ("get", "/api/v1/volunteers/{volunteer_id}"): (
        frozenset({"admin", "federation", "volunteer", "auditor"}), None),
    ("post", "/api/v1/volunteers/{volunteer_id}/reviews"): (
        ORGANISERS, {"level": "unit", "decision": "approve"}),
    ("post", "/api/v1/volunteers/{volunteer_id}/suspension"): (ORGANISERS, REASON),
    ("post", "/api/v1/volunteers/{volunteer_id}/reinstatement"): (ORGANISERS, REASON),
    ("post", "/api/v1/volunteers/{volunteer_id}/disqualification"): (ORGANISERS, REASON),
    ("post", "/api/v1/volunteers/{volunteer_id}/commendations"): (ORGANISERS, REASON),
    ("get", "/api/v1/children"): (EVERYONE, None),
    ("post", "/api/v1/children"): (STAFF, CHILD),
    ("get", "/api/v1/children/{child_id}"): (EVERYONE, None),
    ("get", "/api/v1/children/{child_id}/history"): (STAFF | READERS, None),
    ("post", "/api/v1/children/{child_id}/parents/{role}"): (STAFF, {"status": "home"}),
    ("post", "/api/v1/children/{child_id}/guardian"): (STAFF, {"name": "王芳", "relation": "姑姑"}),
    ("post", "/api/v1/children/{child_id}/profile"): (STAFF, {"health": "良好"}),
    ("post", "/api/v1/children/{child_id}/categories"): (STAFF, {"categories": []}),
    ("post", "/api/v1/children/{child_id}/exit"): (STAFF, {"reason": "迁出"}),
    ("post", "/api/v1/children/{child_id}/schooling"): (STAFF, {
        "school": CHILD["school"], "class_name": "五年级一班"}),
    ("post", "/api/v1/children/{child_id}/transfer"): (STAFF, {
        "region_code": "420822100", "reason": "迁往沙洋县"}),
    ("post", "/api/v1/children/{child_id}/corrections"): (STAFF, {
        "field": "ethnicity", "value": "汉族", "reason": "录入错误"}),
    ("post", "/api/v1/children/{child_id}/erasure"): (ADMIN, {"reason": "监护人撤回同意"}),
    ("post", "/api/v1/children/{child_id}/break-glass"): (frozenset({"federation"}), REASON),
    ("post", "/api/v1/children/{child_id}/concerns"): (
        EVERYONE - {"auditor"}, {"kind": "absence", "description": "缺课"}),
    ("post", "/api/v1/children/{child_id}/concerns/{concern_id}/resolution"): (
        STAFF, {"action": "已处理"}),
    ("post", "/api/v1/children/{child_id}/contacts"): (
        STAFF, {"kind": "talk", "occurred_on": "2026-04-02", "notes": ""}),
    ("get", "/api/v1/children/{child_id}/contacts"): (STAFF | READERS, None),
    ("get", "/api/v1/children/{child_id}/duties"): (EVERYONE, None),
    ("post", "/api/v1/activities"): (STAFF, None),  # body from the world's ids
    ("get", "/api/v1/activities"): (EVERYONE, None),
    ("get", "/api/v1/activities/{activity_id}"): (EVERYONE, None),
    ("post", "/api/v1/activities/{activity_id}/cancellation"): (STAFF, REASON),
    ("get", "/api/v1/concerns"): (EVERYONE, None),
    ("get", "/api/v1/pairings"): (EVERYONE, None),
    ("post", "/api/v1/pairings"): (ORGANISERS, None),  # body from the world's ids
    ("get", "/api/v1/pairings/{pairing_id}"): (EVERYONE, None),
    ("get", "/api/v1/pairings/{pairing_id}/contacts"): (EVERYONE, None),
    ("post", "/api/v1/pairings/{pairing_id}/contacts"): (
        frozenset({"admin", "federation", "volunteer"}),
        {"kind": "phone", "occurred_on": "2026-04-02", "notes": ""}),
    ("post", "/api/v1/pairings/{pairing_id}/end"): (ORGANISERS, {"reason": "调整"}),
    ("get", "/api/v1/pairings/{pairing_id}/duties"): (EVERYONE, None),
    ("get", "/api/v1/duty-sets"): (EVERYONE, None),
    ("get", "/api/v1/reminders"): (EVERYONE, None),
    ("get", "/api/v1/me/work"): (frozenset({"volunteer", "school"}), None),
    ("post", "/api/v1/reminders/scan"): (ADMIN, {}),
    ("get", "/api/v1/audit/verify"): (READERS, None),
    ("get", "/api/v1/audit/break-glass"): (READERS, None),
    ("get", "/api/v1/audit/compliance"): (READERS, None),
    ("post", "/api/v1/reports"): (REPORTERS, REPORT),
    ("get", "/api/v1/reports"): (REPORTERS, None),
    ("get", "/api/v1/reports/{report_id}"): (REPORTERS, None),
    ("get", "/api/v1/reports/{report_id}/files/{name}"): (REPORTERS, None),
    ("get", "/api/v1/imports/template"): (STAFF, None),
    ("post", "/api/v1/imports"): (STAFF, None),  # multipart: the admitted are past the checks
    ("get", "/api/v1/imports/{import_id}"): (ORGANISERS, None),  # a school's own only
    ("get", "/api/v1/exports/children.xlsx"): (STAFF | READERS, None),
    ("get", "/api/v1/exports/volunteers.xlsx"): (frozenset({"admin", "federation", "auditor"}),
                                                 None),
    ("get", "/api/v1/exports/pairings.xlsx"): (STAFF | READERS, None),
    ("get", "/api/v1/worklists/{name}"): (STAFF | READERS, None),
    ("post", "/api/v1/schools/enrolment"): (STAFF, {
        "region_code": CHILD["region_code"], "school": CHILD["school"], "term": "2026春",
        "pupils": 848}),
    ("get", "/api/v1/schools/enrolment"): (frozenset({"admin", "federation", "school",
                                                     "auditor"}), None),
    ("get", "/api/v1/duplicates"): (ORGANISERS, None),
    ("post", "/api/v1/children/{child_id}/merges"): (ORGANISERS, None),  # body: below
    ("post", "/api/v1/children/{child_id}/distinctions"): (ORGANISERS, None),  # body: below
}
#: The work-list asked for on ``/worklists/{name}``.
WORK_LIST = "unpaired_left_behind"
#: Query parameters a route needs.
QUERIES = {("get", "/api/v1/audit/compliance"): {"year": 2026},
           ("get", "/api/v1/places"): {"under": "420821"}}
#: Logging in needs no role.
NO_ROLE = {("post", "/api/v1/auth/token")}
#: Refusals told as "no such record": volunteers are no business of a school, nor another
#: volunteer's account of a volunteer.
HIDDEN = {("school", path) for (_, path) in ADMITTED if path.startswith(
    "/api/v1/volunteers/{")}
HIDDEN.add(("school", "/api/v1/imports/{import_id}"))  # another's import: not there


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("roles")
    settings = Settings(data_dir=folder / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        secret_key=SECRET, projections_poll_interval=0.02,  # type: ignore[arg-type]
                        password_hashing="cheapest",
                        # every role against every route, from one admin account in a minute
                        write_rate_limit=10_000)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def accounts(service: TestClient) -> dict[str, tuple[str, dict[str, str]]]:
    """One account of each role, in the scope of the records each test makes: id, headers."""
    admin = login(service, "admin", ADMIN_PASSWORD)
    scopes = {"admin": {}, "federation": {"region_code": "420821"},
              "school": {"school": CHILD["school"], "region_code": "420821"},
              "volunteer": {"volunteer_id": approved_volunteer(service, admin)},
              "auditor": {}}
    made = {}
    for role, scope in scopes.items():
        body = {"username": f"the-{role}", "password": "password-123", "role": role, **scope}
        account = create(service, "/api/v1/users", body, admin)
        made[role] = (account["id"], login(service, f"the-{role}", "password-123"))
    return made


def world(client: TestClient, accounts: dict[str, tuple[str, dict[str, str]]]) -> dict[str, str]:
    """Fresh records in every account's scope: a child, its volunteer (whose account is the
    volunteer's), their pairing, a concern, a report, a spare account; their ids."""
    admin = accounts["admin"][1]
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    pairing = create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}, admin)
    volunteer_account = accounts["volunteer"][0]
    response = client.post(f"/api/v1/users/{volunteer_account}/scope", headers=admin,
                           json={"role": "volunteer", "volunteer_id": volunteer_id})
    assert response.status_code == 200, response.text
    client.app.state.accounts.clear()  # type: ignore[attr-defined]  # the new scope counts now
    concern = create(client, f"/api/v1/children/{child_id}/concerns",
                     {"kind": "absence", "description": "缺课"}, admin)
    report = client.post("/api/v1/reports", json=REPORT, headers=admin).json()
    activity = create(client, "/api/v1/activities", {**ACTIVITY, "child_ids": [child_id]}, admin)
    spare = create(client, "/api/v1/users", {"username": f"spare-{child_id[:8]}",
                                             "password": "password-123", "role": "auditor"}, admin)
    return {"child_id": child_id, "volunteer_id": volunteer_id, "pairing_id": pairing["id"],
            "concern_id": concern["id"], "report_id": report["id"], "user_id": spare["id"],
            "role": "mother", "name": "420821-2026Q1.xlsx", "activity_id": activity["id"],
            "import_id": str(client.app.state.register.request_import(  # type: ignore[attr-defined]
                kind="children", dry_run=True, file_name="花名册.xlsx", size=0, sha256="",
                actor=Actor(id="someone", role="admin"), region_code="420821"))}


def test_every_route_has_a_row(service: TestClient) -> None:
    assert api_routes(service) - NO_ROLE - set(ADMITTED) == set()


@pytest.mark.parametrize(("method", "path"), list(ADMITTED))
def test_each_role_gets_only_what_it_is_admitted_to(
        service: TestClient, accounts: dict[str, tuple[str, dict[str, str]]],
        method: str, path: str) -> None:
    if (method, path) not in api_routes(service):
        pytest.skip(f"{method.upper()} {path} is not served (yet)")
    admitted, body = ADMITTED[(method, path)]
    ids = world(service, accounts)
    if path == "/api/v1/pairings":
        body = {"child_ids": [ids["child_id"]], "volunteer_ids": [ids["volunteer_id"]],
                "principle": "kin"}
    if path == "/api/v1/activities":
        body = {**ACTIVITY, "child_ids": [ids["child_id"]]}
    if path.endswith("/merges"):  # into itself: refused by the rule, past the checks
        body = {"duplicate_id": ids["child_id"], "reason": "重复登记"}
    if path.endswith("/distinctions"):  # from itself: likewise
        body = {"other_id": ids["child_id"], "reason": "双胞胎"}
    answers = {}
    for role in sorted(ROLES, key=lambda role: role in admitted):  # refused roles first
        named = {**ids, "name": WORK_LIST} if path.startswith("/api/v1/worklists") else ids
        response = service.request(method.upper(), path.format(**named), json=body,
                                   params=QUERIES.get((method, path)),
                                   headers=accounts[role][1])
        answers[role] = response.status_code, response.text
    expected_refusals = {role: 404 if (role, path) in HIDDEN else 403
                         for role in ROLES if role not in admitted}
    assert {role: answers[role][0] for role in expected_refusals} == expected_refusals
    assert {role: answer for role, answer in answers.items()
            if role in admitted and not past_the_checks(*answer)} == {}


def past_the_checks(status: int, text: str) -> bool:
    """Whether an answer came from past the role and scope checks: not 401, 403 or a
    server error, nor a 404 but for a report's file (none is produced without a worker)."""
    return (status not in (401, 403, 404) and status < 500) or (
        status == 404 and text.startswith('{"detail":"no file '))
