"""OWASP API10:2023 Unsafe Consumption of APIs.

The service consumes two outside services: the SMS / mini-program webhook and an SMTP
server. Whatever they do (fail, hang, redirect, drop the connection, refuse the recipient,
not be there at all), delivering a reminder does not crash: the failure is recorded on the
reminder (``DeliveryFailed``, with a description naming a code or an exception type, never
an address), retried if it may pass, final if not. Real servers on this machine play the
outside services; the register is a real SQLite store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

import pytest

from aixin.bootstrap import build_register, build_runner
from aixin.settings import Settings
from domain.application import CareRegister
from domain.reminders import DeliveryState
from tests.builders import TODAY
from tests.e2e.server import free_port
from tests.integration.test_reminders import issued_one, paired
from tests.security.servers import Inbox, Receiver, http_receiver, smtp_server
from workers.reminders.channels import Channel, SmtpChannel, WebhookChannel
from workers.reminders.delivery import deliver_reminder

PHONE = "13700000004"  # the volunteer's, in tests.builders
EMAIL = "liu.aihua@example.cn"


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings("sqlite", reminder_webhook_timeout=1.0, smtp_timeout=1.0)


@pytest.fixture
def reminder(settings: Settings) -> Iterator[tuple[CareRegister, UUID, UUID]]:
    """A reminder issued to a volunteer with a phone and an e-mail: register, ids."""
    register = build_register(settings, clock=lambda: TODAY)
    _, volunteer_id, _ = paired(register, email=EMAIL)
    runner = build_runner(settings, register)
    yield register, issued_one(register, runner), volunteer_id
    runner.store.close()
    register.close()


def delivered(reminder: tuple[CareRegister, UUID, UUID], settings: Settings,
              channel: Channel) -> tuple[DeliveryState, str, float | None]:
    """Deliver once on ``channel``: the state and error on record, and the retry wait."""
    register, reminder_id, volunteer_id = reminder
    report = deliver_reminder(register, settings, [channel], reminder_id)
    delivery = register.get_reminder(reminder_id).delivery(volunteer_id, channel.name)
    assert delivery is not None
    return delivery.state, delivery.error or "", report.retry_in


def webhook(port: int) -> WebhookChannel:
    return WebhookChannel(url=f"http://127.0.0.1:{port}/sms", allowed_hosts={"127.0.0.1"},
                          timeout=1.0)


def smtp(port: int) -> SmtpChannel:
    return SmtpChannel(host="127.0.0.1", port=port, sender="aixin@example.cn", timeout=1.0)


def test_a_webhook_answering_500_is_recorded_and_retried(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with http_receiver(Receiver(status=500)) as port:
        state, error, retry_in = delivered(reminder, settings, webhook(port))
    assert (state, error) == (DeliveryState.RETRYING, "HTTP 500") and retry_in


def test_a_webhook_that_hangs_is_a_timeout_recorded_and_retried(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with http_receiver(Receiver(delay=3.0)) as port:
        state, error, retry_in = delivered(reminder, settings, webhook(port))
    assert (state, error) == (DeliveryState.RETRYING, "HTTP connection: ReadTimeout")
    assert retry_in


def test_a_webhook_that_redirects_is_a_final_failure(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with http_receiver(Receiver(status=302, location="http://example.cn/")) as port:
        state, error, retry_in = delivered(reminder, settings, webhook(port))
    assert (state, error, retry_in) == (DeliveryState.FAILED, "HTTP 302", None)


def test_a_webhook_that_drops_the_connection_is_recorded_and_retried(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with http_receiver(Receiver(drop=True)) as port:
        state, error, _ = delivered(reminder, settings, webhook(port))
    assert state is DeliveryState.RETRYING and error.startswith("HTTP connection: ")


def test_an_smtp_server_refusing_the_recipient_is_a_final_failure(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with smtp_server(Inbox(refuse=True)) as port:
        state, error, retry_in = delivered(reminder, settings, smtp(port))
    assert (state, error, retry_in) == (DeliveryState.FAILED, "SMTP 550: recipient refused",
                                        None)


def test_an_smtp_server_that_is_not_there_is_recorded_and_retried(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    state, error, retry_in = delivered(reminder, settings, smtp(free_port()))
    assert (state, error) == (DeliveryState.RETRYING, "SMTP connection: ConnectionRefusedError")
    assert retry_in


def test_failures_are_recorded_without_the_address(
        reminder: tuple[CareRegister, UUID, UUID], settings: Settings) -> None:
    with smtp_server(Inbox(refuse=True)) as port:
        _, smtp_error, _ = delivered(reminder, settings, smtp(port))
    with http_receiver(Receiver(status=400)) as port:
        _, webhook_error, _ = delivered(reminder, settings, webhook(port))
    assert EMAIL not in smtp_error and PHONE not in webhook_error
