"""The console's tables on a 390 px phone: the page never scrolls sideways, and a table wider
than the screen keeps its key column (the first: a child's name, a date) in view however far it
is scrolled, so every row still says whose it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, County, log_in

pytestmark = pytest.mark.xdist_group("browser")
REPORT_TIMEOUT = 120_000  # ms: the served worker produces the report

#: Each table's first cells after its scroller is pushed all the way right: where they are, and
#: whether the cell is what a finger on its middle touches (not covered by another column).
_KEY_CELLS = """() => [...document.querySelectorAll('table.list')].map(table => {
  const scroller = table.closest('.scroll');
  if (scroller) { scroller.scrollLeft = scroller.scrollWidth; }
  // a table laid out as cards (table.list.cards) names each cell by its column instead of a
  // header row, which it hides: its rows are the cards
  const rows = [...table.rows].filter(row => !(table.classList.contains('cards')
                                                && row.parentElement.tagName === 'THEAD'));
  return rows.map(row => {
    const cell = row.cells[0];
    // the page (not the table) scrolled down to the row, so a finger can reach it
    window.scrollTo(0, window.scrollY + cell.getBoundingClientRect().top - innerHeight / 2);
    const box = cell.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + Math.min(box.width, 40) / 2,
                                          box.top + box.height / 2);
    return {text: cell.innerText.trim(), left: box.left, right: box.right,
            reachable: cell === hit || cell.contains(hit)};
  });
})"""


def _hidden_key_cells(page: Page) -> list[dict[str, Any]]:
    tables = page.evaluate(_KEY_CELLS)
    return [cell for table in tables for cell in table
            if cell["left"] < 0 or cell["right"] > PHONE["width"] or not cell["reachable"]]


@pytest.mark.parametrize(("name", "path"), [
    ("children", "/console/children"), ("volunteers", "/console/volunteers"),
    ("child-timeline", "/console/children/{child_id}")])
def test_a_table_keeps_its_key_column_in_view_on_a_phone(
        phone: Page, county: County, shoot: Any, name: str, path: str) -> None:
    log_in(phone, then=path.format(child_id=county.child_id))
    expect(phone.locator("table.list").first).to_be_visible()
    assert _hidden_key_cells(phone) == []
    shoot(phone, f"{name}-table-phone")


@pytest.mark.parametrize("path", ["/console/children", "/console/volunteers",
                                  "/console/children/{child_id}", "/console/reports"])
def test_a_page_of_tables_never_scrolls_sideways_on_a_phone(
        phone: Page, county: County, path: str) -> None:
    log_in(phone, then=path.format(child_id=county.child_id))
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_report_of_the_quarter_in_progress_reads_on_a_phone(
        phone: Page, county: County, shoot: Any) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    log_in(phone, then="/console/reports")
    form = phone.locator("#request-report")
    form.locator("select[name=region_code]").select_option("420821")
    form.locator("input[name=year]").fill(str(today.year))
    form.locator("select[name=quarter]").select_option(str((today.month - 1) // 3 + 1))
    form.locator("button[type=submit]").click()
    phone.wait_for_url("**/console/reports/*")
    expect(phone.locator("#report-status")).to_have_text("已完成", timeout=REPORT_TIMEOUT)
    expect(phone.locator("#interim")).to_have_text("季度未结束")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _hidden_key_cells(phone) == []
    shoot(phone, "report-in-progress-phone")
