"""In production the service shows no more than it must (OWASP API8, API9).

- The API's map is not public: no ``/docs`` or ``/redoc``, and ``/openapi.json`` only with a
  bearer token (in development all three stay open).
- Passwords have at least 12 characters: the first administrator's (``AIXIN_ADMIN_PASSWORD``,
  refused at start), a new account's and a changed one (422 naming the field). Elsewhere the
  floor stays at 8, what ``POST /users`` has always asked for.
- Reminders name children: e-mail goes over STARTTLS or TLS, never plain SMTP (refused at
  start, and by the channel itself before it connects).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from aixin.settings import Settings
from tests.api.conftest import ADMIN_PASSWORD, login
from tests.security.conftest import PRODUCTION
from tests.security.servers import Inbox, smtp_server
from workers.reminders.channels import DeliveryError, Outgoing, SmtpChannel

Service = Callable[..., AbstractContextManager[TestClient]]


def test_in_production_the_interactive_docs_are_not_served(service: Service) -> None:
    with service(**PRODUCTION) as client:
        assert (client.get("/docs").status_code, client.get("/redoc").status_code) == (404, 404)


def test_in_production_the_openapi_document_needs_a_token(service: Service) -> None:
    with service(**PRODUCTION) as client:
        anonymous = client.get("/openapi.json")
        signed_in = client.get("/openapi.json", headers=login(client, "admin", ADMIN_PASSWORD))
    assert anonymous.status_code == 401
    assert signed_in.status_code == 200
    assert "/api/v1/children" in signed_in.json()["paths"]


def test_in_development_the_docs_and_the_openapi_document_are_open(service: Service) -> None:
    with service() as client:
        statuses = [client.get(path).status_code for path in ("/docs", "/redoc", "/openapi.json")]
    assert statuses == [200, 200, 200]


def test_production_refuses_a_short_admin_password() -> None:
    with pytest.raises(ValidationError, match="AIXIN_ADMIN_PASSWORD must have at least 12"):
        Settings(**PRODUCTION, admin_password="x" * 11)


def test_production_accepts_an_admin_password_of_twelve_characters() -> None:
    assert Settings(**PRODUCTION, admin_password="x" * 12).admin_password is not None


def test_a_one_character_admin_password_is_refused_in_development_too() -> None:
    with pytest.raises(ValidationError, match="AIXIN_ADMIN_PASSWORD must have at least 8"):
        Settings(admin_password="x")  # type: ignore[arg-type]


def _new_account(client: TestClient, password: str) -> Any:
    return client.post("/api/v1/users", headers=login(client, "admin", ADMIN_PASSWORD), json={
        "username": f"u{uuid4().hex[:8]}", "password": password, "role": "auditor"})


def test_in_production_a_new_account_needs_a_password_of_twelve_characters(
        service: Service) -> None:
    with service(**PRODUCTION) as client:
        short, enough = _new_account(client, "x" * 11), _new_account(client, "x" * 12)
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]
    assert enough.status_code == 201


def test_in_production_a_changed_password_needs_twelve_characters(service: Service) -> None:
    with service(**PRODUCTION) as client:
        changed = client.post("/api/v1/users/me/password",
                              headers=login(client, "admin", ADMIN_PASSWORD),
                              json={"current_password": ADMIN_PASSWORD,
                                    "new_password": "x" * 11})
    assert changed.status_code == 422
    assert changed.json()["detail"][0]["loc"] == ["body", "new_password"]


def test_in_development_a_new_account_may_have_eight_characters(service: Service) -> None:
    with service() as client:
        assert _new_account(client, "x" * 8).status_code == 201


def test_production_refuses_plain_smtp() -> None:
    with pytest.raises(ValidationError, match="AIXIN_SMTP_STARTTLS or AIXIN_SMTP_TLS"):
        Settings(**PRODUCTION, smtp_host="mail.example.cn")


@pytest.mark.parametrize("tls", [{"smtp_starttls": True}, {"smtp_tls": True}],
                         ids=["starttls", "tls"])
def test_production_accepts_smtp_over_tls(tls: dict[str, bool]) -> None:
    assert Settings(**PRODUCTION, smtp_host="mail.example.cn", **tls).smtp_host


def test_a_channel_that_requires_tls_never_sends_over_a_plain_connection() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        channel = SmtpChannel(host="127.0.0.1", port=port, sender="aixin@example.cn",
                              require_tls=True, timeout=5)
        with pytest.raises(DeliveryError) as refused:
            channel.send(Outgoing(key="r/v", reminder_id=uuid4(), volunteer_id=uuid4(),
                                  to="mama@example.cn", subject="提醒",
                                  text="王小花：本月还未联系"))
    assert not refused.value.transient
    assert inbox.messages == []
