"""OWASP API6:2023 Unrestricted Access to Sensitive Business Flows.

The flows whose abuse would hurt children are not sales or sign-ups but these:
- harvesting the register: reading many children's records. Lists are scoped to the caller
  (API1) and paged with a maximum (API4); auditors' and federation staff's reads are
  themselves recorded on each child's timeline; reading outside one's scope needs a stated
  reason, lasts a bounded time and is listed for auditors (break-glass, tests/api).
- bulk registration or bulk change by a stolen staff account: writes are limited per
  account (``AIXIN_WRITE_RATE_LIMIT``, below), logins are throttled (API2).
- creating accounts, erasing a child's data, queuing scans: admin only (API5's table).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_PASSWORD, CHILD, login


def test_a_script_registering_children_in_bulk_is_stopped_at_the_write_limit(
        service: Callable[..., AbstractContextManager[TestClient]]) -> None:
    with service(write_rate_limit=5) as client:
        admin = login(client, "admin", ADMIN_PASSWORD)
        statuses = [client.post("/api/v1/children", headers=admin,
                                json={**CHILD, "name": f"孩子{n}"}).status_code
                    for n in range(8)]
        listed = client.get("/api/v1/children", headers=admin).json()["items"]
    assert statuses == [201] * 5 + [429] * 3
    assert len(listed) == 5


def test_a_federation_reading_a_child_is_recorded_on_its_timeline(
        client: TestClient, admin: dict[str, str],
        user: Callable[..., dict[str, str]]) -> None:
    child = client.post("/api/v1/children", json=CHILD, headers=admin).json()
    client.get(f"/api/v1/children/{child['id']}", headers=user("federation",
                                                               region_code="420821"))
    history = client.get(f"/api/v1/children/{child['id']}/history", headers=admin).json()
    assert "RecordWasRead" in {entry["type"] for entry in history["timeline"]}
