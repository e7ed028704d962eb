"""The console's forms and error pages as a clerk reads them: a rule's message said once,
beside the field at fault; a pairing ended with one of the programme's reasons; the
registration's date said to default to today; an error page that keeps the menu and leads
back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.console.forms import said
from tests.api.conftest import paired
from tests.api.test_console import console_login


def test_a_refused_concern_says_the_rules_message_once(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client)
    typed = {"kind": "absence", "description": "未到校", "occurred_on": "2026-01-05"}
    api = client.post(f"/api/v1/children/{child_id}/concerns", headers=admin, json=typed)
    answer = client.post(f"/console/children/{child_id}/concerns", data={**typed, "csrf": csrf})
    message = said(api.json()["detail"][0]["msg"])
    assert "2026-03-02" in message  # the registration date, named by the rule
    assert answer.status_code == api.status_code and answer.text.count(message) == 1
    assert '<p class="error" role="alert" id="refused">未保存：情况报告有误' in answer.text


def test_a_field_at_fault_carries_the_message_and_the_form_only_points_to_it(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "injury", "description": "", "occurred_on": "2026-06-02",
        "csrf": console_login(client)})
    fault = answer.text.split('id="description-error">', 1)[1].split("<", 1)[0]
    assert fault and answer.text.count(fault) == 1
    assert answer.text.count('class="error form-error"') == 1 and "请检查标出的栏目" in answer.text


def test_a_pairing_ended_with_a_reason_chosen_is_ended_with_its_words(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    client.post(f"/console/pairings/{pairing_id}/end", data={
        "why": "aged_out", "reason": "", "on": "2026-06-30", "csrf": console_login(client)})
    ended = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert (ended["status"], ended["end_reason"]) == ("ended", "儿童年满16周岁")


def test_another_reason_is_ended_with_what_was_typed(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    client.post(f"/console/pairings/{pairing_id}/end", data={
        "why": "other", "reason": "家庭搬迁至外省", "on": "2026-06-30",
        "csrf": console_login(client)})
    ended = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert ended["end_reason"] == "家庭搬迁至外省"


def test_another_reason_with_nothing_typed_is_refused_and_the_pairing_goes_on(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    answer = client.post(f"/console/pairings/{pairing_id}/end", data={
        "why": "other", "reason": "", "on": "2026-06-30", "csrf": console_login(client)})
    assert answer.status_code == 422 and 'id="reason-error"' in answer.text
    assert '<option value="other" selected>其他原因</option>' in answer.text
    assert client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()[
        "status"] == "active"


def test_the_pairings_end_form_offers_the_programmes_reasons(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    console_login(client)
    page = client.get(f"/console/pairings/{pairing_id}").text
    for words in ("儿童退出关爱帮扶", "儿童年满16周岁", "爱心妈妈被取消资格", "爱心妈妈退出",
                  "调整结对，改由他人帮扶", "其他原因"):
        assert f">{words}</option>" in page


def test_the_registration_form_says_its_date_is_today_unless_filled_in(
        client: TestClient) -> None:
    console_login(client)
    form = client.get("/console/children/new").text
    assert '<small class="hint" id="registered_on-hint">默认今天；补录时填写实际建档日期</small>' \
        in form


def test_an_error_page_keeps_the_menu_and_leads_back_to_the_page_without_the_bad_value(
        client: TestClient, child_id: str) -> None:
    console_login(client)
    page = client.get(f"/console/children/{child_id}?as_of=abc")
    assert page.status_code == 422
    assert '<a href="/console/children">儿童查询</a>' in page.text
    assert f'<a href="/console/children/{child_id}" id="back">返回上一页</a>' in page.text
    assert "状态码" not in page.text and "请求有误" not in page.text
