"""A child's page in the console: its timeline shows what happened to the child by the day it
happened, the reads of the record summed up in one line, and a day the record cannot be shown
on shows only why."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import create
from tests.api.test_console import console_login, console_user

_DAYS = re.compile(r'<td data-label="发生日期">(\d{4}-\d\d-\d\d)<small class="recorded">录入 ')


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def _timeline(page: str) -> str:
    return page[page.index('id="timeline"'):]


def _concern(client: TestClient, admin: dict[str, str], child_id: str, day: str) -> None:
    create(client, f"/api/v1/children/{child_id}/concerns", {
        "kind": "absence", "description": "未到校", "occurred_on": day}, admin)


def test_the_reads_of_the_record_are_summed_up_in_one_line_not_listed(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client, console_user(client, admin, "federation", region_code="4208"),
                  "password-123")
    for _ in range(3):
        client.get(f"/console/children/{child_id}")
    timeline = _timeline(client.get(f"/console/children/{child_id}").text)
    assert re.search(r'id="reads">被查阅 \d+ 次，最近 \d{4}-\d\d-\d\d \d\d:\d\d', timeline)
    assert "查阅档案" not in timeline
    assert "儿童建档" in timeline


def test_an_auditor_is_led_from_the_reads_to_the_access_log(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client, console_user(client, admin, "auditor"), "password-123")
    client.get(f"/console/children/{child_id}")
    timeline = _timeline(client.get(f"/console/children/{child_id}").text)
    assert re.search(r'见<a href="/console/audit\?from=\d{4}-\d\d-\d\d&amp;to=', timeline)


def test_the_timeline_is_ordered_by_the_day_things_happened_newest_first(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    _concern(client, admin, child_id, "2026-06-02")
    _concern(client, admin, child_id, "2026-04-01")  # recorded later, happened earlier
    console_login(client)
    days = _DAYS.findall(client.get(f"/console/children/{child_id}").text)
    assert days == ["2026-06-02", "2026-04-01", "2026-03-02"]


def test_each_entry_says_when_it_was_recorded_in_the_programmes_time(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client)
    timeline = _timeline(client.get(f"/console/children/{child_id}").text)
    assert re.search(r'<small class="recorded">录入 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）</small>',
                     timeline)


def test_a_day_before_the_registration_shows_only_that_the_record_did_not_exist_then(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client)
    page = client.get(f"/console/children/{child_id}?as_of=1990-01-01").text
    assert "1990-01-01 时该儿童尚未建档" in page
    assert f'href="/console/children/{child_id}?as_of=2026-03-02"' in page
    assert "出生日期" not in page and 'id="timeline"' not in page and "岁" not in page


def test_a_future_day_shows_only_the_refusal_and_the_date_to_choose_another(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client)
    page = client.get(f"/console/children/{child_id}?as_of=2030-01-01").text
    assert "历史回溯不能选择未来的日期" in page and 'id="as-of-date"' in page
    assert "出生日期" not in page and "2030-01-01 当日的档案" not in page
