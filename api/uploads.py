"""Request bodies that carry a file (a register to import): taken up to their own, larger
limit and spooled to disk as they arrive, never held whole in memory.

The idempotency of such a POST is keyed on the body's SHA-256, computed as it streams.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import IO, Any

from anyio import to_thread

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

#: Paths whose POST carries a spreadsheet.
UPLOAD_PATHS = ("/api/v1/imports", "/console/imports")
#: The largest spreadsheet taken (a 20,000-row register is about 2 MB)...
MAX_UPLOAD = 20 * 1024 * 1024
#: ...and the largest body carrying it (the file and the form's other fields).
MAX_UPLOAD_BODY = MAX_UPLOAD + 64 * 1024
#: Bytes of a body kept in memory before it goes to a temporary file.
_IN_MEMORY = 1024 * 1024
_CHUNK = 64 * 1024
#: What a file over the limit is told, by the body's size or by the file's own.
TOO_LARGE = (f"文件超过 {MAX_UPLOAD // (1024 * 1024)} MB，未导入；请分成几个文件导入（the file is "
             f"over {MAX_UPLOAD} bytes; nothing was imported）")


def carries_upload(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in UPLOAD_PATHS)


async def spooled(receive: Receive) -> tuple[IO[bytes], str] | None:
    """The body, spooled (on disk past 1 MiB), and its SHA-256; None past the limit."""
    body: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115
    digest, size, more = hashlib.sha256(), 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        more = message.get("more_body", False)
        size += len(chunk)
        if size > MAX_UPLOAD_BODY:
            body.close()
            return None
        digest.update(chunk)
        await to_thread.run_sync(body.write, chunk)
    body.seek(0)
    return body, digest.hexdigest()


def replaying(body: IO[bytes]) -> Receive:
    """A ``receive`` that gives the spooled body again, chunk by chunk, then closes it."""
    async def receive() -> Message:
        if body.closed:  # read to its end already
            return {"type": "http.request", "body": b"", "more_body": False}
        chunk = await to_thread.run_sync(body.read, _CHUNK)
        more = len(chunk) == _CHUNK
        if not more:
            body.close()
        return {"type": "http.request", "body": chunk, "more_body": more}
    return receive
