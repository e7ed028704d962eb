"""A real `aixin serve` with a small county in it, and Debian's Chromium driven by Playwright.

Chromium is `/usr/bin/chromium` (the test command installs it when missing); no browser is
downloaded. If it cannot start, the tests fail: nothing here is skipped.

The county is created through the API, as a client would: a child whose guardian changed on a
known date (2026-04-01), her caring mother and their pairing with a few contacts, two more
children, and an auditor. Screenshots go to pytest's temporary folder and are copied to
``artifacts/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER
from tests.e2e.server import running

CHROMIUM = "/usr/bin/chromium"
ADMIN_PASSWORD = "console-admin-password"
AUDITOR = ("dudao", "auditor-password-123")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)

#: The guardian before and after the change recorded as of 2026-04-01.
GUARDIAN_BEFORE, GUARDIAN_AFTER, GUARDIAN_CHANGED_ON = "张桂兰", "王秀芝", "2026-04-01"


@dataclass(frozen=True)
class County:
    url: str
    child_id: str  # 王小花: guardian changed on 2026-04-01, paired
    volunteer_id: str
    pairing_id: str


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1{path}", json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()  # type: ignore[no-any-return]


def _populate(url: str) -> County:
    token = httpx.post(f"{url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        child = _post(client, "/children", CHILD)["id"]
        _post(client, f"/children/{child}/guardian", {
            "name": GUARDIAN_AFTER, "relation": "姑姑", "age": 45, "health": "良好",
            "reason": "祖母年迈，改由姑姑照看", "on": GUARDIAN_CHANGED_ON})
        _post(client, "/children", {**CHILD, "name": "李明", "sex": "male",
                                    "birth_date": "2014-09-01", "region_code": "420821102",
                                    "school": "胡集镇中心小学", "categories": ["poor_family"]})
        _post(client, "/children", {**CHILD, "name": "张强", "sex": "male", "parents": [
            {**CHILD["parents"][0], "status": "home"}, {**CHILD["parents"][1],
                                                          "status": "home"}]})
        volunteer = _post(client, "/volunteers", VOLUNTEER)["id"]
        for level in ("unit", "county", "city", "province"):
            _post(client, f"/volunteers/{volunteer}/reviews", {
                "level": level, "decision": "approve", "opinion": "同意", "on": "2026-02-01",
                "signed_by": SIGNERS[level]})
        pairing = _post(client, "/pairings", {
            "child_ids": [child], "volunteer_ids": [volunteer], "principle": "nearby",
            "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"})["id"]
        for kind, day in (("home_visit", "2026-03-15"), ("phone", "2026-03-28"),
                          ("parent_call", "2026-03-29"), ("teacher_contact", "2026-03-30")):
            _post(client, f"/pairings/{pairing}/contacts", {
                "kind": kind, "occurred_on": day, "notes": "了解学习和生活情况"})
        _post(client, "/users", {"username": AUDITOR[0], "password": AUDITOR[1],
                                 "role": "auditor"})
    return County(url, child, volunteer, pairing)


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """`aixin serve` on the embedded store (with its own worker for reports), populated."""
    folder = tmp_path_factory.mktemp("console")
    with running(folder, AIXIN_DATA_DIR=str(folder / "var"),
                 AIXIN_ADMIN_PASSWORD=ADMIN_PASSWORD,
                 AIXIN_SECRET_KEY="a-browser-test-signing-key-0123456789abcdef") as url:
        yield _populate(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, county: County) -> Iterator[Page]:
    """A fresh desktop-sized browser (no cookies) on the county's server."""
    context = browser.new_context(base_url=county.url, viewport=DESKTOP, accept_downloads=True,
                                  locale="zh-CN")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Browser, county: County) -> Iterator[Page]:
    """A fresh phone-sized browser (390 × 844, touch)."""
    context = browser.new_context(base_url=county.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    opened = context.new_page()
    yield opened
    context.close()


def log_in(page: Page, username: str = "admin", password: str = ADMIN_PASSWORD,
           then: str = "/console") -> None:
    page.goto(then)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def shoot(tmp_path: Path) -> Any:
    """Save a full-page screenshot under the test's folder and copy it to artifacts/."""

    def save(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, ARTIFACTS / path.name)
        return path

    return save
