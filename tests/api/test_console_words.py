"""Everything a person reads on the console is in Chinese: no register code, no figure's key,
no English word; and every instant is shown in the programme's time, labelled, one way.

The crawl starts at each menu entry, as admin and as an auditor, and follows every link of
the console it finds, with a county in it: a child with a pairing, contacts and a concern, and
a quarterly report produced twice (so it has changes since its first run).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from api.console.labels import summary
from domain.reports import Quarter
from tests.api.conftest import ADMIN_PASSWORD, CHILD, create, login, paired
from tests.api.test_console import console_login, console_user
from tests.foreign_words import foreign_words
from workers.reports.generation import Reporting, produce

_CRAWL_LIMIT = 80


class _Text(HTMLParser):
    """The text a reader sees: the title and the body's text, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]
        for name, value in attrs:  # what a reader is shown of an element
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def crawl(client: TestClient, starts: list[str]) -> Iterator[tuple[str, str]]:
    """(path, visible text) of each console page reachable from ``starts``."""
    seen: set[str] = set()
    queue = list(starts)
    while queue and len(seen) < _CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page = _read(response.text)
        yield path, " ".join(page.parts)
        for link in page.links:
            target = urlsplit(urljoin(path, link))
            if target.path.startswith("/console") and "/files/" not in target.path \
                    and target.path != "/console/logout":
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


