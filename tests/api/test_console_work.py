"""The work-lists in the console (待办清单): each lists the right child with its reason,
within the caller's region, each item linked to its record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create, paired
from tests.api.test_console import console_login
from tests.api.test_console_volunteer_forms import clerk
from tests.api.test_reminders_api import scanned

Headers = dict[str, str]


def section(page: str, name: str) -> str:
    """The part of the page in the section ``name``."""
    return page.split(f'id="{name}"')[1].split("</section>")[0]


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
    assert "留守儿童，2026-03-02 登记，至今未结对" in unpaired


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
    since = date.fromisoformat(item.split("自 ")[1].split(" 起逾期")[0])
    assert f"起逾期 {(today() - since).days} 天" in item


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
