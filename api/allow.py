"""``Allow`` on a 405 names every method the path is served with.

A path served by several routes (``GET /children`` and ``POST /children``) is answered by the
router, for a method none of them serves (``OPTIONS``, ``DELETE``), with the methods of the
first route only. This middleware puts in their place the methods of every route whose path
matches, which are the methods ``/openapi.json`` documents for that path.
"""

from __future__ import annotations

import re
from functools import cached_property

from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from api.middleware import ASGIApp, Message, Receive, Scope, Send


class AllowEveryMethod:
    """Rewrite the ``Allow`` header of every 405 to name all the path's methods."""

    def __init__(self, app: ASGIApp, application: FastAPI) -> None:
        self.app = app
        self.application = application  # whose routes are read when first needed

    @cached_property
    def routes(self) -> list[tuple[re.Pattern[str], frozenset[str]]]:
        """(the path's pattern, its methods) of every route; FastAPI from 0.12x keeps
        included routers apart and walks them with ``iter_route_contexts``."""
        contexts = getattr(routing, "iter_route_contexts", iter)(self.application.routes)
        found = []
        for context in contexts:
            route = getattr(context, "original_route", context)
            if isinstance(route, APIRoute) and route.methods:
                path = getattr(context, "path_format", None) or route.path_format
                found.append((compile_path(path)[0], frozenset(route.methods)))
        return found

    def methods(self, path: str) -> list[str]:
        served: set[str] = set()
        for pattern, methods in self.routes:
            if pattern.match(path):
                served |= methods
        return sorted(served)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def allowing(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = self.methods(scope["path"])
                if methods:
                    headers = [(name, value) for name, value in message.get("headers", [])
                               if name.lower() != b"allow"]
                    headers.append((b"allow", ", ".join(methods).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, allowing)