@pytest.fixture
def county(client: TestClient, admin: dict[str, str]) -> str:
    """A child paired, contacted and with a concern; the report of 2026 Q1 produced twice, a
    late contact recorded between the two runs; returns the report's id."""
    child_id, _, pairing_id = paired(client, admin)
    create(client, f"/api/v1/children/{child_id}/concerns", {
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-03-12"}, admin)
    contact = {"kind": "activity", "occurred_on": "2026-03-20", "child_ids": [child_id],
               "duration_minutes": 60}
    ids = []
    for _ in range(2):
        response = client.post("/api/v1/reports", headers=admin, json={
            "kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1})
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])
        state = client.app.state  # type: ignore[attr-defined]
        produce(Reporting(state.register, state.views, state.reports), UUID(ids[-1]))
        state.views.catch_up_all()
        create(client, f"/api/v1/pairings/{pairing_id}/contacts", contact, admin)
    return ids[-1]


def _starts(report_id: str, child_id: str = "") -> list[str]:
    """The menu's pages, the report's, and (given a child) the child's page as of a past day,
    as known then and as known now."""
    past = [f"/console/children/{child_id}?as_of=2026-03-15&known={known}"
            for known in ("then", "now")] if child_id else []
    return ["/console/children", "/console/volunteers", "/console/reports",
            f"/console/reports/{report_id}", "/console/audit", "/console/audit/verify",
            "/console/dashboard", "/console/work", "/console/pairings", "/console/concerns",
            *past]


def _child(client: TestClient, admin: dict[str, str]) -> str:
    return str(client.get("/api/v1/children", headers=admin).json()["items"][0]["id"])


def test_the_admins_pages_show_no_key_and_no_english_word(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    console_login(client)
    found = {path: words for path, text in crawl(client, _starts(county, _child(client, admin)))
             if (words := foreign_words(text, {"admin"}))}
    assert found == {}, "\n".join(f"{path}: {words}" for path, words in found.items())


def test_an_auditors_pages_show_no_key_and_no_english_word(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    auditor = console_user(client, admin, "auditor")
    console_login(client, auditor, "password-123")
    found = {path: words for path, text in crawl(client, _starts(county, _child(client, admin)))
             if (words := foreign_words(text, {auditor}))}
    assert found == {}, "\n".join(f"{path}: {words}" for path, words in found.items())


_TIME = re.compile(r"\d{1,2}:\d{2}")
_LABELLED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）")


def test_every_time_on_the_pages_is_written_one_way_and_labelled_beijing_time(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    console_login(client)
    found = {path: unlabelled for path, text in crawl(client, _starts(county))
             if (unlabelled := [text[max(0, m.start() - 12):m.end() + 7]
                                for m in _TIME.finditer(text)
                                if not any(w.start() <= m.start() < w.end()
                                           for w in _LABELLED.finditer(text))])}
    assert found == {}, "\n".join(f"{path}: {times}" for path, times in found.items())


def test_the_reports_instant_is_shown_in_beijing_time(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    known_at = client.get(f"/api/v1/reports/{county}", headers=admin).json()["known_at"]
    beijing = datetime.fromisoformat(known_at).astimezone(ZoneInfo("Asia/Shanghai"))
    console_login(client)
    page = client.get(f"/console/reports/{county}").text
    assert f"数据截至 {beijing:%Y-%m-%d %H:%M}（北京时间）" in page


def test_a_report_of_the_quarter_in_progress_says_it_has_not_ended_and_counts_to_today(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    quarter = Quarter.of(today)
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420821", "year": quarter.year,
        "quarter": quarter.number})
    assert response.status_code == 202, response.text
    state = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(response.json()["id"]))
    console_login(client)
    text = " ".join(_read(client.get(f"/console/reports/{response.json()['id']}").text).parts)
    assert "季度未结束" in text
    assert f"统计期：{quarter.start} 至 {today}" in text
    assert "季度末" not in text and f"截至{today}在结对（对）" in text


def test_a_report_of_a_quarter_not_begun_is_refused_in_chinese_keeping_the_form(
        client: TestClient, admin: dict[str, str]) -> None:
    csrf = console_login(client)
    next_year = str(datetime.now(ZoneInfo("Asia/Shanghai")).year + 1)
    response = client.post("/console/reports", data={
        "region_code": "420821", "year": next_year, "quarter": "2", "csrf": csrf})
    text = " ".join(_read(response.text).parts)
    assert (response.status_code, f"{next_year} 年第 2 季度尚未开始" in text) == (422, True)
    assert foreign_words(text, {"admin"}) == []
    assert f'name="year" value="{next_year}"' in response.text


def test_the_api_refuses_a_quarter_not_begun_in_chinese(
        client: TestClient, admin: dict[str, str]) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420821", "year": today.year + 1, "quarter": 2})
    assert (response.status_code, response.json()["detail"][0]["msg"]) == (
        422, f"quarter: {today.year + 1} 年第 2 季度尚未开始（今天是 {today}），"
        "只能生成已开始的季度的报表")


def test_the_reports_page_names_its_region_and_charts_its_townships_by_name(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin, region_code="420881101")
    named = client.post("/api/v1/places", headers=admin, json={
        "places": [{"code": "420881101", "name": "郢中街道"}]})
    assert named.status_code == 200, named.text
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420881", "year": 2026, "quarter": 1})
    state = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(response.json()["id"]))
    state.views.catch_up_all()
    console_login(client)
    page = client.get(f"/console/reports/{response.json()['id']}").text
    assert "<h1>钟祥市（420881）" in page
    assert re.search(r'<text[^>]*class="chart-label"[^>]*>郢中街道</text>', page), page


def test_the_tamper_check_names_what_was_changed_in_chinese(
        client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    state = client.app.state  # type: ignore[attr-defined]
    assert state.views.wait_for(state.register.recorder.max_notification_id() or 0, timeout=10)
    with sqlite3.connect(tmp_path / "var" / "aixin.sqlite3") as database:
        database.execute("UPDATE stored_events SET state = zeroblob(length(state))"
                         " WHERE originator_id = ? AND originator_version = 1",
                         (child["id"].replace("-", ""),))
    console_login(client)
    text = " ".join(_read(client.get("/console/audit/verify").text).parts)
    assert "被改动" in text
    assert foreign_words(text, {"admin"}) == []


def test_a_reminders_channel_is_named_in_chinese_on_a_timeline() -> None:
    assert summary({"channel": "email", "attempt": 2}) == "电子邮件 第 2 次"


def test_a_programme_in_another_zone_shows_its_times_there_labelled_by_the_zone(
        tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        secret_key="a-test-signing-key-of-enough-length-0123456789",  # type: ignore[arg-type]
                        password_hashing="cheapest", timezone="Europe/London")
    with TestClient(create_app(settings)) as client:
        admin = login(client, "admin", ADMIN_PASSWORD)
        child_id = create(client, "/api/v1/children", {**CHILD, "registered_on": "2026-03-02"},
                          admin)["id"]
        recorded = client.get(f"/api/v1/children/{child_id}/history",
                              headers=admin).json()["timeline"][0]["recorded_at"]
        london = datetime.fromisoformat(recorded).astimezone(ZoneInfo("Europe/London"))
        console_login(client)
        timeline = client.get(f"/console/children/{child_id}").text.split('id="timeline"')[1]
    assert f"{london:%Y-%m-%d %H:%M}（Europe/London）" in timeline
    assert "北京时间" not in timeline
