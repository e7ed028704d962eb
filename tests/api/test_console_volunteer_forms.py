"""The volunteers' forms in the console: registering a volunteer (登记), one level's opinion
given by whoever gives that level (逐级审核), and her standing (暂停, 恢复, 取消资格, 表彰).

Every form is the API's own use case behind a CSRF-checked POST; a refusal is the API's
message on the page, beside the form, which keeps what was typed.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from domain.volunteers import WHO_GIVES
from domain.volunteers.managing import WHO_REGISTERS
from tests.api.conftest import VOLUNTEER, approved_volunteer, create
from tests.api.test_console import console_login

Headers = dict[str, str]
TOWNSHIP = "420821101"  # 石牌镇, in 钟祥市 (420821)
FORM = {**{k: v for k, v in VOLUNTEER.items() if k != "birth_date"}, "birth_date": "1975-08-01"}


def clerk(client: TestClient, admin: Headers, name: str, region_code: str) -> str:
    """Log the browser in as a federation clerk of ``region_code``; the CSRF token."""
    body = {"username": name, "password": "password-123", "role": "federation",
            "region_code": region_code}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    client.cookies.clear()
    return console_login(client, name, "password-123")


def pending(client: TestClient, admin: Headers, **form: Any) -> str:
    """A volunteer of the township, her application not yet reviewed."""
    return str(create(client, "/api/v1/volunteers",
                      {**VOLUNTEER, "region_code": TOWNSHIP, **form}, admin)["id"])


def reviews(client: TestClient, admin: Headers, volunteer_id: str) -> list[tuple[str, str]]:
    found = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()["reviews"]
    return [(r["level"], r["decision"]) for r in found]


def offered_levels(page: str) -> list[str]:
    form = page.split('id="review"')[1].split("</form>")[0] if 'id="review"' in page else ""
    return re.findall(r'<option value="(\w+)"', form)


def test_a_clerk_registers_a_volunteer_and_lands_on_her_page_saying_so(
        client: TestClient, admin: Headers) -> None:
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post("/console/volunteers", data={**FORM, "csrf": csrf},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "刘爱华" in page and "已登记，待逐级审核" in page
    listed = client.get("/api/v1/volunteers", headers=admin).json()["items"]
    assert [v["name"] for v in listed] == ["刘爱华"]


def test_a_registration_without_a_phone_names_the_field_and_keeps_what_was_typed(
        client: TestClient, admin: Headers) -> None:
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post("/console/volunteers", data={**FORM, "phone": "", "csrf": csrf})
    assert response.status_code == 422
    phone = response.text.split('name="phone"')[1].split("</label>")[0]
    assert "必填" in phone
    assert 'value="钟祥市妇联"' in response.text and 'value="1975-08-01"' in response.text
    assert client.get("/api/v1/volunteers", headers=admin).json()["items"] == []


def test_a_registration_outside_the_clerks_region_is_refused_with_the_apis_message(
        client: TestClient, admin: Headers) -> None:
    csrf = clerk(client, admin, "township-clerk", TOWNSHIP)
    response = client.post("/console/volunteers", data={**FORM, "csrf": csrf})
    assert response.status_code == 403
    assert WHO_REGISTERS.split("（")[0] in response.text and 'value="刘爱华"' in response.text
    assert client.get("/api/v1/volunteers", headers=admin).json()["items"] == []


def test_a_registration_without_its_csrf_token_records_nothing(
        client: TestClient, admin: Headers) -> None:
    clerk(client, admin, "county-clerk", "420821")
    response = client.post("/console/volunteers", data={**FORM, "csrf": "forged"})
    assert response.status_code == 403
    assert client.get("/api/v1/volunteers", headers=admin).json()["items"] == []


def test_a_township_clerk_is_offered_only_the_unit_level(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    clerk(client, admin, "township-clerk", TOWNSHIP)
    assert offered_levels(client.get(f"/console/volunteers/{volunteer_id}").text) == ["unit"]


def test_after_the_unit_a_county_clerk_is_offered_only_the_county_level(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "township-clerk", TOWNSHIP)
    client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "opinion": "同意", "csrf": csrf})
    clerk(client, admin, "county-clerk", "420821")
    assert offered_levels(client.get(f"/console/volunteers/{volunteer_id}").text) == ["county"]


def test_a_county_clerk_who_signed_the_unit_opinion_is_offered_no_level_and_told_who_signs(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    signed = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "opinion": "同意", "on": "2026-02-01",
        "csrf": csrf}, follow_redirects=False)
    assert signed.status_code == 303
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert offered_levels(page) == []
    told = page.split('id="review-none"')[1].split("</p>")[0]
    assert "一人只签一级意见" in told and WHO_GIVES["county"] in told


def test_a_county_clerk_gives_the_county_opinion_after_the_unit(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "township-clerk", TOWNSHIP)
    client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "opinion": "同意", "on": "2026-02-01",
        "csrf": csrf})
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "county", "decision": "approve", "opinion": "同意推荐", "on": "2026-02-03",
        "csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert "审核意见已记录" in client.get(response.headers["location"]).text
    assert reviews(client, admin, volunteer_id) == [("unit", "approve"), ("county", "approve")]


def test_a_review_at_a_level_the_clerk_does_not_give_is_refused_with_the_apis_message(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "city", "decision": "approve", "opinion": "市里同意", "csrf": csrf})
    assert response.status_code == 403
    assert WHO_GIVES["city"] in response.text and "市里同意" in response.text
    assert reviews(client, admin, volunteer_id) == []


def test_a_review_before_the_level_due_is_refused_naming_the_level_due(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "county", "decision": "approve", "opinion": "同意推荐", "csrf": csrf})
    assert response.status_code == 409
    assert "审核须逐级进行" in response.text and "下一级应为所在单位意见" in response.text
    assert "同意推荐" in response.text
    assert reviews(client, admin, volunteer_id) == []


def test_an_admin_keying_in_a_paper_form_must_name_who_signed_it(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = console_login(client)
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert offered_levels(page) == ["unit"]
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "opinion": "同意", "on": "2026-02-01",
        "csrf": csrf})
    assert response.status_code == 422
    signer = response.text.split('name="signed_by"')[1].split("</label>")[0]
    assert "须填写签署人" in signer
    assert 'value="2026-02-01"' in response.text
    assert reviews(client, admin, volunteer_id) == []


def test_a_volunteer_outside_the_clerks_region_is_not_found_and_takes_no_review(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    csrf = clerk(client, admin, "other-township", "420821102")
    assert client.get(f"/console/volunteers/{volunteer_id}").status_code == 404
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "csrf": csrf})
    assert response.status_code == 404 and "刘爱华" not in response.text
    assert reviews(client, admin, volunteer_id) == []


def test_a_review_without_its_csrf_token_records_nothing(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    clerk(client, admin, "township-clerk", TOWNSHIP)
    response = client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "csrf": "forged"})
    assert response.status_code == 403
    assert reviews(client, admin, volunteer_id) == []


def _changes_offered(page: str) -> list[str]:
    return re.findall(r'action="/console/volunteers/[^/"]+/(\w+)"', page)


def test_an_approved_volunteer_may_be_suspended_disqualified_or_commended(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    clerk(client, admin, "county-clerk", "420821")
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert _changes_offered(page) == ["suspension", "disqualification", "commendation"]


def test_a_suspended_volunteer_is_reinstated_through_the_form_offered_her(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    client.post(f"/console/volunteers/{volunteer_id}/suspension", data={
        "reason": "外出学习三个月", "csrf": csrf})
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert _changes_offered(page) == ["reinstatement", "disqualification"]
    response = client.post(f"/console/volunteers/{volunteer_id}/reinstatement", data={
        "reason": "学习结束", "csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert "已恢复" in client.get(response.headers["location"]).text
    assert client.get(f"/api/v1/volunteers/{volunteer_id}",
                      headers=admin).json()["status"] == "approved"


def test_a_disqualification_without_a_reason_names_the_field_and_keeps_the_date(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post(f"/console/volunteers/{volunteer_id}/disqualification", data={
        "reason": "", "on": "2026-06-30", "csrf": csrf})
    assert response.status_code == 422
    form = response.text.split('id="disqualification"')[1].split("</form>")[0]
    assert "必填" in form and 'value="2026-06-30"' in form
    assert client.get(f"/api/v1/volunteers/{volunteer_id}",
                      headers=admin).json()["status"] == "approved"


def test_a_change_her_status_does_not_allow_is_refused_with_the_rule(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    response = client.post(f"/console/volunteers/{volunteer_id}/reinstatement", data={
        "reason": "返回", "csrf": csrf})
    assert response.status_code == 409
    assert "只有暂停的志愿者才能恢复，该志愿者目前为已批准" in response.text


def test_a_commendation_is_shown_on_her_page(client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    csrf = clerk(client, admin, "county-clerk", "420821")
    client.post(f"/console/volunteers/{volunteer_id}/commendation", data={
        "reason": "优秀爱心妈妈", "on": "2026-06-01", "csrf": csrf})
    assert "2026-06-01：优秀爱心妈妈" in client.get(f"/console/volunteers/{volunteer_id}").text


def test_a_pending_volunteer_is_offered_no_change_of_standing(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin)
    clerk(client, admin, "county-clerk", "420821")
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert 'id="standing"' not in page


def test_the_registration_form_is_in_the_clerks_region_and_refused_to_a_school(
        client: TestClient, admin: Headers) -> None:
    clerk(client, admin, "county-clerk", "420821")
    assert '<option value="420821" selected>' in client.get("/console/volunteers/new").text
    body = {"username": "shipai", "password": "password-123", "role": "school",
            "school": "石牌镇中心小学", "region_code": TOWNSHIP}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    client.cookies.clear()
    console_login(client, "shipai", "password-123")
    assert client.get("/console/volunteers/new").status_code == 403


def test_her_page_shows_every_field_of_her_form_and_who_signed_each_level(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = pending(client, admin, experience="做过三年社区志愿者")
    csrf = clerk(client, admin, "township-clerk", TOWNSHIP)
    client.post(f"/console/volunteers/{volunteer_id}/reviews", data={
        "level": "unit", "decision": "approve", "opinion": "同意", "on": "2026-02-01",
        "csrf": csrf})
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    form = page.split("<h2>登记信息</h2>")[1].split("</section>")[0]
    for typed in ("1975-08-01", "湖北省钟祥市郢中街道", "431900", "做过三年社区志愿者"):
        assert typed in form
    assert "签署人：账号 township-clerk" in page.split('id="approvals"')[1]


def test_a_caring_mother_is_pointed_to_her_phone_app_on_her_page_and_in_her_menu(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    body = {"username": "mama", "password": "password-123", "role": "volunteer",
            "volunteer_id": volunteer_id}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    console_login(client, "mama", "password-123")
    page = client.get(f"/console/volunteers/{volunteer_id}").text
    assert '<a href="/app" id="menu-app">用手机记录走访（爱心妈妈应用）</a>' in page
    assert '<a class="button" href="/app">用手机记录走访（爱心妈妈应用）</a>' in page


def test_the_registration_form_chooses_her_place_by_name(
        client: TestClient, admin: Headers) -> None:
    places = [{"code": TOWNSHIP, "name": "石牌镇"}]
    assert client.post("/api/v1/places", json={"places": places}, headers=admin).is_success
    clerk(client, admin, "county-clerk", "420821")
    form = client.get("/console/volunteers/new").text.split('id="register-volunteer"')[1]
    assert f'<option value="{TOWNSHIP}">石牌镇（全乡镇）</option>' in form


def test_the_volunteers_list_says_a_code_outside_the_callers_area_is_no_place(
        client: TestClient, admin: Headers) -> None:
    pending(client, admin)
    clerk(client, admin, "county-clerk", "420821")
    page = client.get("/console/volunteers?region_code=999").text
    assert "“999”不是您所辖范围内的地区代码" in page and "刘爱华" not in page
