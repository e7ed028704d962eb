"""The console's 导入 page on a 390 px phone, against a real `aixin serve` whose embedded worker
runs the import: a register tried first, its refused row shown, then imported for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, County, log_in
from tests.imports_support import CHILD_HEADER, child_row, id_number, workbook

pytestmark = pytest.mark.xdist_group("browser")


def test_a_register_is_tried_then_imported_on_a_phone(
        phone: Page, county: County, shoot: Any, tmp_path: Path) -> None:
    sheet = workbook(tmp_path / "花名册.xlsx", CHILD_HEADER, [
        child_row(n, 行政区划代码="420881", 身份证号=id_number(f"42088120150302{n:03d}"))
        for n in (701, 702)] + [child_row(703, 行政区划代码="420881", 性别="未知")])
    log_in(phone, then="/console/imports")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.set_input_files("#upload input[type=file]", str(sheet))
    phone.click("#upload button[type=submit]")

    expect(phone.locator("#count-accepted")).to_have_text("2", timeout=60_000)
    expect(phone.locator("#refused-rows")).to_contain_text("性别")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "import-dry-run-phone")
    phone.click("#confirm button[type=submit]")
    expect(phone.locator("h1")).to_have_text("留守儿童花名册导入")
    expect(phone.locator("#count-accepted")).to_have_text("2", timeout=60_000)
    expect(phone.locator("#confirm")).to_have_count(0)
