"""Real servers for the webhook and e-mail channels to talk to: an HTTP receiver that
answers as told (a status, a redirect, a slow answer, a dropped connection), and an SMTP
server (aiosmtpd) that accepts or refuses."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.e2e.server import free_port


@dataclass
class Receiver:
    """What the HTTP receiver does with each request, and the paths it was asked for."""

    status: int = 200
    location: str = ""  # sent with a 3xx
    delay: float = 0.0  # seconds before answering
    drop: bool = False  # close the connection without answering
    paths: list[str] = field(default_factory=list)


@contextmanager
def http_receiver(receiver: Receiver) -> Iterator[int]:
    """Serve ``receiver`` on 127.0.0.1; yields the port."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.paths.append(self.path)
            time.sleep(receiver.delay)
            if receiver.drop:
                self.close_connection = True
                return
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


class Inbox:
    """An aiosmtpd handler: keeps each message, or refuses every recipient."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(  # type: ignore[arg-type]
            envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(mailbox: Inbox) -> Iterator[int]:
    """Serve ``mailbox`` over SMTP on 127.0.0.1; yields the port."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
