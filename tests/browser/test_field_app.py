"""The field app (`/app`) in headless Chromium, at desk and phone sizes: a caring mother records
a contact, with the network and without it (kept on the phone, sent once when it returns), a
refusal is shown with the rule's message, a teacher records a talk, a concern is reported."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER
from tests.browser.conftest import ADMIN_PASSWORD, DESKTOP, PHONE, County

#: One served county and one Chromium for every browser test (session fixtures): one process.
pytestmark = pytest.mark.xdist_group("browser")

MOTHER = ("field-mama", "field-password-123")
TEACHER = ("field-teacher", "field-password-123")
PUPIL = "陈小雨"  # the field app's own child, paired with its own caring mother
#: The field app's children, caring mother and school are in a county of their own (掇刀区),
#: so that what the other browser modules count in theirs (a quarter's report of 420821, its
#: work-lists) is not changed by the children added here.
REGION, TOWNSHIP, SCHOOL = "420804", "420804101", "掇刀区实验小学"
PLACE = {"region_code": TOWNSHIP, "school": SCHOOL}
SIZES = {"desk": DESKTOP, "phone": PHONE}
WAIT = 20_000  # ms for what the app shows after a round trip to the server


@dataclass(frozen=True)
class Field:
    url: str
    admin: dict[str, str]
    child_id: str
    pairing_id: str
    volunteer_id: str


@pytest.fixture(scope="module")
def field(county: County) -> Field:
    """A child of the field app's own paired with its own caring mother, her account and a
    teacher's of the child's school, in a county of their own, made through the API by the
    admin."""
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{county.url}/api/v1", headers=admin, timeout=30) as client:
        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = client.post(path, json=body)
            assert response.status_code in (200, 201), response.text
            return response.json()  # type: ignore[no-any-return]

        child = post("/children", {**CHILD, **PLACE, "name": PUPIL,
                                   "birth_date": "2015-10-02"})["id"]
        volunteer = post("/volunteers", {**VOLUNTEER, "name": "周慧敏",
                                         "region_code": REGION})["id"]
        for level in ("unit", "county", "city", "province"):
            post(f"/volunteers/{volunteer}/reviews", {
                "level": level, "decision": "approve", "opinion": "同意", "on": "2026-02-01",
                "signed_by": SIGNERS[level]})
        pairing = post("/pairings", {
            "child_ids": [child], "volunteer_ids": [volunteer], "principle": "nearby",
            "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"})["id"]
        post("/users", {"username": MOTHER[0], "password": MOTHER[1], "role": "volunteer",
                        "volunteer_id": volunteer})
        post("/users", {"username": TEACHER[0], "password": TEACHER[1], "role": "school",
                        "school": SCHOOL, "region_code": REGION})
    return Field(county.url, admin, child, pairing, volunteer)


@pytest.fixture(params=list(SIZES))
def app(request: pytest.FixtureRequest, browser: Browser, field: Field) -> Iterator[Page]:
    """The app in a fresh browser (nothing kept from before) at desk or phone size."""
    size: ViewportSize = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(base_url=field.url, viewport=size, is_mobile=phone,
                                  has_touch=phone, locale="zh-CN", service_workers="allow")
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    page.goto("/app/")
    yield page
    context.close()


def log_in(page: Page, who: tuple[str, str] = MOTHER) -> None:
    page.fill("#login input[name=username]", who[0])
    page.fill("#login input[name=password]", who[1])
    page.click("#login button[type=submit]")
    expect(page.locator("#children")).to_be_visible(timeout=WAIT)


def kept_offline(page: Page) -> None:
    """Wait until the service worker controls the page (the app then opens offline)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)


def cut_the_network(page: Page) -> list[str]:
    """No network, as a phone out of reach has none; returns the list of the API requests
    the app then tries (each refused, as a dead network refuses it). Chromium's emulated
    offline state may not hold for requests its service worker passes on (Playwright issue
    #2311), so the context's routes, which see those too, refuse them as well."""
    tried: list[str] = []

    def refuse(route: Route) -> None:
        tried.append(f"{route.request.method} {route.request.url}")
        route.abort("internetdisconnected")

    page.context.set_offline(True)
    page.context.route("**/api/**", refuse)
    return tried


def restore_the_network(page: Page) -> None:
    page.context.unroute("**/api/**")
    page.context.set_offline(False)


