"""The webhook channel goes only where it is allowed, and says which failures are worth a retry.

(Real deliveries, over a real SMTP server and a real HTTP receiver, are in tests/workers.)
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from uuid import uuid4

import httpx
import pytest
from pydantic import ValidationError

from aixin.settings import Settings
from workers.reminders.channels import DeliveryError, Outgoing, WebhookChannel

MESSAGE = Outgoing(key="r/v", reminder_id=uuid4(), volunteer_id=uuid4(), to="13700000004",
                   subject="【爱心提醒】", text="王小花")


def answering(monkeypatch: pytest.MonkeyPatch, status: int) -> list[dict[str, Any]]:
    """Replace the network: every POST gets ``status``; the calls are returned."""
    calls: list[dict[str, Any]] = []

    def post(url: str, **kw: Any) -> httpx.Response:
        calls.append({"url": url, **kw})
        return httpx.Response(status, request=httpx.Request("POST", url))

    monkeypatch.setattr(httpx, "post", post)
    return calls


def channel(url: str = "https://sms.example.cn/send", secret: str = "") -> WebhookChannel:
    return WebhookChannel(url=url, allowed_hosts={"sms.example.cn"}, secret=secret)


def test_a_destination_outside_the_allowed_hosts_is_refused_before_connecting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answering(monkeypatch, 200)
    with pytest.raises(DeliveryError) as refused:
        channel("http://169.254.169.254/latest/meta-data").send(MESSAGE)
    assert not refused.value.transient and calls == []


def test_the_settings_refuse_a_webhook_on_a_host_not_allowed() -> None:
    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        Settings(reminder_webhook_url="http://10.0.0.5/hook",  # type: ignore[call-arg]
                 reminder_webhook_allowed_hosts="sms.example.cn")


def test_redirects_are_not_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answering(monkeypatch, 302)
    with pytest.raises(DeliveryError, match="HTTP 302") as failed:
        channel().send(MESSAGE)
    assert calls[0]["follow_redirects"] is False and not failed.value.transient


@pytest.mark.parametrize(("status", "transient"), [
    (500, True), (503, True), (429, True), (408, True), (400, False), (404, False)])
def test_server_errors_and_throttling_are_retried_and_refusals_are_not(
        monkeypatch: pytest.MonkeyPatch, status: int, transient: bool) -> None:
    answering(monkeypatch, status)
    with pytest.raises(DeliveryError) as failed:
        channel().send(MESSAGE)
    assert failed.value.transient is transient


def test_the_body_is_signed_over_the_timestamp_and_the_body(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answering(monkeypatch, 204)
    channel(secret="key").send(MESSAGE)
    headers, body = calls[0]["headers"], calls[0]["content"]
    expected = hmac.new(b"key", headers["X-Aixin-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Aixin-Signature"] == f"sha256={expected}"
    assert headers["Idempotency-Key"] == "r/v"
    assert "王小花".encode() in body
