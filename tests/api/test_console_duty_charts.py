"""A duty not yet due is drawn apart from an overdue one, wherever duties are charted: on a
volunteer's page, a new pairing's duties of this month are open (blue), not failed (red)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create
from tests.api.test_console import console_login


def test_a_new_pairings_duties_are_drawn_open_not_overdue(
        client: TestClient, admin: dict[str, str]) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    volunteer_id = approved_volunteer(client, admin)
    create(client, "/api/v1/pairings", {
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": today, "starts_on": today}, admin)
    console_login(client)
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    drawn = re.search(r'aria-label="各项职责完成情况.*?</figure>', page, re.S)
    assert drawn is not None
    bars = re.findall(r'class="chart-bar (\w+)" fill="(#[0-9a-f]{6})"', drawn[0])
    assert bars and set(bars) == {("due", "#2563eb")}  # blue, none in the overdue red
    assert ('<i class="chart-swatch due" style="background:#2563eb"></i>未到期（本期待完成）'
            in drawn[0])
