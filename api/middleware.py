"""ASGI middleware: request size limit, Idempotency-Key replay on every POST, security
headers on every response, and a per-account limit on writes.

A POST with an ``Idempotency-Key`` is recorded once however often it is sent: the key is
claimed in the table of stored answers (so that tries arriving together wait for the
first), the command is handled as a keyed command (its record is saved with its events:
``domain.application.commands``), and its answer is stored *before* it is sent, so that
every answer a caller received is the one a retry gets. A try whose first was recorded but
never answered (a killed process, a dropped connection, an error after the commit) is
handled again without recording anything and answered from what the first recorded.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from anyio import to_thread

from api.security import TokenError, Tokens
from api.uploads import MAX_UPLOAD_BODY, carries_upload, replaying, spooled
from api.uploads import TOO_LARGE as UPLOAD_TOO_LARGE
from domain.application.commands import KeyedCommand, keyed_command
from domain.errors import IdempotencyKeyReused
from storage.idempotency import PENDING_SECONDS, IdempotencyStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024 * 1024  # 1 MiB: no record of a child needs more

#: How long a try waits for the first with the same key to be answered; then 409, and its
#: next try takes the claim over.
REPLAY_WAIT = float(PENDING_SECONDS)
MAX_KEY = 200  # characters of an Idempotency-Key (a UUID has 36)
#: Refusals that can come of the record having moved on since a command was recorded.
_REFUSED_AS_CHANGED = frozenset({409, 412, 422})


async def _respond(send: Send, status: int, body: bytes,
                   headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _detail(message: str) -> bytes:
    return json.dumps({"detail": message}, ensure_ascii=False).encode()


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                body: bytes) -> None:
    """Send an answer held back until it was kept."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _recorded_answer(command: KeyedCommand) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """What a try of an already recorded command is told when it cannot be handled again
    (what it would change changed meanwhile): that it was recorded, and what it recorded."""
    assert command.first is not None
    changed = [{"id": id_, "version": version} for id_, version in command.first.changed]
    body = json.dumps({
        "detail": "该请求已记录（首次应答未送达）: this request was recorded by an earlier try "
                  "with the same Idempotency-Key, whose answer was lost",
        "id": changed[0]["id"] if changed else None,
        "version": changed[0]["version"] if changed else None,
        "recorded": changed}, ensure_ascii=False).encode()
    return 200, body, [(b"content-type", b"application/json"),
                       (b"content-length", str(len(body)).encode())]


class LimitsAndIdempotency:
    """Refuse oversized bodies (413); replay POSTs that carry a known Idempotency-Key."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state  # the FastAPI app's state: .idempotency, .tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if scope["method"] == "POST" and carries_upload(scope["path"]):
            await self._upload(scope, receive, send, headers)
            return
        if int(headers.get("content-length") or 0) > MAX_BODY:
            await _respond(send, 413, _detail(f"the request body is over {MAX_BODY} bytes"))
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                await _respond(send, 413, _detail(f"the request body is over {MAX_BODY} bytes"))
                return

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        await self._keyed(scope, replay_body, send, headers, body)

    async def _upload(self, scope: Scope, receive: Receive, send: Send,
                      headers: dict[str, str]) -> None:
        """A POST carrying a file: its own limit, spooled to disk, keyed on its SHA-256."""
        if int(headers.get("content-length") or 0) > MAX_UPLOAD_BODY:
            await _respond(send, 413, _detail(UPLOAD_TOO_LARGE))
            return
        taken = await spooled(receive)
        if taken is None:
            await _respond(send, 413, _detail(UPLOAD_TOO_LARGE))
            return
        upload, digest = taken
        try:
            await self._keyed(scope, replaying(upload), send, headers,
                              f"sha256:{digest}".encode())
        finally:
            upload.close()

    async def _keyed(self, scope: Scope, replay_body: Receive, send: Send,
                     headers: dict[str, str], body: bytes) -> None:
        """Handle the request, once per Idempotency-Key (``body``: what identifies it)."""
        key = headers.get("idempotency-key")
        if not key or scope["method"] != "POST":
            await self.app(scope, replay_body, send)
            return
        if len(key) > MAX_KEY:
            await _respond(send, 422, _detail(f"Idempotency-Key: at most {MAX_KEY} characters"))
            return
        owner = self._owner(headers)
        store: IdempotencyStore = self.state.idempotency
        fingerprint = store.fingerprint(scope["path"].encode(), scope.get("query_string", b""),
                                        body)
        claimed_at = time.time()  # the claim's token
        stored = await to_thread.run_sync(store.claim, owner, key, fingerprint, claimed_at)
        if stored is not None:
            await self._replay(store, owner, key, fingerprint, stored, send)
            return
        with keyed_command(owner, key, fingerprint) as command:
            await self._handle_first(scope, replay_body, send, store, command, claimed_at)

    async def _handle_first(self, scope: Scope, receive: Receive, send: Send,
                            store: IdempotencyStore, command: KeyedCommand,
                            claimed_at: float) -> None:
        """Handle a claimed key's command, keep its answer, then send the answer."""
        owner, key = command.owner, command.key

        async def release() -> None:
            await to_thread.run_sync(store.release, owner, key, claimed_at)

        try:
            first = await to_thread.run_sync(self.state.register.recorded_command, command.id)
            if first is not None:  # recorded by an earlier try whose answer was lost
                self.state.register.replay(command, first)
        except IdempotencyKeyReused as reused:
            await release()
            await _respond(send, 422, _detail(reused.message))
            return
        except BaseException:
            await release()
            raise
        captured: dict[str, Any] = {"body": b"", "headers": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await release()
            raise
        status = captured.get("status", 500)
        if status in _REFUSED_AS_CHANGED and not command.recorded:
            # Refused for what the record now is: if an earlier try (or one that took the
            # claim over meanwhile) recorded the command, that is the answer.
            first = command.first or await to_thread.run_sync(
                self.state.register.recorded_command, command.id)
            if first is not None:
                command.first = first
                status, captured["body"], captured["headers"] = _recorded_answer(command)
        if status >= 500 or status == 401:
            # Nothing to keep: a retry is handled again, and records nothing twice.
            await release()
            await _send(send, status, captured["headers"], captured["body"])
            return
        kept = {k.decode(): v.decode() for k, v in captured["headers"]
                if k.decode().lower() in ("etag", "location", "content-type")}
        try:
            await to_thread.run_sync(store.complete, owner, key, status, captured["body"], kept,
                                     claimed_at)
        except Exception:
            await release()
            await _respond(send, 503, _detail("the answer could not be kept; send the same "
                                              "request again with the same Idempotency-Key"))
            return
        await _send(send, status, captured["headers"], captured["body"])

    def _owner(self, headers: dict[str, str]) -> str:
        tokens: Tokens = self.state.tokens
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            try:
                return str(tokens.subject(authorization[7:].strip()))
            except TokenError:
                return "invalid-token"
        return "anonymous"

    async def _replay(self, store: IdempotencyStore, owner: str, key: str, fingerprint: str,
                      stored: Any, send: Send) -> None:
        if stored.fingerprint != fingerprint:
            await _respond(send, 422, _detail(IdempotencyKeyReused.MESSAGE))
            return
        with anyio.move_on_after(REPLAY_WAIT):
            while stored is not None and stored.status is None:  # the first is in flight
                await anyio.sleep(0.02)
                stored = await to_thread.run_sync(store.get, owner, key)
        if stored is None or stored.status is None:
            await _respond(send, 409, _detail("the first request with this Idempotency-Key "
                                              "is still being answered; retry shortly"))
            return
        headers = [(k.lower().encode(), v.encode()) for k, v in stored.headers.items()
                   if k.lower() != "content-type"]
        await _respond(send, stored.status, stored.body,
                       [*headers, (b"idempotent-replayed", b"true")])


#: Sent with every answer (OWASP API8): no MIME sniffing, never framed, no referrer.
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"no-referrer"),
           (b"cross-origin-resource-policy", b"same-origin"))
