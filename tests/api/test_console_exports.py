"""The console's list pages link to their registers' spreadsheets (导出), and the links
download them for the session's caller."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import paired
from tests.api.test_console import console_login

Headers = dict[str, str]


@pytest.mark.parametrize(("page", "link", "title"), [
    ("/console/children", "export-children", "农村留守儿童花名册"),
    ("/console/volunteers", "export-volunteers", "爱心妈妈（志愿者）登记册"),
    ("/console/pairings", "export-pairings", "结对帮扶登记表")])
def test_each_list_page_links_to_its_register_and_the_link_downloads_it(
        client: TestClient, admin: Headers, page: str, link: str, title: str) -> None:
    paired(client, admin)
    console_login(client)
    found = re.search(rf'id="{link}"[^>]*href="([^"]+)"', client.get(page).text)
    assert found is not None
    response = client.get(found.group(1).replace("&amp;", "&"))
    assert response.status_code == 200, response.text
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith(title) and len(rows) == 3


def test_the_childrens_link_keeps_the_place_chosen(client: TestClient, admin: Headers) -> None:
    paired(client, admin)
    console_login(client)
    page = client.get("/console/children", params={"township": "420821102"}).text
    href = re.search(r'id="export-children"[^>]*href="([^"]+)"', page)
    assert href is not None and href.group(1).endswith("?region_code=420821102")
    rows = list(load_workbook(BytesIO(client.get(href.group(1)).content), read_only=True)
                .worksheets[0].iter_rows(min_row=3, values_only=True))
    assert rows == []
