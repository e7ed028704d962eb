"""The console's page of a record merged into another (合并重复档案) says so before anything
else, 已合并到 with a link to the record kept, while keeping what it recorded before."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create
from tests.api.test_console import console_login, console_user

Headers = dict[str, str]
#: The same girl keyed in again by her school, in another class and on another day.
AGAIN: dict[str, Any] = {**CHILD, "class_name": "四年级", "registered_on": "2026-03-09"}


def merged(client: TestClient, admin: Headers, **duplicate: Any) -> tuple[str, str]:
    """(the record kept, the duplicate merged into it)."""
    kept = create(client, "/api/v1/children", CHILD, admin)["id"]
    second = create(client, "/api/v1/children", {**AGAIN, **duplicate}, admin)["id"]
    answer = client.post(f"/api/v1/children/{kept}/merges", headers=admin,
                         json={"duplicate_id": second, "reason": "同一儿童登记两次"})
    assert answer.status_code == 200, answer.text
    return str(kept), str(second)


def notice(page: str) -> str:
    found = re.search(r'<p class="notice merged"[^>]*id="merged">(.*?)</p>', page, re.S)
    assert found is not None, page
    return found.group(1)


def test_the_merged_records_page_says_merged_into_linking_the_kept_record(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged(client, admin)
    console_login(client)

    page = client.get(f"/console/children/{duplicate}")

    assert page.status_code == 200
    said = notice(page.text)
    assert "已合并到" in said
    assert f'<a href="/console/children/{kept}" id="merged-into">王小花的档案' in said
    assert '<span class="badge">已合并</span>' in page.text
    assert page.text.index('id="merged"') < page.text.index("基本信息")  # before the record


def test_the_merged_records_page_offers_no_form_to_change_it(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged(client, admin)
    console_login(client)
    assert "记录情况报告" in client.get(f"/console/children/{kept}").text
    page = client.get(f"/console/children/{duplicate}").text
    for form in ("记录情况报告", "升学、转学", "更正（姓名"):
        assert form not in page


def test_the_kept_record_and_a_record_never_merged_say_nothing_of_a_merge(
        client: TestClient, admin: Headers) -> None:
    kept, _ = merged(client, admin)
    other = create(client, "/api/v1/children", {**CHILD, "name": "李明", "sex": "male"},
                   admin)["id"]
    console_login(client)
    for child_id in (kept, other):
        page = client.get(f"/console/children/{child_id}").text
        assert 'id="merged"' not in page and "已合并到" not in page


def test_a_reader_who_may_not_open_the_kept_record_is_told_without_a_link(
        client: TestClient, admin: Headers) -> None:
    kept, duplicate = merged(client, admin, school="石牌镇第二小学")
    teacher = console_user(client, admin, "school", school="石牌镇第二小学",
                           region_code="420821101")
    console_login(client, teacher, "password-123")

    said = notice(client.get(f"/console/children/{duplicate}").text)

    assert "已合并到另一份档案（不在您的查看范围内）" in said
    assert kept not in said and "<a " not in said
