"""No personal data in logs: lines carry ids (and digests), never names, phones, ID numbers.

Registration, a contact, a concern, a failed login, a refused (422) registration and a
rule broken (409) are driven through the API, in process with every logger at DEBUG, and
through a real ``aixin serve`` whose standard error is read: the child's name, the parents'
and guardian's names and phones and the child's ID number appear in none of it, and the
service's lines are JSON objects with an ``event``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from aixin.logs import JsonFormatter, redact
from tests.api.conftest import ADMIN_PASSWORD, CHILD, SIGNERS, VOLUNTEER
from tests.e2e.server import AIXIN, free_port

ID_NUMBER = "420821201605200027"
RECORD = {**CHILD, "name": "欧阳翠花", "id_number": ID_NUMBER,
          "address": "湖北省钟祥市石牌镇彭墩村三组"}
PERSONAL = ["欧阳翠花", ID_NUMBER, "王建国", "李秀英", "张桂兰", "13800000001", "13800000002",
            "13900000003", "彭墩村", "刘爱华", "13700000004"]


def drive(base: Any) -> None:
    """The flows that touch personal data, on a client with ``post``/``get`` (in-process or
    over HTTP): login (wrong, then right), register, refused register, pairing, contact,
    concern, and a contact on an ended pairing (409)."""
    assert base.post("/api/v1/auth/token", data={"username": "欧阳翠花",
                                                 "password": "13800000001"}).status_code == 401
    token = base.post("/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    child = base.post("/api/v1/children", json=RECORD, headers=admin).json()
    refused = base.post("/api/v1/children", json={**RECORD, "birth_date": "2099-01-01"},
                        headers=admin)
    assert refused.status_code == 422
    volunteer = base.post("/api/v1/volunteers", json=VOLUNTEER, headers=admin).json()
    for level in ("unit", "county", "city", "province"):
        base.post(f"/api/v1/volunteers/{volunteer['id']}/reviews", headers=admin,
                  json={"level": level, "decision": "approve", "opinion": "同意",
                        "on": "2026-02-01", "signed_by": SIGNERS[level]})
    pairing = base.post("/api/v1/pairings", headers=admin, json={
        "child_ids": [child["id"]], "volunteer_ids": [volunteer["id"]], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"}).json()
    contact = {"kind": "phone", "occurred_on": "2026-04-02",
               "notes": "与欧阳翠花通话，其祖母张桂兰电话13900000003"}
    assert base.post(f"/api/v1/pairings/{pairing['id']}/contacts", json=contact,
                     headers=admin).status_code == 201
    base.post(f"/api/v1/children/{child['id']}/concerns", headers=admin,
              json={"kind": "illness", "description": "欧阳翠花发烧"})
    base.post(f"/api/v1/pairings/{pairing['id']}/end", headers=admin, json={"reason": "调整"})
    assert base.post(f"/api/v1/pairings/{pairing['id']}/contacts", json=contact,
                     headers=admin).status_code == 409


def found(text: str) -> list[str]:
    return [value for value in PERSONAL if value in text]


def test_the_api_logs_no_personal_data(client: TestClient,
                                       caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        drive(client)
    formatter = JsonFormatter()
    lines = [record.getMessage() for record in caplog.records]
    lines += [formatter.format(record) for record in caplog.records]
    assert found("\n".join(lines)) == []


def test_a_failed_login_is_logged_with_digests_and_no_password(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.routes.auth"):
        client.post("/api/v1/auth/token", data={"username": "admin", "password": "guess-123"})
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "login_failed"]
    line = json.loads(JsonFormatter().format(record))
    assert line["user_id"] and len(line["username_digest"]) == 16
    assert "guess-123" not in json.dumps(line) and '"admin"' not in json.dumps(line)


def test_phone_and_id_numbers_are_masked_in_any_line() -> None:
    line = redact("祖母电话13900000003, ID 420821201605200027 (reminder 1380000000123)")
    assert line == "祖母电话[redacted], ID [redacted] (reminder 1380000000123)"


def test_a_line_carries_the_event_and_the_ids_given() -> None:
    record = logging.LogRecord("api.routes.auth", logging.INFO, "", 0, "login", (), None)
    record.event, record.user_id = "login", "0d5e"
    assert json.loads(JsonFormatter().format(record)) | {"time": ""} == {
        "time": "", "level": "info", "logger": "api.routes.auth", "event": "login",
        "message": "login", "user_id": "0d5e"}


def test_the_served_process_writes_json_lines_without_personal_data(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIXIN_")}
    env.update(AIXIN_PORT=str(port), AIXIN_DATA_DIR=str(tmp_path / "data"),
               AIXIN_ADMIN_PASSWORD=ADMIN_PASSWORD)
    with (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen([str(AIXIN), "serve", "--no-worker"], env=env, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as base:
            _wait_until_up(base, process)
            drive(base)
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = (tmp_path / "stderr").read_text().splitlines()
    events = [json.loads(line)["event"] for line in lines]  # every line is JSON
    assert "login_failed" in events and "access" in events
    assert found("\n".join(lines)) == []


def _wait_until_up(base: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            base.get("/health")
            return
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "no service"
            time.sleep(0.1)
