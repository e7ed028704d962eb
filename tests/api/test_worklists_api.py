"""The work-lists through the API (待办清单): each lists the child that is on it with its
reason in Chinese, not the one that is not; pages; scope; unknown names and future days; on
the embedded store and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, VOLUNTEER, create, paired
from tests.api.test_console import console_login
from tests.api.test_console_work import sixteen_in, today

Headers = dict[str, str]


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """Each test on the embedded store and on PostgreSQL."""
    return client_on_each_store
HOME = [{**CHILD["parents"][0], "status": "home"}, {**CHILD["parents"][1], "status": "home"}]


def work(client: TestClient, name: str, headers: Headers, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/worklists/{name}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_child_turning_16_within_30_days_is_listed_with_the_day_and_one_later_is_not(
        client: TestClient, admin: Headers) -> None:
    soon = create(client, "/api/v1/children",
                  {**CHILD, "name": "赵敏", "birth_date": sixteen_in(10)}, admin)["id"]
    create(client, "/api/v1/children", {**CHILD, "name": "钱坤", "birth_date": sixteen_in(40)},
           admin)
    [item] = work(client, "turning_16", admin)["items"]
    assert (item["child_id"], item["name"], item["days_left"]) == (soon, "赵敏", 10)
    assert item["reason"] == f"{item['turns_16_on']} 年满 16 周岁（还有 10 天）"


def test_a_child_still_paired_whose_parents_came_home_is_listed_and_a_left_behind_one_is_not(
        client: TestClient, admin: Headers) -> None:
    home, _, _ = paired(client, admin, name="张强", parents=HOME)
    paired(client, admin)
    [item] = work(client, "paired_but_not_left_behind", admin)["items"]
    assert (item["child_id"], item["name"]) == (home, "张强")
    assert "不再属于留守儿童" in item["reason"]


def test_a_left_behind_child_unpaired_is_listed_and_a_paired_one_is_not(
        client: TestClient, admin: Headers) -> None:
    alone = create(client, "/api/v1/children", {**CHILD, "name": "孙丽"}, admin)["id"]
    paired(client, admin)
    [item] = work(client, "unpaired_left_behind", admin)["items"]
    assert (item["child_id"], item["reason"]) == (alone, "留守且未结对（2026-03-02 登记）")


def test_an_overdue_duty_is_listed_with_its_pairing_duty_and_reason(
        client: TestClient, admin: Headers) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)  # no contact since 2026-03-10
    create(client, "/api/v1/children", {**CHILD, "name": "孙丽"}, admin)
    items = work(client, "overdue_duties", admin, limit=200)["items"]
    assert items and {item["child_id"] for item in items} == {child_id}
    monthly = next(item for item in items if "每月至少联系一次孩子" in item["reason"])
    assert (monthly["pairing_id"], monthly["volunteer_ids"]) == (pairing_id, [volunteer_id])
    assert monthly["reason"].startswith(f"{monthly['title']}：")


def test_an_overdue_duty_says_which_months_are_undone_since_when_and_how_many_days(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)  # from 2026-03-10, no contact since
    items = work(client, "overdue_duties", admin, limit=200)["items"]
    monthly = next(item for item in items if item["duty"] == "monthly_contact")
    since = date.fromisoformat(monthly["overdue_since"])
    assert re.search(r"：\d{4}年\d{1,2}月(至\d{4}年\d{1,2}月)?未完成，"
                     rf"自{since}起逾期：", monthly["reason"])
    assert monthly["reason"].endswith(f"（已逾期 {(today() - since).days} 天）")
    assert monthly["reason"].count(since.isoformat()) == 1


def test_the_api_and_the_console_give_an_overdue_duty_the_same_reason(
        client: TestClient, admin: Headers) -> None:
    paired(client, admin)
    items = work(client, "overdue_duties", admin, limit=200)["items"]
    monthly = next(item for item in items if item["duty"] == "monthly_contact")
    console_login(client)
    page = client.get("/console/work").text.split('id="overdue"')[1]
    said = monthly["reason"].removeprefix(f"{monthly['title']}：")
    assert f'<span class="why">{said}</span>' in page


def test_an_overdue_duty_names_its_caring_mother_and_phone_to_the_township_clerk(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)  # she is registered with the county (420821)
    township = user("federation", region_code="420821101")
    assert client.get(f"/api/v1/volunteers/{volunteer_id}", headers=township).status_code == 404
    items = work(client, "overdue_duties", township, limit=200)["items"]
    assert items and all(item["volunteers"] == [
        {"id": volunteer_id, "name": VOLUNTEER["name"], "phone": VOLUNTEER["phone"]}]
        for item in items)


def test_an_auditor_reads_every_work_list(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id, _, _ = paired(client, admin)
    auditor = user("auditor")
    for name in ("turning_16", "paired_but_not_left_behind", "unpaired_left_behind",
                 "open_concerns"):
        work(client, name, auditor)
    items = work(client, "overdue_duties", auditor, limit=200)["items"]
    assert {item["child_id"] for item in items} == {child_id}


def test_an_open_concern_is_listed_with_its_kind_and_day_and_a_resolved_one_is_not(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    concern = create(client, f"/api/v1/children/{child_id}/concerns",
                     {"kind": "absence", "description": "连续三天缺课",
                      "occurred_on": "2026-11-20"}, admin)
    resolved = create(client, f"/api/v1/children/{child_id}/concerns",
                      {"kind": "illness", "description": "发烧"}, admin)
    response = client.post(f"/api/v1/children/{child_id}/concerns/{resolved['id']}/resolution",
                           json={"action": "已就医"}, headers=admin)
    assert response.status_code < 300, response.text
    [item] = work(client, "open_concerns", admin)["items"]
    assert (item["concern_id"], item["child_id"]) == (concern["id"], child_id)
    assert item["reason"] == "情况报告：缺课（2026-11-20起未办结）"


def test_a_list_comes_a_page_at_a_time(client: TestClient, admin: Headers) -> None:
    made = {create(client, "/api/v1/children", {**CHILD, "name": f"孩子{n}"}, admin)["id"]
            for n in range(3)}
    first = work(client, "unpaired_left_behind", admin, limit=2)
    second = work(client, "unpaired_left_behind", admin, limit=2, after=first["next"])
    assert len(first["items"]) == 2 and second["next"] is None
    assert {item["child_id"] for item in first["items"] + second["items"]} == made


def test_a_county_of_elsewhere_sees_none_of_these_children(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    elsewhere = user("federation", region_code="4209")
    assert work(client, "unpaired_left_behind", elsewhere)["items"] == []
    assert work(client, "unpaired_left_behind", elsewhere, region_code="420821")["items"] == []


def test_a_school_sees_only_its_own_pupils(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "张强", "school": "胡集镇中心小学"},
           admin)
    school = user("school", school=CHILD["school"], region_code="420821")
    assert [i["name"] for i in work(client, "unpaired_left_behind", school)["items"]] == ["王小花"]


def test_an_unknown_list_is_404_naming_the_lists(client: TestClient, admin: Headers) -> None:
    response = client.get("/api/v1/worklists/everything", headers=admin)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "turning_16" in detail and "open_concerns" in detail


def test_a_day_in_the_future_is_refused(client: TestClient, admin: Headers) -> None:
    tomorrow = today() + timedelta(days=1)
    response = client.get("/api/v1/worklists/turning_16", headers=admin,
                          params={"on": tomorrow.isoformat()})
    assert response.status_code == 422


def test_a_caring_mother_may_not_read_the_work_lists(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert client.get("/api/v1/worklists/turning_16", headers=mother).status_code == 403
