"""End to end through a real HTTP server on PostgreSQL: the programme's main journeys."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER
from tests.conftest import postgres_params
from tests.e2e.server import free_port, running

pytestmark = pytest.mark.postgres
PASSWORD = "e2e-admin-password"


def service(tmp_path: Path, schema: str, port: int) -> AbstractContextManager[str]:
    params = postgres_params()
    return running(tmp_path, port=port, AIXIN_DATA_DIR=str(tmp_path / "data"),
                   AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
                   AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
                   AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=schema,
                   AIXIN_PROJECTIONS_IN_PROCESS="true", AIXIN_ADMIN_PASSWORD=PASSWORD,
                   AIXIN_SECRET_KEY="e2e-signing-key-0123456789-0123456789")


@pytest.fixture
def api(tmp_path: Path, postgres_schema: str) -> Iterator[httpx.Client]:
    with service(tmp_path, postgres_schema, free_port()) as url:
        yield authorised(url)


def authorised(url: str) -> httpx.Client:
    token = httpx.post(f"{url}/api/v1/auth/token",
                       data={"username": "admin", "password": PASSWORD}).json()["access_token"]
    return httpx.Client(base_url=f"{url}/api/v1", timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_volunteer_goes_from_application_to_an_ended_pairing(api: httpx.Client) -> None:
    volunteer = ok(api.post("/volunteers", json=VOLUNTEER), 201)
    for level in ("unit", "county", "city", "province"):
        volunteer = ok(api.post(f"/volunteers/{volunteer['id']}/reviews", json={
            "level": level, "decision": "approve", "opinion": "同意", "on": "2026-02-01",
            "signed_by": SIGNERS[level]}))
    assert volunteer["status"] == "approved"
    child = ok(api.post("/children", json=CHILD), 201)
    pairing = ok(api.post("/pairings", json={
        "child_ids": [child["id"]], "volunteer_ids": [volunteer["id"]], "principle": "nearby",
        "agreement_signed_on": "2026-03-25", "starts_on": "2026-04-01"}), 201)
    for day, kind in (("2026-04-03", "phone"), ("2026-04-20", "parent_call"),
                      ("2026-05-06", "home_visit"), ("2026-05-20", "teacher_contact"),
                      ("2026-06-08", "tutoring"), ("2026-06-28", "parent_call")):
        ok(api.post(f"/pairings/{pairing['id']}/contacts",
                    json={"kind": kind, "occurred_on": day, "notes": "记录"}), 201)
    duties = ok(api.get(f"/pairings/{pairing['id']}/duties?on=2026-06-30"))["duties"]
    assert {d["name"]: d["status"] for d in duties}["monthly_contact"] == "met"
    ended = ok(api.post(f"/pairings/{pairing['id']}/end",
                        json={"reason": "孩子随父母迁出", "on": "2026-07-01"}))
    assert (ended["status"], len(ended["contacts"])) == ("ended", 6)


def test_a_child_goes_from_registration_through_a_parent_coming_home_to_exit(
        api: httpx.Client) -> None:
    child = ok(api.post("/children", json=CHILD), 201)
    assert child["left_behind"] is True
    home = ok(api.post(f"/children/{child['id']}/parents/father",
                       json={"status": "home", "on": "2026-05-01", "reason": "返乡"},
                       headers={"If-Match": '"1"'}))
    assert (home["left_behind"], home["version"]) == (False, 2)
    assert ok(api.get("/children?left_behind=true"))["items"] == []
    exited = ok(api.post(f"/children/{child['id']}/exit",
                         json={"reason": "年满十六周岁", "on": "2026-06-01"}))
    assert exited["status"] == "exited"
    assert ok(api.get("/children?status=exited"))["items"][0]["id"] == child["id"]


def test_a_hundred_concurrent_replays_of_one_key_record_one_child(api: httpx.Client) -> None:
    def post(_: int) -> httpx.Response:
        return api.post("/children", json=CHILD, headers={"Idempotency-Key": "same-key"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(100)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    assert len(ok(api.get("/children"))["items"]) == 1


def test_an_idempotency_key_survives_a_restart(tmp_path: Path, postgres_schema: str) -> None:
    port = free_port()
    with service(tmp_path, postgres_schema, port) as url:
        first = authorised(url).post("/children", json=CHILD,
                                     headers={"Idempotency-Key": "before-restart"})
    with service(tmp_path, postgres_schema, port) as url:
        client = authorised(url)
        again = client.post("/children", json=CHILD, headers={"Idempotency-Key": "before-restart"})
        listed = ok(client.get("/children"))["items"]
    assert (again.status_code, again.json()) == (201, first.json())
    assert len(listed) == 1