def open_form(page: Page, child: str, action: str) -> None:
    page.locator("article.child", has_text=child).get_by_role("link", name=action).click()


def record_contact(page: Page, notes: str, kind: str = "家访", child: str = PUPIL) -> None:
    open_form(page, child, "记录联系")
    page.select_option("#contact select[name=kind]", label=kind)
    page.fill("#contact textarea[name=notes]", notes)
    page.fill("#contact input[name=items]", "2")
    page.click("#contact button[type=submit]")


def contacts_noted(field: Field, notes: str, path: str | None = None) -> int:
    """How many contacts the API holds with these notes (on the pairing, or at ``path``)."""
    answer = httpx.get(f"{field.url}/api/v1{path or f'/pairings/{field.pairing_id}/contacts'}",
                       params={"limit": 200}, headers=field.admin, timeout=30)
    assert answer.status_code == 200, answer.text
    return sum(1 for item in answer.json()["items"] if item["notes"] == notes)


def shot(page: Page, shoot: Any, name: str) -> None:
    shoot(page, f"field-{name}-{page.size_name}")  # type: ignore[attr-defined]


def test_the_children_are_listed_with_what_is_due_and_why(app: Page, shoot: Any) -> None:
    shot(app, shoot, "login")
    log_in(app)
    card = app.locator("article.child", has_text=PUPIL)
    expect(card.locator(".duties li").first).to_be_visible()
    expect(card).to_contain_text("监护人：张桂兰（祖母）")
    expect(app.locator("#who")).to_contain_text("爱心妈妈")
    shot(app, shoot, "children")


def test_a_caring_mother_records_a_contact_and_the_pairing_has_it(
        app: Page, field: Field, shoot: Any) -> None:
    log_in(app)
    notes = f"家访了解学习情况 {uuid.uuid4().hex[:8]}"
    open_form(app, PUPIL, "记录联系")
    shot(app, shoot, "contact-form")
    app.click("#contact a.button")  # 取消
    record_contact(app, notes)
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    assert contacts_noted(field, notes) == 1


def test_a_contact_recorded_without_network_waits_and_is_sent_once_when_it_returns(
        app: Page, field: Field, shoot: Any) -> None:
    log_in(app)
    kept_offline(app)
    tried = cut_the_network(app)
    notes = f"离线记录的电话 {uuid.uuid4().hex[:8]}"
    record_contact(app, notes, kind="电话")
    expect(app.locator("#pending-text")).to_have_text("待发送 1 条")
    expect(app.locator("#network")).to_be_visible()
    shot(app, shoot, "offline-waiting")
    app.reload()  # the app opens from the phone, the contact still waiting
    expect(app.locator("#pending-text")).to_have_text("待发送 1 条")
    app.goto("/app/#outbox")
    expect(app.locator("#outbox article.waiting")).to_contain_text("电话")
    shot(app, shoot, "outbox")
    assert contacts_noted(field, notes) == 0  # nothing reached the server while offline
    assert tried == []  # the app knows the phone is offline and does not try
    restore_the_network(app)
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    expect(app.locator("#pending")).to_be_hidden()
    app.reload()
    expect(app.locator("#children, #outbox").first).to_be_visible(timeout=WAIT)
    expect(app.locator("#pending")).to_be_hidden()
    assert contacts_noted(field, notes) == 1


def test_a_contact_whose_answer_was_lost_is_recorded_once_however_often_it_is_sent(
        app: Page, field: Field) -> None:
    log_in(app)
    lost: list[dict[str, Any]] = []

    def lose_the_answer(route: Route) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server records it; the answer never reaches the phone
            lost.append({"headers": route.request.headers, "body": route.request.post_data})
            route.abort("connectionreset")
        else:
            route.continue_()

    app.route("**/api/v1/pairings/*/contacts", lose_the_answer)
    notes = f"回答丢失的家访 {uuid.uuid4().hex[:8]}"
    with app.expect_event("requestfailed"):
        record_contact(app, notes)
    expect(app.locator("#pending-text")).to_have_text("待发送 1 条")
    assert contacts_noted(field, notes) == 1
    app.click("#retry")
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    again = app.evaluate("""async ([url, sent]) => {
        const r = await fetch(url, {method: 'POST', body: sent.body, headers: {
            'Authorization': sent.headers.authorization, 'Content-Type': 'application/json',
            'Idempotency-Key': sent.headers['idempotency-key']}});
        return [r.status, r.headers.get('idempotent-replayed')];
    }""", [f"/api/v1/pairings/{field.pairing_id}/contacts", lost[0]])
    assert again == [201, "true"]
    assert contacts_noted(field, notes) == 1


