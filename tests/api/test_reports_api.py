"""/reports: the quarterly report requested, followed and downloaded, each caller in scope.

The report is produced by the background workers (tests/workers/test_reports_celery.py); here it
is produced in process on the service's own register, read side and report store.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from aixin.settings import Settings
from api.app import create_app
from tests.api.conftest import ADMIN_PASSWORD, login, paired
from tests.e2e.server import free_port
from workers.reports.generation import Reporting, produce

Q1 = {"kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1}
STEM = "420821-2026Q1"


def requested(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/reports", headers=headers, json={**Q1, **body})
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


def produced(client: TestClient, report_id: str) -> None:
    """Produce the report in process, as a worker would, and let the registers catch up."""
    state: Any = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(report_id))
    state.views.catch_up_all()


def read(client: TestClient, headers: dict[str, str], report_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_requested_report_is_accepted_and_queued(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/reports", headers=admin, json=Q1)
    body = response.json()
    assert (response.status_code, body["status"], body["dispatched"]) == (202, "queued", True)
    assert response.headers["Location"] == body["url"] == f"/api/v1/reports/{body['id']}"


def test_a_queued_report_has_no_figures_yet(client: TestClient, admin: dict[str, str]) -> None:
    report = read(client, admin, requested(client, admin)["id"])
    assert (report["status"], report["figures"], report["files"]) == ("queued", None, [])


def test_known_at_defaults_to_the_moment_of_the_request(
        client: TestClient, admin: dict[str, str]) -> None:
    before = datetime.now(UTC)
    known_at = datetime.fromisoformat(requested(client, admin)["known_at"])
    assert before <= known_at <= datetime.now(UTC)


def test_a_produced_report_gives_its_figures_position_and_files(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    report = read(client, admin, report_id)
    totals = report["figures"]["totals"]
    assert (report["status"], totals["left_behind"], totals["pairings_active"],
            totals["pairing_coverage"], totals["volunteers_approved"]) == ("done", 1, 1, 1.0, 1)
    assert report["position"] > 0
    assert sorted(f["name"] for f in report["files"]) == [
        f"{STEM}.docx", f"{STEM}.json", f"{STEM}.xlsx"]


def test_the_workbook_downloads_with_its_content_type_and_opens(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    response = client.get(f"/api/v1/reports/{report_id}/files/{STEM}.xlsx", headers=admin)
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(response.content)).sheetnames


def test_the_narrative_downloads_with_its_content_type_and_opens(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    response = client.get(f"/api/v1/reports/{report_id}/files/{STEM}.docx", headers=admin)
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "留守儿童" in "".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_the_json_file_is_the_figures_whose_digest_is_on_record(
        client: TestClient, admin: dict[str, str]) -> None:
    import hashlib

    paired(client, admin)
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    content = client.get(f"/api/v1/reports/{report_id}/files/{STEM}.json", headers=admin).content
    report = read(client, admin, report_id)
    assert hashlib.sha256(content).hexdigest() == report["figures_sha256"]


def test_a_file_the_report_does_not_have_is_404(
        client: TestClient, admin: dict[str, str]) -> None:
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    response = client.get(f"/api/v1/reports/{report_id}/files/other.xlsx", headers=admin)
    assert response.status_code == 404


def test_known_at_in_the_future_is_422(client: TestClient, admin: dict[str, str]) -> None:
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = client.post("/api/v1/reports", headers=admin, json={**Q1, "known_at": later})
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["body", "known_at"])


def test_known_at_without_its_offset_is_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/reports", headers=admin,
                           json={**Q1, "known_at": "2026-06-01T12:00:00"})
    assert response.status_code == 422


def test_federation_staff_request_and_read_reports_of_their_region(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    staff = user("federation", region_code="4208")
    report_id = requested(client, staff)["id"]
    assert read(client, staff, report_id)["requested_by"]["role"] == "federation"


def test_federation_staff_may_not_request_a_report_beyond_their_region(
        client: TestClient, user: Callable[..., dict[str, str]]) -> None:
    staff = user("federation", region_code="420821")
    response = client.post("/api/v1/reports", headers=staff, json={**Q1, "region_code": "4208"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("只能申请本辖区的报表（")


def test_a_report_beyond_federation_staffs_region_is_404_to_them(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    report_id = requested(client, admin)["id"]
    produced(client, report_id)
    other = user("federation", region_code="420822")
    assert client.get(f"/api/v1/reports/{report_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/reports/{report_id}/files/{STEM}.xlsx",
                      headers=other).status_code == 404


def test_an_auditor_reads_every_report(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    report_id = requested(client, admin)["id"]
    assert read(client, user("auditor"), report_id)["id"] == report_id


def test_schools_and_volunteers_may_not_request_or_read_reports(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    report_id = requested(client, admin)["id"]
    for caller in (user("school", school="石牌镇中心小学", region_code="420821101"),
                   user("volunteer", volunteer_id=volunteer_id)):
        assert [client.post("/api/v1/reports", headers=caller, json=Q1).status_code,
                client.get(f"/api/v1/reports/{report_id}", headers=caller).status_code,
                client.get("/api/v1/reports", headers=caller).status_code] == [403, 403, 403]


def test_reports_are_listed_by_quarter_and_paged(
        client: TestClient, admin: dict[str, str]) -> None:
    first, second = requested(client, admin)["id"], requested(client, admin)["id"]
    requested(client, admin, quarter=2)
    client.app.state.views.catch_up_all()  # type: ignore[attr-defined]
    page = client.get("/api/v1/reports", headers=admin,
                      params={"quarter": 1, "limit": 1}).json()
    rest = client.get("/api/v1/reports", headers=admin,
                      params={"quarter": 1, "after": page["next"]}).json()
    assert [r["id"] for r in page["items"] + rest["items"]] == [first, second]


def test_federation_staff_list_only_reports_within_their_region(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    requested(client, admin)
    mine = requested(client, admin, region_code="420822")["id"]
    client.app.state.views.catch_up_all()  # type: ignore[attr-defined]
    staff = user("federation", region_code="420822")
    listed = client.get("/api/v1/reports", headers=staff).json()["items"]
    assert [r["id"] for r in listed] == [mine]


def test_with_the_broker_down_a_report_is_still_recorded_to_be_queued_later(
        tmp_path: Path) -> None:
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings = Settings(data_dir=tmp_path / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        redis_url=nobody_listens, projections_poll_interval=0.02)
    with TestClient(create_app(settings)) as client:
        admin = login(client, "admin", ADMIN_PASSWORD)
        response = client.post("/api/v1/reports", headers=admin, json=Q1)
        report = read(client, admin, response.json()["id"])
    assert (response.status_code, response.json()["dispatched"], report["status"]) == (
        202, False, "queued")
