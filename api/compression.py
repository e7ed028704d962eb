"""The API's answers compressed (gzip) for a client that accepts it: a phone on a slow mobile
network reads ``GET /me/work`` and the registers' lists in a fraction of their bytes.

Only the API's own answers (``/api/``), never the console's pages: those hold a form's
CSRF token beside what the user typed, which compression must not put side by side (BREACH);
the API is called with a bearer token a page keeps, never with a cookie a browser sends by
itself. Answers under :data:`MINIMUM` bytes, partial ones, already-encoded ones and files
that are compressed already (the report's workbook and document, images, zip) go as they are.
Compression changes the bytes on the wire only: the ETag (the record's version, which
``If-Match`` is compared with), the headers and the body an idempotent retry replays are
those of the answer itself, kept before it is compressed.
"""

from __future__ import annotations

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: Answers smaller than this go as they are: a gzip header and a round of CPU buy nothing.
MINIMUM = 1000
#: Files that are zip archives already (Office Open XML), beside Starlette's own list.
ALREADY_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


class CompressedAnswers:
    """GZip the API's answers (``/api/``) of at least :data:`MINIMUM` bytes."""

    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size,
                                   exclude_content_types=ALREADY_COMPRESSED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
