"""Benchmark: the field app (`/app`) on a phone, under Chromium's "Slow 3G" and unthrottled.

Prints, for each network, the bytes the page received over the network and the seconds a
person waits, for: the first load of /app to the login screen, logging in to the children
list shown, a later visit (the app reopened, its files kept by the service worker), a later
screen (the contact form), and a contact's round trip (tap 保存 until it is shown as sent).
The unthrottled figures, measured in the same run, are the ceiling the throttled ones are
read against; beside each throttled figure is the floor the network alone sets: the
bytes at the preset's bandwidth plus one round trip per request made in sequence.

    .venv/bin/python bench/field_app.py [--children 3] [--port 8611]

"Slow 3G" is Chromium DevTools' preset as its source defines it (devtools-frontend,
``front_end/core/sdk/NetworkManager.ts``, ``Slow3GConditions``, shown as "3G" since 2024):
``download: 500 * 1000 / 8 * .8`` and ``upload: 500 * 1000 / 8 * .8`` bytes per second
(400 kbit/s each way), ``latency: 400 * 5`` ms (2,000 ms added to each request, the 400 ms
RTT scaled as DevTools does). It is applied with the DevTools protocol's
``Network.emulateNetworkConditions`` on the page, as DevTools applies it; the service
worker's own downloads (its precache, made after the list is shown) are not throttled and
not counted in the page's bytes, and are printed apart.

Runs `aixin serve` on the embedded store in a temporary folder and Debian's Chromium
(``/usr/bin/chromium``) through Playwright, at a phone's size (390 × 844).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, CDPSession, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.fieldapp.pages import SHELL, STATIC
from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER
from tests.e2e.server import running

CHROMIUM = "/usr/bin/chromium"
ADMIN_PASSWORD = "bench-admin-password"
MOTHER = ("bench-mama", "bench-password-123")
SLOW_3G = {"offline": False, "latency": 400 * 5, "downloadThroughput": 500 * 1000 / 8 * .8,
           "uploadThroughput": 500 * 1000 / 8 * .8}
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1,
               "uploadThroughput": -1}
TIMEOUT = 120_000  # ms


def answer_size(url: str) -> int:
    """Bytes of a contact's answer, headers and body, as the API sends it (a POST the service
    worker passes on reports no end to the page's DevTools session, so it is measured here)."""
    token = httpx.post(f"{url}/api/v1/auth/token", data={
        "username": MOTHER[0], "password": MOTHER[1]}).json()["access_token"]
    with httpx.Client(base_url=f"{url}/api/v1", timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        pairing = client.get("/pairings").json()["items"][0]["id"]
        answer = client.post(f"/pairings/{pairing}/contacts", json={
            "kind": "phone", "notes": "电话了解近况"})
        answer.raise_for_status()
    head = sum(len(name) + len(value) + 4 for name, value in answer.headers.raw)
    return len("HTTP/1.1 201 Created\r\n\r\n") + head + len(answer.content)


def populate(url: str, children: int) -> None:
    """A caring mother paired with ``children`` children, her account, as the API makes them."""
    token = httpx.post(f"{url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    with httpx.Client(base_url=f"{url}/api/v1", timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = client.post(path, json=body)
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]

        volunteer = post("/volunteers", VOLUNTEER)["id"]
        for level in ("unit", "county", "city", "province"):
            post(f"/volunteers/{volunteer}/reviews", {
                "level": level, "decision": "approve", "opinion": "同意", "on": "2026-02-01",
                "signed_by": SIGNERS[level]})
        for number in range(children):
            child = post("/children", {**CHILD, "name": f"王小花{number + 1}"})["id"]
            post("/pairings", {"child_ids": [child], "volunteer_ids": [volunteer],
                               "principle": "nearby", "agreement_signed_on": "2026-03-05",
                               "starts_on": "2026-03-10"})
        post("/users", {"username": MOTHER[0], "password": MOTHER[1], "role": "volunteer",
                        "volunteer_id": volunteer})


@dataclass
class Wire:
    """The page's requests as the DevTools protocol reports them: bytes over the network
    (not served by the service worker nor the memory cache) and how many requests."""

    session: CDPSession
    from_worker: set[str] = field(default_factory=set)
    bytes: int = 0
    requests: int = 0
    served_by_worker: int = 0

    urls: dict[str, str] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromServiceWorker") or response.get("fromDiskCache"):
            self.from_worker.add(event["requestId"])

    def _finished(self, event: dict[str, Any]) -> None:
        self.finished.append(self.urls.get(event["requestId"], ""))
        if self.urls.get(event["requestId"], "").startswith("data:"):
            return  # drawn by the browser (the date input's icon), not fetched
        if event["requestId"] in self.from_worker:
            self.served_by_worker += 1
            return
        self.bytes += int(event["encodedDataLength"])
        self.requests += 1

    def take(self) -> tuple[int, int, int]:
        """Bytes, requests over the network and requests the worker served, since last."""
        taken = self.bytes, self.requests, self.served_by_worker
        self.bytes = self.requests = self.served_by_worker = 0
        self.finished.clear()
        return taken

    def wait_for(self, page: Page, path: str) -> None:
        """Wait (bounded) until a request to ``path`` has been received whole."""
        deadline = time.monotonic() + TIMEOUT / 1000
        while not any(path in url for url in self.finished):
            assert time.monotonic() < deadline, f"no answer from {path}"
            page.wait_for_timeout(20)  # lets the protocol's events in


@dataclass(frozen=True)
class Figure:
    step: str
    seconds: float  # until shown
    settled: float  # until what the step still fetches afterwards is in
    bytes: int
    requests: int
    served_by_worker: int


@contextmanager
def phone(browser: Browser, url: str, conditions: dict[str, Any]) -> Iterator[tuple[Page, Wire]]:
    context = browser.new_context(base_url=url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, locale="zh-CN",
                                  service_workers="allow")
    page = context.new_page()
    session = context.new_cdp_session(page)
    wire = Wire(session)
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.send("Network.emulateNetworkConditions", conditions)
    try:
        yield page, wire
    finally:
        context.close()


def timed(wire: Wire, step: str, action: Any, settle: Any = None) -> Figure:
    """Seconds until ``action`` shows what a person waits for; bytes and requests until
    ``settle`` (waiting for what the app still fetches for the step) is done too."""
    wire.take()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    if settle is not None:
        settle()
    return Figure(step, seconds, time.perf_counter() - started, *wire.take())


def measure(browser: Browser, url: str, conditions: dict[str, Any]) -> list[Figure]:
    with phone(browser, url, conditions) as (page, wire):
        def first_load() -> None:
            page.goto("/app/")
            page.wait_for_selector("#login", timeout=TIMEOUT)

        def log_in() -> None:
            page.fill("#login input[name=username]", MOTHER[0])
            page.fill("#login input[name=password]", MOTHER[1])
            page.click("#login button[type=submit]")
            page.wait_for_selector("#children article.child", timeout=TIMEOUT)

        def reopen() -> None:  # the list is shown from the phone, then read again
            page.reload()
            page.wait_for_selector("#children article.child", timeout=TIMEOUT)

        def later_screen() -> None:
            page.locator("article.child").first.get_by_role("link", name="记录联系").click()
            page.wait_for_selector("#contact select[name=kind]", timeout=TIMEOUT)

        def save() -> None:
            page.fill("#contact textarea[name=notes]", "电话了解近况")
            page.click("#contact button[type=submit]")
            page.locator("#toast", has_text="已发送").wait_for(timeout=TIMEOUT)

        def duties_read_again() -> None:
            wire.wait_for(page, "/api/v1/me/work")

        figures = [timed(wire, "first load: /app to the login screen", first_load),
                   timed(wire, "log in: to the children list shown", log_in)]
        page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                               timeout=TIMEOUT)
        return [*figures,
                timed(wire, "later visit: reopened, to the list shown", reopen,
                      duties_read_again),
                timed(wire, "later screen: the contact form", later_screen),
                timed(wire, "contact: tap 保存 to shown as sent", save, duties_read_again)]


