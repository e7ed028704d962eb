"""ASGI middleware: request size limit, and Idempotency-Key replay on every POST."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from anyio import to_thread

from api.idempotency import IdempotencyStore
from api.security import TokenError, Tokens

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024 * 1024  # 1 MiB: no record of a child needs more
REPLAY_WAIT = 30.0


async def _respond(send: Send, status: int, body: bytes,
                   headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _detail(message: str) -> bytes:
    return json.dumps({"detail": message}, ensure_ascii=False).encode()


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

        key = headers.get("idempotency-key")
        if not key or scope["method"] != "POST":
            await self.app(scope, replay_body, send)
            return
        owner = self._owner(headers)
        fingerprint = hashlib.sha256(b"\n".join([
            scope["path"].encode(), scope.get("query_string", b""), body])).hexdigest()
        store: IdempotencyStore = self.state.idempotency
        stored = await to_thread.run_sync(store.claim, owner, key, fingerprint)
        if stored is not None:
            await self._replay(store, owner, key, fingerprint, stored, send)
            return
        captured: dict[str, Any] = {"body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await to_thread.run_sync(store.release, owner, key)
            raise
        status = captured.get("status", 500)
        if status >= 500 or status == 401:
            await to_thread.run_sync(store.release, owner, key)
            return
        kept = {k.decode(): v.decode() for k, v in captured.get("headers", [])
                if k.decode().lower() in ("etag", "location", "content-type")}
        await to_thread.run_sync(store.complete, owner, key, status, captured["body"], kept)

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
            await _respond(send, 422, _detail("this Idempotency-Key was used with a different "
                                              "request; use a new key for a new request"))
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
