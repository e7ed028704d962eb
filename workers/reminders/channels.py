"""How a reminder reaches a volunteer (送达渠道): e-mail over SMTP, or an HTTP webhook.

Every channel has the same small interface (:class:`Channel`): the volunteer's address on it,
taken from the registration form, and ``send``, which either returns (the channel accepted the
message) or raises :class:`DeliveryError` saying whether trying again later may help.

- :class:`SmtpChannel`: e-mail to the form's ``email``, over SMTP (STARTTLS or TLS, and login
  when configured). 4xx replies and dropped connections are transient; 5xx replies are not.
  In production a reminder (which names children) never goes over a plain connection: without
  STARTTLS or TLS it is refused before connecting.
- :class:`WebhookChannel`: a JSON POST to one configured URL (an SMS gateway, a mini-program's
  message service), with the volunteer's ``phone``. The body is signed with HMAC-SHA256 over
  ``timestamp + "." + body`` (headers ``X-Aixin-Timestamp``, ``X-Aixin-Signature``). It goes
  only to a host listed in the allowed hosts, never follows a redirect, and refuses anything
  else before connecting (no SSRF). 5xx, 408, 425, 429 and network errors are transient.

Each message carries an idempotency key (reminder and volunteer): the ``Idempotency-Key``
header of the webhook and the e-mail's ``Message-ID``, so a receiver can drop the copy sent
again after a worker died between sending and recording. Error descriptions name codes and
exception types only, never an address or a name, since they are recorded and logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Collection
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import urlsplit
from uuid import UUID

import httpx

from aixin.settings import Settings
from domain.volunteers import VolunteerForm

# httpx logs every request's URL at INFO; a webhook URL may carry a gateway's token.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Outgoing:
    """One reminder to one volunteer on one channel."""

    key: str  # idempotency key: the same for every attempt to this volunteer
    reminder_id: UUID
    volunteer_id: UUID
    to: str  # the address on the channel: an e-mail address, a phone number
    subject: str
    text: str


class DeliveryError(Exception):
    """The channel did not take the message; ``transient`` if a later attempt may succeed."""

    def __init__(self, description: str, *, transient: bool) -> None:
        super().__init__(description)
        self.description = description
        self.transient = transient


class Channel(Protocol):
    name: str

    def address(self, form: VolunteerForm) -> str:
        """The volunteer's address on this channel, or "" if the form has none."""
        ...

    def send(self, message: Outgoing) -> None:
        """Hand the message over, or raise :class:`DeliveryError`."""
        ...


class SmtpChannel:
    """E-mail (电子邮件) through an SMTP server."""

    name = "email"

    def __init__(self, *, host: str, port: int, sender: str, starttls: bool = False,
                 tls: bool = False, require_tls: bool = False, user: str = "",
                 password: str = "", timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.user, self.password, self.timeout = starttls, user, password, timeout
        self.tls, self.require_tls = tls, require_tls

    def address(self, form: VolunteerForm) -> str:
        return form.email

    def send(self, message: Outgoing) -> None:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{message.key.replace('/', '.')}@aixin.reminders>"
        mail.set_content(message.text, charset="utf-8")
        if self.require_tls and not (self.starttls or self.tls):
            raise DeliveryError("SMTP refused: TLS is required and neither STARTTLS nor TLS "
                                "is on", transient=False)
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            code = codes[0] if codes else 550
            raise DeliveryError(f"SMTP {code}: recipient refused",
                                transient=400 <= code < 500) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP {error.smtp_code}: {type(error).__name__}",
                                transient=400 <= error.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP connection: {type(error).__name__}",
                                transient=True) from None

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


class WebhookChannel:
    """An HTTP webhook (短信网关、小程序消息): JSON, signed, to an allowed host only."""

    name = "webhook"

    def __init__(self, *, url: str, allowed_hosts: Collection[str], secret: str = "",
                 timeout: float = 10.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)

    def address(self, form: VolunteerForm) -> str:
        return form.phone

    def send(self, message: Outgoing) -> None:
        self._check_destination()
        body = json.dumps({
            "type": "aixin.reminder", "id": message.key, "reminder_id": str(message.reminder_id),
            "volunteer_id": str(message.volunteer_id), "phone": message.to,
            "subject": message.subject, "text": message.text,
        }, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": message.key, **self.signature(body)}
        try:
            response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout,
                                  follow_redirects=False)
        except httpx.HTTPError as error:
            raise DeliveryError(f"HTTP connection: {type(error).__name__}",
                                transient=True) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        transient = status >= 500 or status in (408, 425, 429)
        raise DeliveryError(f"HTTP {status}", transient=transient)

    def signature(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The signing headers for ``body`` (none without a secret)."""
        if not self.secret:
            return {}
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new(self.secret.encode(), stamp.encode() + b"." + body,
                          hashlib.sha256).hexdigest()
        return {"X-Aixin-Timestamp": stamp, "X-Aixin-Signature": f"sha256={digest}"}

    def _check_destination(self) -> None:
        url = urlsplit(self.url)
        host = (url.hostname or "").lower()
        if url.scheme not in ("http", "https") or host not in self.allowed_hosts:
            raise DeliveryError("webhook destination refused: its host is not an allowed host",
                                transient=False)


def channels_for(settings: Settings) -> list[Channel]:
    """The channels the settings turn on (none by default: reminders are then only listed)."""
    channels: list[Channel] = []
    if settings.smtp_host:
        channels.append(SmtpChannel(
            host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
            starttls=settings.smtp_starttls, tls=settings.smtp_tls,
            require_tls=settings.environment == "production", user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
            timeout=settings.smtp_timeout))
    if settings.reminder_webhook_url:
        secret = settings.reminder_webhook_secret
        channels.append(WebhookChannel(
            url=settings.reminder_webhook_url, allowed_hosts=settings.webhook_hosts,
            secret=secret.get_secret_value() if secret else "",
            timeout=settings.reminder_webhook_timeout))
    return channels
