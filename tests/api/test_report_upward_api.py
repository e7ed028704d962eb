"""POST /api/v1/reports takes who sends the report upward (报送单位, 填报人, 审核人 with phones,
填报日期), and GET /api/v1/reports/{id} gives them back; the unit defaults to the region's
federation by its name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

REPORT = {"kind": "quarterly", "region_code": "420881", "year": 2026, "quarter": 1}
SENT = {"reporting_unit": "钟祥市妇联儿童工作部", "preparer": "王丽",
        "preparer_phone": "0724-4221234", "reviewer": "张敏", "reviewer_phone": "13800000003",
        "prepared_on": "2026-04-08"}


def submission(client: TestClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/reports", json={**REPORT, **body}, headers=admin)
    assert response.status_code == 202, response.text
    report = client.get(response.json()["url"], headers=admin).json()
    return dict(report["submission"])


def test_the_request_keeps_who_sends_the_report(client: TestClient,
                                                admin: dict[str, str]) -> None:
    assert submission(client, admin, **SENT) == SENT


def test_without_a_unit_the_regions_federation_sends_it_on_the_day_requested(
        client: TestClient, admin: dict[str, str]) -> None:
    sent = submission(client, admin)
    assert (sent["reporting_unit"], sent["preparer"]) == ("钟祥市妇联", "")
    assert sent["prepared_on"] == client.app.state.register.today().isoformat()  # type: ignore[attr-defined]


def test_a_phone_that_is_no_phone_is_422_naming_the_field(client: TestClient,
                                                          admin: dict[str, str]) -> None:
    response = client.post("/api/v1/reports", json={**REPORT, "preparer_phone": "电话"},
                           headers=admin)
    assert response.status_code == 422
    assert "preparer_phone" in response.text
