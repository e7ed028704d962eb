"""疑似重复 in the console: likely duplicates side by side, and the form that merges them with
the API's rules and messages."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired
from tests.api.test_console import console_login

Headers = dict[str, str]
AGAIN: dict[str, Any] = {**CHILD, "class_name": "四年级", "registered_on": "2026-03-09"}


def pair_key(page: str) -> str:
    found = re.search(r'name="pair" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def test_a_likely_pair_is_shown_side_by_side_with_its_reason(
        client: TestClient, admin: Headers) -> None:
    first = create(client, "/api/v1/children", CHILD, admin)["id"]
    second = create(client, "/api/v1/children", AGAIN, admin)["id"]
    console_login(client)
    page = client.get("/console/duplicates")
    assert page.status_code == 200
    assert "同名同出生日期" in page.text
    assert f'href="/console/children/{first}"' in page.text
    assert f'href="/console/children/{second}"' in page.text
    assert 'href="/console/duplicates">疑似重复</a>' in page.text  # in the menu


def test_the_form_merges_the_pair_keeping_the_record_chosen(
        client: TestClient, admin: Headers) -> None:
    first = create(client, "/api/v1/children", CHILD, admin)["id"]
    create(client, "/api/v1/children", AGAIN, admin)
    csrf = console_login(client)
    key = pair_key(client.get("/console/duplicates").text)
    answer = client.post("/console/duplicates/merge", follow_redirects=False, data={
        "csrf": csrf, "form_key": "merge-form-1", "pair": key, "keep": first,
        "reason": "同一儿童登记两次"})
    assert answer.status_code == 303, answer.text
    after = client.get(answer.headers["location"]).text
    assert "已合并" in after and "没有疑似重复的档案" in after
    active = client.get("/api/v1/children", params={"status": "active"},
                        headers=admin).json()["items"]
    assert [child["id"] for child in active] == [first]


def test_a_refused_merge_says_why_in_chinese_beside_the_pair(
        client: TestClient, admin: Headers) -> None:
    kept = create(client, "/api/v1/children", CHILD, admin)["id"]
    paired(client, admin, **AGAIN)  # the duplicate is still cared for
    csrf = console_login(client)
    key = pair_key(client.get("/console/duplicates").text)
    answer = client.post("/console/duplicates/merge", data={
        "csrf": csrf, "pair": key, "keep": kept, "reason": "同一儿童登记两次"})
    assert answer.status_code == 409
    assert "请先结束其结对" in answer.text
    assert "同一儿童登记两次</textarea>" in answer.text  # as typed


def test_a_school_account_is_not_offered_the_page(
        client: TestClient, admin: Headers) -> None:
    body = {"username": "xuexiao", "password": "password-123", "role": "school",
            "school": CHILD["school"], "region_code": "420821101"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    console_login(client, "xuexiao", "password-123")
    assert client.get("/console/duplicates").status_code == 403


def test_a_pair_said_to_be_two_children_leaves_the_list(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "王晓花", "parents": []}, admin)
    csrf = console_login(client)
    key = pair_key(client.get("/console/duplicates").text)
    answer = client.post("/console/duplicates/apart", follow_redirects=False, data={
        "csrf": csrf, "pair": key, "reason": "双胞胎姐妹"})
    assert answer.status_code == 303, answer.text
    after = client.get(answer.headers["location"]).text
    assert "不是同一人" in after and "没有疑似重复的档案" in after


def test_a_pair_said_apart_without_a_reason_is_refused_naming_the_field(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", AGAIN, admin)
    csrf = console_login(client)
    key = pair_key(client.get("/console/duplicates").text)
    answer = client.post("/console/duplicates/apart", data={"csrf": csrf, "pair": key})
    assert answer.status_code == 422
    assert 'id="reason-error"' in answer.text


def test_the_kept_records_page_shows_the_merged_records_facts_on_its_timeline(
        client: TestClient, admin: Headers) -> None:
    kept = create(client, "/api/v1/children", CHILD, admin)["id"]
    duplicate = create(client, "/api/v1/children", AGAIN, admin)["id"]
    talk = client.post(f"/api/v1/children/{duplicate}/contacts", headers=admin, json={
        "kind": "talk", "occurred_on": "2026-05-12", "notes": "谈心"})
    assert talk.status_code == 201, talk.text
    console_login(client)
    assert "学校与工作人员联系走访" not in client.get(f"/console/children/{kept}").text
    merged = client.post(f"/api/v1/children/{kept}/merges", headers=admin,
                         json={"duplicate_id": duplicate, "reason": "同一儿童登记两次"})
    assert merged.status_code == 200, merged.text
    page = client.get(f"/console/children/{kept}").text
    assert "学校与工作人员联系走访" in page and "合并重复档案" in page