def test_a_contact_the_network_dropped_is_sent_again_by_itself(app: Page, field: Field) -> None:
    log_in(app)
    dropped: list[str] = []

    def drop_the_first(route: Route) -> None:
        if route.request.method == "POST" and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")  # the network let it down; nothing reached the server
        else:
            route.continue_()

    app.route("**/api/v1/pairings/*/contacts", drop_the_first)
    notes = f"网络中断后自动重发 {uuid.uuid4().hex[:8]}"
    with app.expect_event("requestfailed"):
        record_contact(app, notes)
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)  # no tap on 重新发送
    expect(app.locator("#pending")).to_be_hidden()
    assert len(dropped) == 1 and contacts_noted(field, notes) == 1


def test_a_contact_the_server_could_not_take_waits_and_the_retry_sends_it(
        app: Page, field: Field) -> None:
    log_in(app)
    app.route("**/api/v1/pairings/*/contacts", lambda route: route.fulfill(
        status=503, json={"detail": "服务暂不可用"}))
    notes = f"服务器忙时的记录 {uuid.uuid4().hex[:8]}"
    with app.expect_response("**/contacts"):
        record_contact(app, notes)
    expect(app.locator("#pending-text")).to_have_text("待发送 1 条")
    app.unroute("**/api/v1/pairings/*/contacts")
    app.click("#retry")
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    expect(app.locator("#pending")).to_be_hidden()
    assert contacts_noted(field, notes) == 1


def test_a_contact_dated_in_the_future_is_refused_with_the_rules_message_and_kept(
        app: Page, field: Field, shoot: Any) -> None:
    log_in(app)
    notes = f"日期填错的记录 {uuid.uuid4().hex[:8]}"
    open_form(app, PUPIL, "记录联系")
    date = app.locator("#contact input[name=occurred_on]")
    assert date.get_attribute("max") == date.input_value()  # today, and never later
    date.evaluate("input => { input.removeAttribute('max'); input.value = '2099-01-01'; }")
    app.fill("#contact textarea[name=notes]", notes)
    app.click("#contact button[type=submit]")
    expect(app.locator("#pending-text")).to_contain_text("未被接受 1 条", timeout=WAIT)
    app.goto("/app/#outbox")
    refused = app.locator("#outbox article.refused")
    expect(refused.locator(".error")).to_contain_text("2099-01-01")
    shot(app, shoot, "refused")
    app.reload()
    expect(app.locator("#outbox article.refused")).to_have_count(1)  # kept until dealt with
    app.locator("#outbox article.refused").get_by_role("button", name="删除").click()
    expect(app.locator("#outbox article")).to_have_count(0)
    assert contacts_noted(field, notes) == 0


def test_a_refused_contact_put_right_by_the_user_is_recorded_once(
        app: Page, field: Field) -> None:
    log_in(app)
    notes = f"改正日期后的记录 {uuid.uuid4().hex[:8]}"
    open_form(app, PUPIL, "记录联系")
    app.locator("#contact input[name=occurred_on]").evaluate(
        "input => { input.removeAttribute('max'); input.value = '2099-01-01'; }")
    app.fill("#contact textarea[name=notes]", notes)
    app.click("#contact button[type=submit]")
    expect(app.locator("#pending-text")).to_contain_text("未被接受 1 条", timeout=WAIT)
    app.goto("/app/#outbox")
    app.locator("#outbox article.refused").get_by_role("link", name="修改").click()
    expect(app.locator("#contact .error")).to_contain_text("2099-01-01")
    expect(app.locator("#contact textarea[name=notes]")).to_have_value(notes)  # as typed
    app.fill("#contact input[name=occurred_on]", "2026-11-30")
    app.click("#contact button[type=submit]")
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    expect(app.locator("#pending")).to_be_hidden()
    assert contacts_noted(field, notes) == 1


