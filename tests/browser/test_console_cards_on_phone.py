"""The console's tables that read as cards on a 390 px phone (``table.list.cards``): every
cell of every row is on the screen, labelled by its column, and nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, County, log_in

pytestmark = pytest.mark.xdist_group("browser")

#: Each card's cells: its text, where it is, whether it is shown, and the label before it.
_CELLS = """() => [...document.querySelectorAll('table.list.cards tbody td')].map(cell => {
  const box = cell.getBoundingClientRect();
  return {text: cell.innerText.trim().slice(0, 30), left: box.left, right: box.right,
          shown: box.width > 0 && box.height > 0 && getComputedStyle(cell).visibility !== 'hidden',
          label: getComputedStyle(cell, '::before').content};
})"""


def _cells(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(_CELLS)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "path"), [
    ("children", "/console/children"), ("child", "/console/children/{child_id}")])
def test_every_cell_of_a_card_table_is_on_a_phones_screen(
        phone: Page, county: County, shoot: Any, name: str, path: str) -> None:
    log_in(phone, then=path.format(child_id=county.child_id))
    expect(phone.locator("table.list.cards").first).to_be_visible()
    cells = _cells(phone)
    assert cells
    off = [c for c in cells if not c["shown"] or c["left"] < 0 or c["right"] > PHONE["width"]]
    assert off == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"{name}-cards-phone")


def test_a_cards_cells_after_its_title_say_which_column_they_are(
        phone: Page, county: County) -> None:
    log_in(phone, then=f"/console/children/{county.child_id}")
    expect(phone.locator("#timeline table.list.cards")).to_be_visible()
    labels = phone.evaluate("""() => [...document.querySelectorAll(
        '#timeline table.list.cards tbody tr:first-child td')].map(
        cell => getComputedStyle(cell, '::before').content)""")
    assert labels[1:] == ['"事项"', '"记录人"', '"摘要"']


def test_the_same_tables_stay_tables_on_a_desktop(page: Page, county: County) -> None:
    log_in(page, then="/console/children")
    expect(page.locator("#children thead")).to_be_visible()
    assert page.evaluate(
        "getComputedStyle(document.querySelector('#children tr')).display") == "table-row"


@pytest.mark.parametrize(("name", "path"), [
    ("concerns", "/console/concerns?status="), ("pairings", "/console/pairings"),
    ("pairing-new", "/console/pairings/new"), ("pairing", "/console/pairings/{pairing_id}"),
    ("as-of-refused", "/console/children/{child_id}?as_of=1990-01-01"),
    ("error", "/console/children/{child_id}?as_of=abc")])
def test_the_lists_forms_and_refusals_never_scroll_sideways_on_a_phone(
        phone: Page, county: County, shoot: Any, name: str, path: str) -> None:
    log_in(phone)
    phone.goto(path.format(child_id=county.child_id, pairing_id=county.pairing_id))
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"{name}-phone")
