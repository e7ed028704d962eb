"""The work-lists in the console (待办清单): each lists the right child with its reason,
within the caller's region, each item linked to its record."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from api.console.work_items import PAGE
from api.console.work_reminders import NOT_SENT
from tests.api.conftest import CHILD, VOLUNTEER, approved_volunteer, create, paired
from tests.api.test_console import console_login, console_user
from tests.api.test_console_volunteer_forms import clerk
from tests.api.test_reminders_api import scanned

Headers = dict[str, str]


def section(page: str, name: str) -> str:
    """The part of the page in the section ``name``."""
    return page.split(f'id="{name}"')[1].split("</section>")[0]


def named(client: TestClient, admin: Headers) -> None:
    """The register of places names the two townships the tests' children live in."""
    places = [{"code": "420821101", "name": "石牌镇"}, {"code": "420821102", "name": "胡集镇"}]
    assert client.post("/api/v1/places", json={"places": places}, headers=admin).is_success


def today() -> date:
    """The programme's today (China time), as the service counts it."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def sixteen_in(days: int) -> str:
    """The birth date of a child who turns 16 in ``days`` days."""
    birthday = today() + timedelta(days=days)
    return birthday.replace(year=birthday.year - 16).isoformat()


def test_an_unpaired_left_behind_child_is_listed_with_why(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    console_login(client)
    unpaired = section(client.get("/console/work").text, "unpaired")
    assert f'href="/console/children/{child_id}">王小花</a>' in unpaired
    assert "未结对（2026-03-02 登记）" in unpaired


def test_a_paired_child_and_one_whose_parents_are_home_are_not_on_the_unpaired_list(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "张强", "parents": [
        {**CHILD["parents"][0], "status": "home"}, {**CHILD["parents"][1], "status": "home"}]},
        admin)
    console_login(client)
    assert "没有未结对的留守儿童" in section(client.get("/console/work").text, "unpaired")


def test_an_overdue_duty_names_who_owes_it_what_to_which_child_and_since_when(
        client: TestClient, admin: Headers) -> None:
    child_id, volunteer_id, _ = paired(client, admin)  # from 2026-03-10, no contact since
    console_login(client)
    overdue = section(client.get("/console/work").text, "overdue")
    item = next(li for li in overdue.split("<li>") if "每月至少联系一次孩子" in li)
    assert f'href="/console/children/{child_id}">王小花</a>' in item
    assert f'href="/console/volunteers/{volunteer_id}">刘爱华</a>' in item
    since = re.search(r"自 ?(\d{4}-\d{2}-\d{2}) ?起", item)
    assert since is not None and item.count(since.group(1)) == 1
    assert f"已逾期 {(today() - date.fromisoformat(since.group(1))).days} 天" in item


def test_a_child_turning_16_within_30_days_is_listed_and_one_turning_later_is_not(
        client: TestClient, admin: Headers) -> None:
    soon = create(client, "/api/v1/children",
                  {**CHILD, "name": "赵敏", "birth_date": sixteen_in(10)}, admin)["id"]
    create(client, "/api/v1/children", {**CHILD, "name": "钱坤", "birth_date": sixteen_in(40)},
           admin)
    console_login(client)
    turning = section(client.get("/console/work").text, "turning")
    assert f'href="/console/children/{soon}">赵敏</a>' in turning
    assert "（还有 10 天）" in turning and "钱坤" not in turning


def test_the_open_concerns_are_counted(client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    for description in ("连续三天缺课", "情绪低落"):
        response = client.post(f"/api/v1/children/{child_id}/concerns", headers=admin,
                               json={"kind": "absence", "description": description})
        assert response.status_code == 201, response.text
    console_login(client)
    page = client.get("/console/work").text
    assert "<strong>2</strong>未处理的情况报告" in page


def test_the_reminders_issued_name_the_duty_the_child_and_whom_they_remind(
        client: TestClient, admin: Headers) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    scanned(client)
    console_login(client)
    listed = section(client.get("/console/work").text, "reminders")
    item = next(li for li in listed.split("<li>") if "每月至少联系一次孩子" in li)
    assert f'href="/console/children/{child_id}">王小花</a>' in item
    assert f'href="/console/volunteers/{volunteer_id}">刘爱华</a>' in item
    assert "逾期" in item


def test_a_township_clerk_is_told_whom_to_call_about_an_overdue_duty(
        client: TestClient, admin: Headers) -> None:
    _, volunteer_id, _ = paired(client, admin)  # she is registered with the county (420821)
    clerk(client, admin, "shi-pai-clerk", "420821101")
    overdue = section(client.get("/console/work").text, "overdue")
    item = next(li for li in overdue.split("<li>") if "每月至少联系一次孩子" in li)
    assert f'<span class="person">{VOLUNTEER["name"]}</span>' in item
    assert f'href="tel:{VOLUNTEER["phone"]}"' in item
    assert f"/console/volunteers/{volunteer_id}" not in item and "（不可见）" not in item


def test_a_township_clerk_is_told_whom_to_call_on_the_childs_page_too(
        client: TestClient, admin: Headers) -> None:
    child_id, _, _ = paired(client, admin)
    clerk(client, admin, "shi-pai-clerk", "420821101")
    pairings = section(client.get(f"/console/children/{child_id}").text, "pairings")
    assert f'<span class="person">{VOLUNTEER["name"]}</span>' in pairings
    assert f'href="tel:{VOLUNTEER["phone"]}"' in pairings


def test_an_auditor_reads_the_work_lists_from_the_menu(
        client: TestClient, admin: Headers) -> None:
    child_id, _, _ = paired(client, admin)
    console_login(client, console_user(client, admin, "auditor"), "password-123")
    page = client.get("/console/work")
    assert page.status_code == 200, page.text
    assert 'href="/console/work"' in page.text
    assert f"/console/children/{child_id}" in section(page.text, "overdue")


def test_a_township_clerk_sees_only_the_children_of_her_township(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)  # 石牌镇 420821101
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "region_code": "420821102",
                                        "school": "胡集镇中心小学"}, admin)
    clerk(client, admin, "hu-ji-clerk", "420821102")
    unpaired = section(client.get("/console/work").text, "unpaired")
    assert "李明" in unpaired and "王小花" not in unpaired


def test_narrowing_to_a_township_leaves_out_the_others(
        client: TestClient, admin: Headers) -> None:
    named(client, admin)
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "region_code": "420821102",
                                        "school": "胡集镇中心小学"}, admin)
    console_login(client)
    unpaired = section(client.get("/console/work?region_code=420821101").text, "unpaired")
    assert "王小花" in unpaired and "李明" not in unpaired


def test_a_caring_mother_may_not_open_the_work_lists(
        client: TestClient, admin: Headers) -> None:
    _, volunteer_id, _ = paired(client, admin)
    body = {"username": "mama", "password": "password-123", "role": "volunteer",
            "volunteer_id": volunteer_id}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    console_login(client, "mama", "password-123")
    response = client.get("/console/work")
    assert response.status_code == 403 and "待办清单" in response.text


def test_a_school_sees_only_its_own_pupils(client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)  # 石牌镇中心小学
    create(client, "/api/v1/children", {**CHILD, "name": "李明", "school": "石牌镇第二小学"},
           admin)
    body = {"username": "shipai", "password": "password-123", "role": "school",
            "school": "石牌镇中心小学", "region_code": "420821101"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    console_login(client, "shipai", "password-123")
    unpaired = section(client.get("/console/work").text, "unpaired")
    assert "王小花" in unpaired and "李明" not in unpaired


def two_townships_paired(client: TestClient, admin: Headers) -> tuple[str, str]:
    """One pairing (from 2026-03-10, no contact since) of 王小花 of 石牌镇 (420821101, listed
    first) and 李明 of 胡集镇 (420821102): their ids."""
    shipai = create(client, "/api/v1/children", CHILD, admin)["id"]
    huji = create(client, "/api/v1/children", {**CHILD, "name": "李明", "region_code": "420821102",
                                               "school": "胡集镇中心小学"}, admin)["id"]
    create(client, "/api/v1/pairings", {
        "child_ids": [shipai, huji], "volunteer_ids": [approved_volunteer(client, admin)],
        "principle": "nearby", "agreement_signed_on": "2026-03-05",
        "starts_on": "2026-03-10"}, admin)
    return shipai, huji


def test_each_township_clerk_sees_the_overdue_duties_of_her_own_child_of_a_shared_pairing(
        client: TestClient, admin: Headers) -> None:
    shipai, huji = two_townships_paired(client, admin)
    clerk(client, admin, "hu-ji-clerk", "420821102")
    overdue = section(client.get("/console/work").text, "overdue")
    assert f"/console/children/{huji}" in overdue and f"/console/children/{shipai}" not in overdue
    clerk(client, admin, "shi-pai-clerk", "420821101")
    overdue = section(client.get("/console/work").text, "overdue")
    assert f"/console/children/{shipai}" in overdue and f"/console/children/{huji}" not in overdue


def test_a_school_sees_the_overdue_duties_of_its_own_pupil_of_a_shared_pairing(
        client: TestClient, admin: Headers) -> None:
    shipai, huji = two_townships_paired(client, admin)
    body = {"username": "huji", "password": "password-123", "role": "school",
            "school": "胡集镇中心小学", "region_code": "420821102"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    console_login(client, "huji", "password-123")
    overdue = section(client.get("/console/work").text, "overdue")
    assert f"/console/children/{huji}" in overdue and f"/console/children/{shipai}" not in overdue


def test_a_township_clerk_sees_only_the_reminders_of_her_township(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)  # 石牌镇 420821101, a volunteer of the county
    scanned(client)
    clerk(client, admin, "hu-ji-clerk", "420821102")
    assert "王小花" not in section(client.get("/console/work").text, "reminders")
    clerk(client, admin, "shi-pai-clerk", "420821101")
    assert "王小花" in section(client.get("/console/work").text, "reminders")


def test_the_open_concerns_counted_within_a_township_link_to_that_townships_concerns(
        client: TestClient, admin: Headers) -> None:
    named(client, admin)
    console_login(client)
    page = client.get("/console/work?region_code=420821101").text
    assert 'href="/console/concerns?region_code=420821101" id="open-concerns"' in page


def test_each_township_clerk_sees_the_reminders_for_her_own_child_of_a_shared_pairing(
        client: TestClient, admin: Headers) -> None:
    shipai, huji = two_townships_paired(client, admin)
    scanned(client)
    clerk(client, admin, "hu-ji-clerk", "420821102")
    reminders = section(client.get("/console/work").text, "reminders")
    assert f"/console/children/{huji}" in reminders
    assert f"/console/children/{shipai}" not in reminders


def test_a_child_whose_only_caring_mother_is_suspended_is_listed_as_unpaired_with_why(
        client: TestClient, admin: Headers) -> None:
    child_id, volunteer_id, _ = paired(client, admin)
    suspended = client.post(f"/api/v1/volunteers/{volunteer_id}/suspension", headers=admin,
                            json={"reason": "外出务工", "on": "2026-04-01"})
    assert suspended.status_code == 200, suspended.text
    console_login(client)
    page = client.get("/console/work").text
    item = section(page, "unpaired")
    assert f'href="/console/children/{child_id}">王小花</a>' in item
    assert "结对的爱心妈妈已暂停" in item
    assert "<strong>1</strong>留守未结对" in page


def test_each_list_shows_its_total_beyond_one_page(
        client: TestClient, admin: Headers) -> None:
    for number in range(PAGE + 1):
        create(client, "/api/v1/children", {**CHILD, "name": f"王小{number}"}, admin)
    console_login(client)
    page = client.get("/console/work").text
    assert f"<strong>{PAGE + 1}</strong>留守未结对" in page
    assert f"留守未结对（共 {PAGE + 1} 人）" in section(page, "unpaired")


def test_a_child_still_paired_whose_parents_came_home_is_listed_with_why(
        client: TestClient, admin: Headers) -> None:
    child_id, _, _ = paired(client, admin)
    for role in ("father", "mother"):
        moved = client.post(f"/api/v1/children/{child_id}/parents/{role}", headers=admin,
                            json={"status": "home", "on": "2026-05-01"})
        assert moved.status_code == 200, moved.text
    console_login(client)
    page = client.get("/console/work").text
    item = section(page, "still-paired")
    assert f'href="/console/children/{child_id}">王小花</a>' in item
    assert "不再属于留守儿童" in item
    assert "<strong>1</strong>仍结对但已不属留守/已满16周岁" in page


def test_a_code_that_is_no_place_of_the_caller_is_said_so_not_shown_as_zeros(
        client: TestClient, admin: Headers) -> None:
    named(client, admin)
    create(client, "/api/v1/children", CHILD, admin)
    console_login(client)
    page = client.get("/console/work?region_code=999").text
    assert "“999”不是您所辖范围内的地区代码" in page and 'id="unpaired"' not in page
    chosen = client.get("/console/work?region_code=420821101").text
    assert 'id="wrong-place"' not in chosen and '<option value="420821101" selected>' in chosen


def _reminders(client: TestClient) -> list[str]:
    """The reminders on the work-list, one text each, as listed."""
    listed = section(client.get("/console/work").text, "reminders")
    return [item.split("</li>")[0] for item in listed.split("<li class=")[1:]]


def test_the_reminders_are_listed_the_newest_first(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)
    paired(client, admin, name="李明")
    scanned(client)
    oldest_first = [r["child_id"] for r in client.get(
        "/api/v1/reminders", headers=admin).json()["items"]]
    console_login(client)
    shown = [re.findall(r'href="/console/children/([^"]+)"', item)[0]
             for item in _reminders(client)]
    assert shown == oldest_first[::-1] and len(set(shown)) == 2


def test_a_reminder_not_yet_sent_says_why_and_that_its_duty_is_still_open(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)
    scanned(client)
    console_login(client)
    item = _reminders(client)[0]
    assert "现状：仍未完成" in item
    assert f"待发送：{NOT_SENT}" in item


def test_a_reminder_whose_pairing_has_ended_says_so(
        client: TestClient, admin: Headers) -> None:
    _, _, pairing_id = paired(client, admin)
    scanned(client)
    ended = client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin,
                        json={"on": today().isoformat(), "reason": "moved_away"})
    assert ended.status_code == 200, ended.text
    client.app.state.views.catch_up_all()  # type: ignore[attr-defined]
    console_login(client)
    assert all("现状：结对已结束，无需再办" in item for item in _reminders(client))
