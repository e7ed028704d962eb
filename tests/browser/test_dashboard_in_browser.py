"""The staff's dashboard (工作概览) in real Chromium, at desktop and phone size: staff land on
it, its charts keep their text legible and whole, and nothing scrolls sideways on a phone."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ADMIN_PASSWORD, County, log_in

pytestmark = pytest.mark.xdist_group("browser")

#: Each chart text's size and box, and its chart's box, as the browser lays them out.
MEASURE = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {words: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
            left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            chartLeft: box.left, chartRight: box.right, y: t.getAttribute('y'),
            chart: svg.getAttribute('aria-label')};
  });
})"""


@pytest.fixture(scope="module")
def named(county: County) -> County:
    """The county's townships named in the register of places."""
    token = httpx.post(f"{county.url}/api/v1/auth/token", data={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["access_token"]
    response = httpx.post(f"{county.url}/api/v1/places", headers={
        "Authorization": f"Bearer {token}"}, json={"places": [
            {"code": "420821101", "name": "石牌镇"}, {"code": "420821102", "name": "胡集镇"}]})
    assert response.status_code == 200, response.text
    return county


def texts_of(page: Page) -> list[dict[str, Any]]:
    texts: list[dict[str, Any]] = page.evaluate(MEASURE)
    assert texts, "no chart drawn"
    return texts


def assert_readable(page: Page) -> None:
    """Every chart text at least 12 px, inside its chart, and not over another on its line."""
    texts = texts_of(page)
    assert min(t["size"] for t in texts) >= 12
    outside = [t["words"] for t in texts
               if t["left"] < t["chartLeft"] - 0.5 or t["right"] > t["chartRight"] + 0.5]
    assert outside == []
    lines: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for text in texts:
        lines.setdefault((text["chart"], text["y"]), []).append(text)
    for line in lines.values():
        line.sort(key=lambda t: t["left"])
        touching = [(a["words"], b["words"]) for a, b in pairwise(line)
                    if a["right"] > b["left"]]
        assert touching == []


def test_staff_land_on_the_dashboard_and_read_it_on_a_desktop(
        page: Page, named: County, shoot: Any) -> None:
    log_in(page)
    assert page.url.endswith("/console/dashboard")
    assert page.locator("svg.chart").count() == 3
    assert "石牌镇" in page.inner_text("main")
    assert_readable(page)
    shoot(page, "dashboard-desktop")


def test_the_dashboard_reads_on_a_390px_phone_without_scrolling_sideways(
        phone: Page, named: County, shoot: Any) -> None:
    log_in(phone)
    assert phone.url.endswith("/console/dashboard")
    assert_readable(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "dashboard-phone")