#: The API's JSON loads nothing and runs nothing; pages elsewhere (docs, console) may.
_API_CSP = b"default-src 'none'; frame-ancestors 'none'"
_PAGE_CSP = b"frame-ancestors 'none'"
_HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Security headers on every response: ``nosniff``, ``DENY`` framing, no referrer, a
    Content-Security-Policy, ``Cache-Control: no-store`` (answers carry children's personal
    data: no browser or proxy keeps them) unless a route set its own, and
    ``Strict-Transport-Security`` over TLS or in production (behind a TLS proxy)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        tls = self.hsts or scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*_ALWAYS, (b"content-security-policy", _API_CSP if api else _PAGE_CSP),
                         (b"cache-control", b"no-store")]
                if tls:
                    extra.append((b"strict-transport-security", _HSTS))
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class WriteRateLimit:
    """At most ``per_minute`` writes (POST, PUT, PATCH, DELETE) per account and minute
    (OWASP API4): the next is 429 with ``Retry-After``. Logins are throttled apart
    (:mod:`storage.throttle`); requests without a valid token are left to the route (401).

    The count is kept in this process: with several API processes (``AIXIN_WEB_WORKERS``)
    each allows ``per_minute``, so the deployment allows that many times more; set the limit
    with the number of processes in mind.
    """

    def __init__(self, app: ASGIApp, state: Any, per_minute: int) -> None:
        self.app = app
        self.state = state  # the FastAPI app's state: .tokens
        self.per_minute = per_minute
        self.recent: dict[str, deque[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.per_minute and scope["type"] == "http"
                and scope["method"] in ("POST", "PUT", "PATCH", "DELETE")):
            wait = self._wait(scope)
            if wait is not None:
                await _respond(send, 429, _detail(
                    f"too many changes from this account: at most {self.per_minute} a minute; "
                    f"try again in {wait} seconds"), [(b"retry-after", str(wait).encode())])
                return
        await self.app(scope, receive, send)

    def _wait(self, scope: Scope) -> int | None:
        headers = dict(scope["headers"])
        authorization = headers.get(b"authorization", b"").decode()
        if not authorization.lower().startswith("bearer "):
            return None
        try:
            owner = str(self.state.tokens.subject(authorization[7:].strip()))
        except TokenError:
            return None
        now = time.monotonic()
        if len(self.recent) > 10_000:  # forget idle accounts now and then
            self.recent = {k: v for k, v in self.recent.items() if v and v[-1] > now - 60}
        times = self.recent.setdefault(owner, deque())
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(1, math.ceil(times[0] + 60 - now))
        times.append(now)
        return None
