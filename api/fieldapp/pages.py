"""The field app's page, service worker and web manifest.

The app is one page of static files that talks to the API itself (``/api/v1``, bearer token
kept on the phone). The service worker precaches the page and its files (Workbox, vendored)
so the app opens without network; it never caches an API answer: the user's children are kept
in IndexedDB by the page and deleted at logout. Every page here is sent with a strict
Content-Security-Policy: scripts, styles and connections from this origin only, no inline
script or style.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TAG = {"name": "field app", "description": "The field app (`/app`) for caring mothers and "
       "teachers on a phone: installable, works without network."}

#: Everything the app needs from this origin, and nothing from elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: The app's files are checked with the server on each load (ETag); the service worker
#: keeps the copy that opens without network.
REVALIDATE = {"Cache-Control": "no-cache", "Content-Security-Policy": CSP}
#: The files the service worker keeps, the page first (its address is ``/app/``).
SHELL = ("index.html", "app.css", "app.js", "manifest.webmanifest", "vendor/idb/idb.umd.js",
         "icons/icon-192.png")

router = APIRouter(prefix="/app", tags=[TAG["name"]])


class AppStatic(StaticFiles):
    """The app's static files, revalidated on each load."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(REVALIDATE)
        return response


@router.get("", response_class=RedirectResponse, status_code=307, summary="To the field app",
            responses={307: {"description": "To `/app/`."}})
def to_the_app() -> RedirectResponse:
    """``/app`` is ``/app/``, the address the service worker controls."""
    return RedirectResponse("/app/", status_code=307)


@router.get("/", response_class=FileResponse, summary="The field app",
            responses={200: {"content": {"text/html": {}}}})
def the_app() -> FileResponse:
    """The field app for caring mothers (爱心妈妈) and teachers, in Chinese, for a phone:
    their children with what is due this month, contacts recorded in a few taps, kept on the
    phone without network and sent when it returns."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers=REVALIDATE)


@router.get("/sw.js", response_class=Response, summary="The field app's service worker",
            responses={200: {"content": {"text/javascript": {}}}})
def service_worker() -> Response:
    """The service worker, with the list of files it keeps and their revisions."""
    return Response(_service_worker(), media_type="text/javascript; charset=utf-8",
                    headers=REVALIDATE)


@router.get("/manifest.webmanifest", response_class=FileResponse,
            summary="The field app's web manifest",
            responses={200: {"content": {"application/manifest+json": {}}}})
def manifest() -> FileResponse:
    """The web manifest that makes the app installable."""
    return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json",
                        headers=REVALIDATE)


@cache
def _service_worker() -> str:
    """The worker's script with its precache list: each file's address and a digest of its
    content, so a changed file is fetched again and an unchanged one is not."""
    entries = [{"url": _address(name), "revision": _digest(STATIC / name)} for name in SHELL]
    template = (HERE / "sw.js").read_text(encoding="utf-8")
    return template.replace("self.__PRECACHE", json.dumps(entries))


def _address(name: str) -> str:
    if name == "index.html":
        return "/app/"
    if name == "manifest.webmanifest":
        return "/app/manifest.webmanifest"
    return f"/app/static/{name}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