def floor(figure: Figure) -> float:
    """The least Slow 3G lets a step take: its bytes at the preset's download rate, plus
    one added latency if it made a request at all."""
    if not figure.requests:
        return 0.0
    return figure.bytes / SLOW_3G["downloadThroughput"] + SLOW_3G["latency"] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3,
                        help="children paired with the caring mother (default 3)")
    parser.add_argument("--port", type=int, default=8611)
    args = parser.parse_args()
    precache = sum((STATIC / name).stat().st_size for name in SHELL)
    workbox = sum(path.stat().st_size for path in (STATIC / "vendor" / "workbox").glob("*.js"))
    with tempfile.TemporaryDirectory(prefix="field-bench-") as folder, \
            running(Path(folder), port=args.port, AIXIN_DATA_DIR=f"{folder}/var",
                    AIXIN_ADMIN_PASSWORD=ADMIN_PASSWORD,
                    AIXIN_SECRET_KEY="a-bench-signing-key-0123456789abcdef-0123") as url, \
            sync_playwright() as playwright:
        populate(url, args.children)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            ceiling = measure(browser, url, UNTHROTTLED)
            slow = measure(browser, url, SLOW_3G)
        finally:
            browser.close()
        answer = answer_size(url)
    print(f"field app, a caring mother with {args.children} children, phone 390x844; "
          f"bytes over the network as received (compressed if sent so)")
    print(f"{'step':42s} {'unthrottled':>29s} {'Slow 3G':>29s} {'its floor':>10s}")
    print(f"{'':42s} {'shown  all in     bytes':>29s} {'shown  all in     bytes':>29s}")
    for fast, throttled in zip(ceiling, slow, strict=True):
        print(f"{fast.step:42s} {fast.seconds:6.2f} s {fast.settled:6.2f} s {fast.bytes:7,d} B"
              f" {throttled.seconds:6.2f} s {throttled.settled:6.2f} s {throttled.bytes:7,d} B"
              f" {floor(throttled):8.2f} s   ({throttled.requests} over the network, "
              f"{throttled.served_by_worker} by the service worker)")
    print("shown: until the person sees it; all in: until the duties are read again after it "
          "(a later visit, a contact); floor: the step's bytes at Slow 3G's 400 kbit/s plus "
          "one 2 s latency")
    print(f"not in the contact's bytes: its POST's answer, {answer:,d} B with its headers "
          "(passed on by the service worker, measured apart)")
    print(f"not in the page's bytes: the service worker's own downloads in the background "
          f"after the first load: Workbox {workbox:,d} B and its precache of the app's "
          f"{len(SHELL)} files, {precache:,d} B before compression")


if __name__ == "__main__":
    main()
