"""The console's forms record a fact once, at the version of the record they were read at.

Each form carries a key made when its page was rendered and is handled through the same
keyed-command path as the API's ``Idempotency-Key``: sent again (a double click, the
browser's resend) it is answered as the first was and records nothing twice. A form that
changes a record carries the version it was read at, expected as ``If-Match`` expects it: a
record changed meanwhile refuses it, in Chinese, and keeps what was typed.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from api.console.forms import CHANGED_MEANWHILE
from tests.api.conftest import approved_volunteer
from tests.api.test_console import console_login
from tests.api.test_console_child_forms import FORM as CHILD_FORM
from tests.api.test_console_volunteer_forms import FORM as VOLUNTEER_FORM

Headers = dict[str, str]


def hidden(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to ``action``."""
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def twice(client: TestClient, page: str, action: str, **fields: Any) -> tuple[Response, Response]:
    """The form posting to ``action`` on ``page`` sent, then sent again as it was."""
    data = {**hidden(page, action), **fields}
    return (client.post(action, data=data, follow_redirects=False),
            client.post(action, data=data, follow_redirects=False))


def test_a_registration_sent_twice_registers_one_child(
        client: TestClient, admin: Headers) -> None:
    console_login(client)
    page = client.get("/console/children/new").text
    first, again = twice(client, page, "/console/children/new", **{**CHILD_FORM,
                                                                    "id_number": ""})
    assert first.status_code == again.status_code == 303, again.text
    assert first.headers["location"] == again.headers["location"]
    assert len(client.get("/api/v1/children", headers=admin).json()["items"]) == 1


def test_a_refused_registration_corrected_and_sent_with_its_key_is_recorded(
        client: TestClient, admin: Headers) -> None:
    console_login(client)
    data = {**hidden(client.get("/console/children/new").text, "/console/children/new"),
            **CHILD_FORM}
    refused = client.post("/console/children/new", data={**data, "consent_by": ""})
    corrected = client.post("/console/children/new", data=data, follow_redirects=False)
    assert (refused.status_code, corrected.status_code) == (422, 303)
    assert len(client.get("/api/v1/children", headers=admin).json()["items"]) == 1


def test_a_recorded_form_sent_again_with_other_content_is_refused_recording_nothing(
        client: TestClient, admin: Headers, child_id: str) -> None:
    console_login(client)
    action = f"/console/children/{child_id}/concerns"
    data = {**hidden(client.get(f"/console/children/{child_id}").text, action),
            "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-06-02"}
    assert client.post(action, data=data, follow_redirects=False).status_code == 303
    changed = client.post(action, data={**data, "description": "又缺课一天"})
    assert changed.status_code == 409 and "此表单已提交过" in changed.text
    concerns = client.get(f"/api/v1/children/{child_id}", headers=admin).json()["concerns"]
    assert [c["description"] for c in concerns] == ["连续三天未到校"]


def test_a_concern_sent_twice_is_recorded_once(
        client: TestClient, admin: Headers, child_id: str) -> None:
    console_login(client)
    action = f"/console/children/{child_id}/concerns"
    first, again = twice(client, client.get(f"/console/children/{child_id}").text, action,
                         kind="absence", description="连续三天未到校", occurred_on="2026-06-02")
    assert first.status_code == again.status_code == 303
    concerns = client.get(f"/api/v1/children/{child_id}", headers=admin).json()["concerns"]
    assert len(concerns) == 1


def test_a_pairing_sent_twice_forms_one_pairing(
        client: TestClient, admin: Headers, child_id: str) -> None:
    volunteer_id = approved_volunteer(client, admin)
    console_login(client)
    first, again = twice(client, client.get("/console/pairings/new").text,
                         "/console/pairings/new", do="pair", child_ids=[child_id],
                         volunteer_ids=[volunteer_id], principle="nearby",
                         agreement_signed_on="2026-03-05", starts_on="2026-03-10")
    assert first.status_code == again.status_code == 303, again.text
    assert first.headers["location"] == again.headers["location"]
    assert len(client.get("/api/v1/pairings", headers=admin).json()["items"]) == 1


def test_a_volunteer_registration_sent_twice_registers_one_volunteer(
        client: TestClient, admin: Headers) -> None:
    console_login(client)
    first, again = twice(client, client.get("/console/volunteers/new").text,
                         "/console/volunteers", **VOLUNTEER_FORM)
    assert first.status_code == again.status_code == 303, again.text
    assert len(client.get("/api/v1/volunteers", headers=admin).json()["items"]) == 1


def test_a_commendation_sent_twice_is_given_once(client: TestClient, admin: Headers) -> None:
    volunteer_id = approved_volunteer(client, admin)
    console_login(client)
    action = f"/console/volunteers/{volunteer_id}/commendation"
    first, again = twice(client, client.get(f"/console/volunteers/{volunteer_id}").text,
                         action, reason="优秀爱心妈妈", on="2026-06-01")
    assert first.status_code == again.status_code == 303, again.text
    record = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()
    assert len(record["commendations"]) == 1


def test_a_guardian_form_sent_after_another_changed_the_record_is_refused_as_typed(
        client: TestClient, admin: Headers, child_id: str) -> None:
    other = TestClient(client.app)
    action = f"/console/children/{child_id}/guardian"
    console_login(client)
    console_login(other)
    mine = hidden(client.get(f"/console/children/{child_id}").text, action)
    theirs = hidden(other.get(f"/console/children/{child_id}").text, action)
    assert other.post(action, follow_redirects=False, data={
        **theirs, "name": "王桂芳", "relation": "aunt", "on": "2026-06-01"}).status_code == 303
    refused = client.post(action, data={**mine, "name": "张秀英", "relation": "aunt",
                                        "on": "2026-06-01"})
    assert refused.status_code == 409 and CHANGED_MEANWHILE in refused.text
    assert 'value="张秀英"' in refused.text
    guardian = client.get(f"/api/v1/children/{child_id}", headers=admin).json()["guardian"]
    assert guardian["name"] == "王桂芳"
