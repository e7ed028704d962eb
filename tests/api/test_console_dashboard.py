"""The staff's dashboard (工作概览) over HTTP: a small county's figures by township, named,
within the caller's scope; the landing page of those who keep the registers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.console.dashboard import within
from api.console.session import Refused
from api.security import Principal
from domain.reports import Quarter
from domain.users import Role, Scope
from projections.dashboard import Within
from tests.api.conftest import CHILD, create, paired
from tests.api.test_console import console_login, console_user

SHIPAI, JIUKOU = "420881108", "420881109"


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def county(client: TestClient, admin: dict[str, str]) -> str:
    """石牌镇: two left-behind children, one paired with two contacts (today and a month
    back); 旧口镇: one left-behind child, not paired. Returns the paired child's id."""
    client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": SHIPAI, "name": "石牌镇"}, {"code": JIUKOU, "name": "旧口镇"}]})
    child_id, _, pairing_id = paired(client, admin, region_code=SHIPAI)
    create(client, "/api/v1/children", {**CHILD, "name": "李小军", "region_code": SHIPAI}, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "赵小梅", "region_code": JIUKOU}, admin)
    for day in (today(), today() - timedelta(days=31)):
        create(client, f"/api/v1/pairings/{pairing_id}/contacts",
               {"kind": "phone", "occurred_on": day.isoformat(), "notes": ""}, admin)
    return child_id


def rows_of(page: str, chart: str = "各乡镇结对覆盖率") -> dict[str, str]:
    """Each row's label and value in the chart whose title starts with ``chart``."""
    drawn = re.search(f'aria-label="{chart}.*?</svg>', page, re.S)
    assert drawn is not None, f"no chart {chart}"
    return dict(re.findall(
        r'class="chart-label"[^>]*>([^<]+)</text>(?:<rect[^>]*/>)*<text x="100%"[^>]*>([^<]+)<',
        drawn[0]))


def test_staff_land_on_the_dashboard(client: TestClient) -> None:
    console_login(client)
    assert client.get("/console", follow_redirects=False).headers["location"] == (
        "/console/dashboard")


def test_coverage_by_township_is_named_and_counted(client: TestClient, county: str) -> None:
    console_login(client)
    page = client.get("/console/dashboard").text
    assert rows_of(page)["石牌镇"] == "50% 1/2"
    assert rows_of(page)["旧口镇"] == "0% 0/1"


def test_the_tiles_count_left_behind_paired_and_overdue(client: TestClient,
                                                       county: str) -> None:
    console_login(client)
    page = client.get("/console/dashboard").text
    tiles = re.findall(r'dash-label">([^<]+)</span>\s*<span class="dash-figure">(\d+)</span>'
                       r'\s*<span class="dash-note">([^<]+)</span>', page)
    assert tiles[0] == ("留守儿童", "3", "已结对 1（33%）")
    assert tiles[1][0] == "逾期帮扶职责" and int(tiles[1][1]) > 0
    assert tiles[1][2] == "涉及儿童 1 名"


def test_contacts_are_counted_in_the_month_they_happened(client: TestClient,
                                                       county: str) -> None:
    console_login(client)
    page = client.get("/console/dashboard").text
    rows = rows_of(page, "近 12 个月联系次数")
    counted = {int(re.search(r"(\d+)月", month)[1]): int(count)  # type: ignore[index]
               for month, count in rows.items()}
    earlier = today() - timedelta(days=31)
    assert len(counted) == 12
    assert counted[today().month] == 1 and counted[earlier.month] == 1
    assert sum(counted.values()) == 2


def test_federation_staff_see_only_their_townships(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    name = console_user(client, admin, "federation", region_code=JIUKOU)
    console_login(client, name, "password-123")
    page = client.get("/console/dashboard").text
    assert "石牌镇" not in page.split("<main")[1] and "各村（社区）结对覆盖率" in page


def test_a_volunteer_is_refused_the_dashboard(client: TestClient, admin: dict[str, str],
                                              county: str) -> None:
    volunteer_id = client.get("/api/v1/volunteers", headers=admin).json()["items"][0]["id"]
    name = console_user(client, admin, "volunteer", volunteer_id=volunteer_id)
    console_login(client, name, "password-123")
    assert client.get("/console/dashboard").status_code == 403


def test_overdue_duties_are_drawn_by_township_apart_from_those_not_yet_due(
        client: TestClient, county: str) -> None:
    console_login(client)
    page = client.get("/console/dashboard").text
    duties = rows_of(page, "各乡镇帮扶职责")
    assert list(duties) == ["石牌镇"]  # 旧口镇's child is in no pairing: nothing owed
    assert re.fullmatch(r"逾期 [1-9]\d* / \d+", duties["石牌镇"])
    assert 'class="chart-bar overdue"' in page
    assert "未到期（本期待完成）" in page and "已逾期" in page  # the legend


def test_this_quarters_contacts_are_set_against_the_same_days_of_the_last(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    """Besides the county's two contacts (today, a month back): one on the last quarter's
    first day (within its same days) and one on the day after its same days (not)."""
    this, last = Quarter.of(today()), Quarter.before(today())
    same_days_end = last.start + (today() - this.start)
    pairing_id = client.get("/api/v1/pairings", headers=admin).json()["items"][0]["id"]
    for day in (last.start, same_days_end + timedelta(days=1)):
        create(client, f"/api/v1/pairings/{pairing_id}/contacts",
               {"kind": "phone", "occurred_on": day.isoformat(), "notes": ""}, admin)
    console_login(client)
    page = client.get("/console/dashboard").text
    row = re.search(r"<td>联系次数</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", page)
    assert row is not None
    this_quarter = sum(day >= this.start for day in (today(), today() - timedelta(days=31),
                                                     same_days_end + timedelta(days=1)))
    assert (int(row[1]), int(row[2])) == (1, this_quarter)


def test_the_callers_area_is_named_at_the_top(
        client: TestClient, admin: dict[str, str], county: str) -> None:
    name = console_user(client, admin, "federation", region_code=JIUKOU)
    console_login(client, name, "password-123")
    scope = re.search(r'<p class="muted dash-scope">\s*([^<·]+)', client.get(
        "/console/dashboard").text)
    assert scope is not None and scope[1].strip() == "湖北省荆门市钟祥市旧口镇"


def test_a_school_account_without_its_place_is_shown_no_figures() -> None:
    old = Principal(uuid4(), "old-school", Scope(Role.SCHOOL, school="石牌镇中心小学"))
    with pytest.raises(Refused) as refused:
        within(old)
    assert refused.value.status == 403 and "所属地区" in refused.value.message


def test_a_school_counts_only_its_own_school_where_it_is() -> None:
    school = Principal(uuid4(), "shipai", Scope(Role.SCHOOL, region_code=SHIPAI,
                                                   school="石牌镇中心小学"))
    assert within(school) == Within(region_code=SHIPAI, school="石牌镇中心小学")
