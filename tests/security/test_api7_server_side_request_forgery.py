"""OWASP API7:2023 Server Side Request Forgery.

The one place the service makes a request to a URL is the reminder webhook, and the URL
comes from the settings, never from a request. Still: the settings refuse a webhook whose
host is not in ``AIXIN_REMINDER_WEBHOOK_ALLOWED_HOSTS`` (cloud metadata, loopback, private
addresses) or whose scheme is not http(s); production wants https and a signature; and the
channel itself checks the host again before connecting and never follows a redirect, so an
allowed gateway cannot bounce a reminder (and a volunteer's phone) to an internal address.
Real HTTP servers on this machine stand in for the gateway and the internal service.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import ValidationError

from aixin.settings import Settings
from tests.security.conftest import PRODUCTION
from tests.security.servers import Receiver, http_receiver
from workers.reminders.channels import DeliveryError, Outgoing, WebhookChannel

MESSAGE = Outgoing(key="r/v", reminder_id=uuid4(), volunteer_id=uuid4(), to="13700000004",
                   subject="【爱心提醒】", text="请按时联系结对孩子")


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://localhost:6379/",
    "http://10.0.0.5/hook", "http://sms.example.cn.evil.example/hook",
    "http://sms.example.cn@10.0.0.5/hook"])
def test_the_settings_refuse_a_webhook_host_that_is_not_allowed(url: str) -> None:
    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        Settings(reminder_webhook_url=url,  # type: ignore[call-arg]
                 reminder_webhook_allowed_hosts="sms.example.cn")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://sms.example.cn/",
                                 "ftp://sms.example.cn/"])
def test_the_settings_refuse_a_webhook_that_is_not_http(url: str) -> None:
    with pytest.raises(ValidationError, match="http"):
        Settings(reminder_webhook_url=url,  # type: ignore[call-arg]
                 reminder_webhook_allowed_hosts="sms.example.cn")


def test_production_wants_the_webhook_over_https_and_signed() -> None:
    with pytest.raises(ValidationError, match="https and signed"):
        Settings(**PRODUCTION, reminder_webhook_url="http://sms.example.cn/hook",
                 reminder_webhook_allowed_hosts="sms.example.cn")


def test_a_channel_to_a_host_not_allowed_never_connects() -> None:
    internal = Receiver()
    with http_receiver(internal) as port:
        channel = WebhookChannel(url=f"http://127.0.0.1:{port}/admin",
                                 allowed_hosts={"sms.example.cn"})
        with pytest.raises(DeliveryError, match="not an allowed host") as refused:
            channel.send(MESSAGE)
    assert not refused.value.transient
    assert internal.paths == []


def test_a_redirect_from_the_gateway_to_an_internal_address_is_not_followed() -> None:
    internal = Receiver()
    with http_receiver(internal) as internal_port:
        gateway = Receiver(status=307, location=f"http://localhost:{internal_port}/secret")
        with http_receiver(gateway) as port:
            channel = WebhookChannel(url=f"http://127.0.0.1:{port}/sms",
                                     allowed_hosts={"127.0.0.1"})
            with pytest.raises(DeliveryError, match="HTTP 307") as failed:
                channel.send(MESSAGE)
    assert gateway.paths == ["/sms"] and internal.paths == []
    assert not failed.value.transient