def test_a_contact_on_a_pairing_ended_meanwhile_is_refused_with_the_rules_message(
        app: Page, field: Field) -> None:
    other = f"结对已结束{uuid.uuid4().hex[:4]}"
    with httpx.Client(base_url=f"{field.url}/api/v1", headers=field.admin, timeout=30) as api:
        child = api.post("/children", json={**CHILD, **PLACE, "name": other}).json()["id"]
        pairing = api.post("/pairings", json={
            "child_ids": [child], "volunteer_ids": [field.volunteer_id],
            "principle": "nearby", "agreement_signed_on": "2026-03-05",
            "starts_on": "2026-03-10"}).json()["id"]
        log_in(app)
        open_form(app, other, "记录联系")
        ended = api.post(f"/pairings/{pairing}/end", json={"reason": "孩子随父母迁出"})
        assert ended.status_code == 200, ended.text
    app.click("#contact button[type=submit]")
    expect(app.locator("#pending-text")).to_contain_text("未被接受 1 条", timeout=WAIT)
    app.goto("/app/#outbox")
    expect(app.locator("#outbox article.refused .error")).to_contain_text("结束")


def test_a_teacher_records_a_talk_on_the_pupil(app: Page, field: Field, shoot: Any) -> None:
    log_in(app, TEACHER)
    expect(app.locator("#children h2")).to_have_text("本校留守儿童")
    notes = f"班主任谈心 {uuid.uuid4().hex[:8]}"
    record_contact(app, notes, kind="谈心")
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    assert contacts_noted(field, notes, f"/children/{field.child_id}/contacts") == 1
    shot(app, shoot, "teacher")


def test_a_concern_is_reported_at_once(app: Page, field: Field, shoot: Any) -> None:
    log_in(app)
    said = f"连续两天没有到校 {uuid.uuid4().hex[:8]}"
    open_form(app, PUPIL, "情况报告")
    app.select_option("#concern select[name=kind]", label="缺课")
    app.fill("#concern textarea[name=description]", said)
    shot(app, shoot, "concern-form")
    app.click("#concern button[type=submit]")
    expect(app.locator("#toast")).to_contain_text("已发送", timeout=WAIT)
    child = httpx.get(f"{field.url}/api/v1/children/{field.child_id}", headers=field.admin)
    assert [c["kind"] for c in child.json()["concerns"] if c["description"] == said] == [
        "absence"]


def test_staff_are_told_the_app_is_for_caring_mothers_and_teachers_and_led_to_the_console(
        app: Page, shoot: Any) -> None:
    app.fill("#login input[name=username]", "admin")
    app.fill("#login input[name=password]", ADMIN_PASSWORD)
    app.click("#login button[type=submit]")
    told = app.locator("#not-field")
    expect(told).to_contain_text("爱心妈妈和学校老师", timeout=WAIT)
    expect(told.get_by_role("link", name="前往管理后台")).to_have_attribute("href", "/console")
    expect(app.locator("#view")).not_to_contain_text("无权")
    shot(app, shoot, "staff")


def test_a_wrong_password_is_told_in_chinese(app: Page) -> None:
    log_in_fails = app.locator("#login .error")
    app.fill("#login input[name=username]", MOTHER[0])
    app.fill("#login input[name=password]", "not-her-password")
    app.click("#login button[type=submit]")
    expect(log_in_fails).to_have_text("用户名或密码错误")


def test_the_reminders_and_the_account_have_their_screens(app: Page, shoot: Any) -> None:
    log_in(app)
    app.click("#tabs a[data-tab=reminders]")
    expect(app.locator("#reminders h2")).to_have_text("我的提醒")
    shot(app, shoot, "reminders")
    app.click("#tabs a[data-tab=account]")
    expect(app.locator("#account")).to_contain_text(MOTHER[0])
    shot(app, shoot, "account")


def test_chromium_finds_the_app_installable(app: Page) -> None:
    log_in(app)
    kept_offline(app)
    session = app.context.new_cdp_session(app)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A test's browser context is incognito, where nothing is installed; nothing else stops it.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == [] and "爱心" in manifest["data"]


def test_logging_out_leaves_nothing_of_the_user_on_the_phone(app: Page) -> None:
    log_in(app)
    app.click("#tabs a[data-tab=account]")
    app.click("#logout")
    expect(app.locator("#login")).to_be_visible()
    kept = app.evaluate("""async () => {
        const db = await idb.openDB('aixin-app', 1);
        const counts = await Promise.all(['session', 'work', 'outbox'].map((s) => db.count(s)));
        const caches_ = await caches.keys();
        return {counts, caches: caches_.filter((n) => !n.startsWith('aixin-app-precache'))};
    }""")
    assert kept == {"counts": [0, 0, 0], "caches": []}
    app.reload()
    expect(app.locator("#login")).to_be_visible()
