"""The child's page's forms of dynamic management (动态管理) in the console: 升学、转学,
迁出 and 更正, each the API's own use case behind a CSRF-checked POST, refused with the
API's message beside the form as typed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import paired
from tests.api.test_console import console_login, console_user

Headers = dict[str, str]


def record(client: TestClient, child_id: str, admin: Headers) -> dict[str, object]:
    answer = client.get(f"/api/v1/children/{child_id}", headers=admin)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_the_childs_page_offers_the_three_forms_in_chinese(
        client: TestClient, child_id: str) -> None:
    console_login(client)
    page = client.get(f"/console/children/{child_id}").text
    for words in ("升学、转学", "迁出（迁往其他县、乡镇或村）", "更正（姓名、性别、出生日期"):
        assert words in page


def test_a_change_of_school_through_the_form_is_on_the_record_and_the_timeline(
        client: TestClient, admin: Headers, child_id: str) -> None:
    csrf = console_login(client)
    answer = client.post(f"/console/children/{child_id}/schooling", follow_redirects=False,
                         data={"school": "石牌镇初级中学", "class_name": "七年级一班",
                               "on": "2026-09-01", "csrf": csrf})
    assert answer.status_code == 303, answer.text
    assert record(client, child_id, admin)["school"] == "石牌镇初级中学"
    page = client.get(answer.headers["location"]).text
    assert "已登记升学、转学" in page and "石牌镇初级中学 七年级一班" in page


def test_a_correction_without_a_reason_is_refused_as_typed_and_then_recorded(
        client: TestClient, admin: Headers, child_id: str) -> None:
    csrf = console_login(client)
    refused = client.post(f"/console/children/{child_id}/corrections", data={
        "field": "sex", "value": "男", "reason": "", "csrf": csrf})
    assert refused.status_code == 422
    assert 'value="男"' in refused.text and "未保存：更正有误" in refused.text
    done = client.post(f"/console/children/{child_id}/corrections", follow_redirects=False,
                       data={"field": "sex", "value": "男", "reason": "建档时性别录入错误",
                             "csrf": csrf})
    assert done.status_code == 303, done.text
    assert record(client, child_id, admin)["sex"] == "male"
    assert "更正性别" in client.get(done.headers["location"]).text


def test_a_transfer_of_a_paired_child_is_refused_with_the_rule(
        client: TestClient, admin: Headers) -> None:
    child_id, _, _ = paired(client, admin)
    csrf = console_login(client)
    refused = client.post(f"/console/children/{child_id}/transfer", data={
        "region_code_other": "420822100", "reason": "随祖父母迁往沙洋县", "on": "2026-09-01",
        "csrf": csrf})
    assert refused.status_code == 409
    assert "须先解除结对" in refused.text
    assert record(client, child_id, admin)["region_code"] == "420821101"


def name_shayang(client: TestClient, admin: Headers) -> None:
    named = client.post("/api/v1/places", headers=admin,
                        json={"places": [{"code": "420822100", "name": "沙洋镇"}]})
    assert named.status_code == 200, named.text


def test_a_county_clerk_who_transfers_a_child_away_is_told_where_it_went(
        client: TestClient, admin: Headers, child_id: str) -> None:
    name_shayang(client, admin)
    clerk = console_user(client, admin, "federation", region_code="420821")
    csrf = console_login(client, clerk, "password-123")
    answer = client.post(f"/console/children/{child_id}/transfer", data={
        "region_code_other": "420822100", "reason": "随祖父母迁往沙洋县", "on": "2026-09-01",
        "csrf": csrf})
    assert answer.status_code == 200, answer.text
    assert "已办理迁出" in answer.text and "420822100" in answer.text
    assert record(client, child_id, admin)["region_code"] == "420822100"
    assert client.get(f"/console/children/{child_id}").status_code == 404


def test_a_child_whose_name_is_corrected_is_found_by_the_new_name_not_the_old(
        client: TestClient, admin: Headers, child_id: str) -> None:
    answer = client.post(f"/api/v1/children/{child_id}/corrections", headers=admin, json={
        "field": "name", "value": "赵晓雨", "reason": "建档时姓名录入错误"})
    assert answer.status_code == 200, answer.text
    console_login(client)
    found = client.get("/console/children", params={"name": "晓雨"}).text
    gone = client.get("/console/children", params={"name": "小花"}).text
    assert child_id in found and child_id not in gone


def test_the_transfer_form_offers_the_places_of_the_childs_city_by_name(
        client: TestClient, admin: Headers, child_id: str) -> None:
    named = client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": "420822100", "name": "沙洋镇"}, {"code": "420821101", "name": "石牌镇"}]})
    assert named.status_code in (200, 201), named.text
    csrf = console_login(client)
    form = client.get(f"/console/children/{child_id}").text.split('id="transfer"')[1]
    assert '<option value="420822100">沙洋镇（全乡镇）</option>' in form
    done = client.post(f"/console/children/{child_id}/transfer", follow_redirects=False, data={
        "region_code": "420822100", "reason": "随祖父母迁往沙洋镇", "csrf": csrf})
    assert done.status_code == 303, done.text
    assert record(client, child_id, admin)["region_code"] == "420822100"


def test_the_transfer_form_names_the_school_there_and_records_it_with_the_move(
        client: TestClient, admin: Headers, child_id: str) -> None:
    name_shayang(client, admin)
    csrf = console_login(client)
    form = client.get(f"/console/children/{child_id}").text.split('id="transfer"')[1]
    form = form.split("</form>")[0]
    assert 'name="school"' in form and 'name="class_name"' in form and "迁入后就读学校" in form
    done = client.post(f"/console/children/{child_id}/transfer", follow_redirects=False, data={
        "region_code": "420822100", "school": "沙洋县实验小学", "class_name": "四年级二班",
        "reason": "随祖父母迁往沙洋镇", "on": "2026-09-01", "csrf": csrf})
    assert done.status_code == 303, done.text
    moved = record(client, child_id, admin)
    assert (moved["region_code"], moved["school"], moved["class_name"]) == (
        "420822100", "沙洋县实验小学", "四年级二班")


def test_a_transfer_to_a_code_no_register_names_is_refused_beside_the_form_as_typed(
        client: TestClient, admin: Headers, child_id: str) -> None:
    csrf = console_login(client)
    refused = client.post(f"/console/children/{child_id}/transfer", data={
        "region_code_other": "999999", "school": "某县小学", "reason": "迁往外县",
        "on": "2026-09-01", "csrf": csrf})
    assert refused.status_code == 422
    assert "迁入地999999不在地名登记中" in refused.text and 'value="某县小学"' in refused.text
    assert record(client, child_id, admin)["region_code"] == "420821101"
