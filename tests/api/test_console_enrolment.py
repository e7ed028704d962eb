"""The console's page of schools' enrolment (学校在校生人数): a clerk records a term's pupils,
sees them listed, is told in Chinese why a change without a reason is refused, puts a count
right with its reason; a school records its own; and the report's form asks who sends it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.test_console import console_login, console_user

PAGE = "/console/schools/enrolment"
COUNT = {"region_code": "420881101", "school": "长寿镇中心小学", "term": "2026秋",
         "pupils": "848", "on": "", "reason": ""}


@pytest.fixture(autouse=True)
def places(client: TestClient, admin: dict[str, str]) -> None:
    """The township of the schools counted, named in the register of places."""
    named = client.post("/api/v1/places", headers=admin,
                        json={"places": [{"code": "420881101", "name": "长寿镇"}]})
    assert named.status_code == 200, named.text


def form_key(html: str) -> str:
    found = re.search(r'name="form_key" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def sent(client: TestClient, csrf: str, **fields: str) -> tuple[int, str]:
    key = form_key(client.get(PAGE).text)
    response = client.post(PAGE, data={**COUNT, **fields, "csrf": csrf, "form_key": key},
                           follow_redirects=True)
    return response.status_code, response.text


def test_a_clerk_records_a_schools_pupils_and_sees_them_listed(client: TestClient) -> None:
    csrf = console_login(client)
    status, html = sent(client, csrf)
    assert status == 200
    assert "已登记" in html
    row = re.search(r'<table class="list" id="enrolment">.*?</table>', html, re.S)
    assert row is not None and "长寿镇中心小学" in row.group(0) and "848" in row.group(0)


def test_a_change_without_a_reason_is_refused_in_chinese_and_one_with_a_reason_is_listed(
        client: TestClient) -> None:
    csrf = console_login(client)
    sent(client, csrf)
    status, html = sent(client, csrf, pupils="860")
    assert status == 409
    assert "须说明原因" in html
    status, html = sent(client, csrf, pupils="860", reason="漏报插班生")
    assert status == 200
    assert "原848人；漏报插班生" in html


def test_a_term_written_wrong_is_named_beside_its_field(client: TestClient) -> None:
    csrf = console_login(client)
    status, html = sent(client, csrf, term="2026冬")
    assert status == 422
    assert "学期" in html


def test_a_school_records_only_its_own_pupils(client: TestClient,
                                               admin: dict[str, str]) -> None:
    name = console_user(client, admin, "school", school="长寿镇中心小学",
                        region_code="420881101")
    csrf = console_login(client, name, "password-123")
    page = client.get(PAGE).text
    assert 'name="school" value="长寿镇中心小学"' in page
    assert sent(client, csrf)[0] == 200
    assert sent(client, csrf, school="胡集镇中学", term="2026春")[0] == 403


def test_the_menu_offers_the_page_to_staff(client: TestClient) -> None:
    console_login(client)
    assert 'href="/console/schools/enrolment">学校在校生人数' in client.get("/console/reports").text


def test_the_reports_form_asks_who_sends_the_report(client: TestClient) -> None:
    console_login(client)
    page = client.get("/console/reports").text
    for field in ("reporting_unit", "preparer", "preparer_phone", "reviewer",
                  "reviewer_phone", "prepared_on"):
        assert f'name="{field}"' in page


def test_the_reports_page_says_who_sends_it(client: TestClient) -> None:
    csrf = console_login(client)
    response = client.post("/console/reports", follow_redirects=True, data={
        "csrf": csrf, "region_code": "420881", "year": "2026", "quarter": "1",
        "preparer": "王丽", "preparer_phone": "0724-4221234", "reviewer": "张敏"})
    assert response.status_code == 200, response.text
    sender = re.search(r'<p id="sender">(.*?)</p>', response.text, re.S)
    assert sender is not None
    assert "报送单位：钟祥市妇联" in sender.group(1)
    assert "填报人：王丽（0724-4221234）" in sender.group(1)
    assert "审核人：张敏" in sender.group(1)


def test_a_school_no_child_attends_is_recorded_and_the_page_says_to_check_its_name(
        client: TestClient) -> None:
    csrf = console_login(client)
    status, html = sent(client, csrf)  # no child on the register attends 长寿镇中心小学
    assert status == 200
    warning = re.search(r'<p class="notice" role="status" id="warning">([^<]+)</p>', html)
    assert warning is not None
    assert "钟祥市的在册儿童中没有人就读于“长寿镇中心小学”" in warning.group(1)
    assert "请核对学校名称" in warning.group(1)


def test_a_school_at_a_code_no_register_names_is_refused_beside_its_field(
        client: TestClient) -> None:
    csrf = console_login(client)
    status, html = sent(client, csrf, region_code="420881199")
    assert status == 422
    assert "学校所在地420881199不在地名登记中" in html
