"""POST /children/{id}/erasure: a child's personal data erased by destroying its key (admin).

Afterwards no personal field of the child is readable anywhere: the API, the register, the
replayed idempotency responses, the files of the embedded store and the logs; the counts,
the structure and the hash chain still add up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from domain.personal import ERASED
from tests.api.conftest import ADMIN_PASSWORD, CHILD, create, login

REASON = {"reason": "监护人撤回同意，依法删除"}
SECRETS = ("王小花", "420821201605200027", "13800000001", "张桂兰", "13900000003")


def _child(client: TestClient, admin: dict[str, str], **headers: str) -> dict[str, Any]:
    return create(client, "/api/v1/children", {**CHILD, "id_number": SECRETS[1]},
                  {**admin, **headers})


def _erase(client: TestClient, admin: dict[str, str], child_id: str) -> Any:
    return client.post(f"/api/v1/children/{child_id}/erasure", json=REASON, headers=admin)


def test_after_erasure_every_personal_field_of_the_child_reads_as_erased(
        client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin)
    assert _erase(client, admin, child["id"]).status_code == 200

    record = client.get(f"/api/v1/children/{child['id']}", headers=admin).json()
    assert record["name"] == record["id_number"] == ERASED
    assert {p["name"] for p in record["parents"]} == {ERASED}
    assert {p["phone"] for p in record["parents"]} == {ERASED}
    assert record["guardian"]["name"] == record["guardian"]["phone"] == ERASED
    assert record["consent"]["by"] == ERASED


def test_the_erased_child_still_counts_on_the_register_with_its_structure(
        client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin)
    before = client.get("/api/v1/children?left_behind=true", headers=admin).json()["items"]
    _erase(client, admin, child["id"])

    after = client.get("/api/v1/children?left_behind=true", headers=admin).json()["items"]
    assert [row["id"] for row in after] == [row["id"] for row in before] == [child["id"]]
    assert after[0]["name"] == ERASED
    assert (after[0]["sex"], after[0]["school"]) == ("female", CHILD["school"])


def test_the_history_replays_the_child_as_erased(client: TestClient,
                                                 admin: dict[str, str]) -> None:
    child = _child(client, admin)
    _erase(client, admin, child["id"])

    history = client.get(f"/api/v1/children/{child['id']}/history", headers=admin).json()
    assert history["state"]["name"] == ERASED
    assert history["timeline"]


def test_the_erasure_and_its_legal_ground_stand_on_the_childs_timeline(
        client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin)
    _erase(client, admin, child["id"])

    history = client.get(f"/api/v1/children/{child['id']}/history", headers=admin).json()
    erasures = [entry for entry in history["timeline"] if entry["type"] == "ChildErased"]
    assert len(erasures) == 1
    assert erasures[0]["details"]["reason"]


def test_an_erasure_leaves_the_hash_chain_intact(client: TestClient,
                                                 admin: dict[str, str]) -> None:
    child = _child(client, admin)
    _erase(client, admin, child["id"])

    assert client.get("/api/v1/audit/verify", headers=admin).json()["intact"] is True


def test_a_replayed_response_no_longer_shows_the_childs_personal_data(
        client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin, **{"Idempotency-Key": "register-wang"})
    _erase(client, admin, child["id"])

    replay = client.post("/api/v1/children", json={**CHILD, "id_number": SECRETS[1]},
                         headers={**admin, "Idempotency-Key": "register-wang"})
    assert replay.status_code == 201
    assert replay.json()["id"] == child["id"]
    assert replay.json()["name"] == ERASED
    assert not any(secret in replay.text for secret in SECRETS)


def test_erasing_twice_records_once(client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin)
    first = _erase(client, admin, child["id"]).json()

    second = _erase(client, admin, child["id"])
    assert second.status_code == 200
    assert (first["recorded"], second.json()["recorded"]) == (True, False)
    assert second.json()["version"] == first["version"] == child["version"] + 1


def test_an_erasure_without_a_reason_is_422_and_erases_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    child = _child(client, admin)

    response = client.post(f"/api/v1/children/{child['id']}/erasure", json={}, headers=admin)
    assert response.status_code == 422
    assert "reason" in response.text
    assert client.get(f"/api/v1/children/{child['id']}", headers=admin).json()["name"] == "王小花"


@pytest.mark.parametrize("role", ["federation", "school", "auditor"])
def test_only_an_administrator_erases(client: TestClient, admin: dict[str, str],
                                      user: Callable[..., dict[str, str]], role: str) -> None:
    child = _child(client, admin)
    caller = user(role, region_code="420821", school=CHILD["school"])

    assert _erase(client, caller, child["id"]).status_code == 403
    assert client.get(f"/api/v1/children/{child['id']}", headers=admin).json()["name"] == "王小花"


def test_erasing_an_unknown_child_is_404(client: TestClient, admin: dict[str, str]) -> None:
    response = _erase(client, admin, "00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_the_erased_record_takes_no_new_facts(client: TestClient,
                                              admin: dict[str, str]) -> None:
    child = _child(client, admin)
    _erase(client, admin, child["id"])

    response = client.post(f"/api/v1/children/{child['id']}/profile",
                           json={"health": "良好"}, headers=admin)
    assert response.status_code == 409
    assert response.json()["rule"] == "personal_data_erased"


def test_no_file_of_the_embedded_store_nor_the_logs_hold_the_childs_data_after_erasure(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(data_dir=tmp_path / "own", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        projections_poll_interval=0.02)
    with TestClient(create_app(settings)) as client:  # the stores close on leaving
        admin = login(client, "admin", ADMIN_PASSWORD)
        child = _child(client, admin, **{"Idempotency-Key": "register-wang"})
        client.post(f"/api/v1/children/{child['id']}/concerns", headers=admin,
                    json={"kind": "absence", "description": "王小花连续三天未到校"})
        client.get(f"/api/v1/children/{child['id']}/history", headers=admin)
        _erase(client, admin, child["id"])
        _assert_no_file_holds_the_childs_data(tmp_path / "own")  # the service still running

    _assert_no_file_holds_the_childs_data(tmp_path / "own")
    assert not [s for s in SECRETS if s in caplog.text]


def _assert_no_file_holds_the_childs_data(folder: Path) -> None:
    """Every file of the data folder, write-ahead logs included, read as bytes."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert {"aixin.sqlite3", "keys.sqlite3", "idempotency.sqlite3"} <= {p.name for p in files}
    for path in files:
        content = path.read_bytes()
        assert not [s for s in SECRETS if s.encode() in content], path
