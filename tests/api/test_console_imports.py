"""The console's 导入 page: a register tried first (先试导入，不记录), what would happen shown
row by row, then the same file imported for real (正式导入)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient

from tests.api.test_console import console_login
from tests.imports_support import CHILD_HEADER, TOWNSHIP, child_row, workbook
from workers.imports.running import BROKEN_OFF, run
from workers.imports.sweep import sweep

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(client: TestClient, location: str) -> str:
    """Run the job the page names, as the workers would; its page's path."""
    state = client.app.state  # type: ignore[attr-defined]
    run(state.register, state.settings.data_dir, UUID(location.rsplit("/", 1)[-1]))
    return location


def test_a_register_is_tried_then_imported_from_the_console(
        client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    client.post("/api/v1/places", headers=admin,
                json={"places": [{"code": TOWNSHIP[0], "name": TOWNSHIP[1]}]})
    csrf = console_login(client)
    assert 'href="/console/imports"' in client.get("/console/imports").text
    content = workbook(tmp_path / "a.xlsx", CHILD_HEADER,
                       [child_row(1), child_row(2, 性别="未知")]).read_bytes()

    tried = client.post("/console/imports", follow_redirects=False,
                        data={"csrf": csrf, "kind": "children", "dry_run": "true"},
                        files={"file": ("花名册.xlsx", content, XLSX)})
    page = client.get(_run(client, tried.headers["location"])).text

    assert re.search(r'id="count-accepted">1<', page) and "第 3 行" in page and "性别" in page
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []
    confirm = re.search(r'action="(/console/imports/[^"]+/confirmation)"', page)
    assert confirm is not None
    real = client.post(confirm.group(1), data={"csrf": csrf}, follow_redirects=False)
    done = client.get(_run(client, real.headers["location"])).text
    assert re.search(r'id="count-accepted">1<', done) and "正式导入" not in done


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_page(
        client: TestClient) -> None:
    csrf = console_login(client)

    answer = client.post("/console/imports", data={"csrf": csrf, "kind": "children"},
                         files={"file": ("a.xlsx", b"not a workbook", XLSX)})

    assert answer.status_code == 422 and "不是 Excel 工作簿" in answer.text


def test_an_import_underway_asks_the_browser_to_refresh(
        client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    csrf = console_login(client)
    client.post("/api/v1/places", headers=admin,
                json={"places": [{"code": TOWNSHIP[0], "name": TOWNSHIP[1]}]})
    content = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]).read_bytes()
    queued = client.post("/console/imports", follow_redirects=False,
                         data={"csrf": csrf, "kind": "children"},
                         files={"file": ("a.xlsx", content, XLSX)})

    page = client.get(queued.headers["location"])

    assert page.headers["refresh"] == "2" and "排队中" in page.text


def _tried(client: TestClient, csrf: str, tmp_path: Path) -> str:
    """A register tried (dry run) from the console and run: its page's path."""
    content = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]).read_bytes()
    tried = client.post("/console/imports", follow_redirects=False,
                        data={"csrf": csrf, "kind": "children", "dry_run": "true"},
                        files={"file": ("花名册.xlsx", content, XLSX)})
    return _run(client, tried.headers["location"])


def test_a_failed_import_stops_refreshing_and_says_so_in_chinese(
        client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    csrf = console_login(client)
    client.post("/api/v1/places", headers=admin,
                json={"places": [{"code": TOWNSHIP[0], "name": TOWNSHIP[1]}]})
    content = workbook(tmp_path / "a.xlsx", CHILD_HEADER, [child_row(1)]).read_bytes()
    queued = client.post("/console/imports", follow_redirects=False,
                         data={"csrf": csrf, "kind": "children"},
                         files={"file": ("a.xlsx", content, XLSX)})
    location = queued.headers["location"]
    state = client.app.state  # type: ignore[attr-defined]
    import_id = UUID(location.rsplit("/", 1)[-1])
    state.register.start_import(import_id)
    state.register.fail_import(import_id, BROKEN_OFF)

    page = client.get(location)

    assert "refresh" not in page.headers
    assert BROKEN_OFF in page.text and "不再自动刷新" in page.text


def test_a_dry_run_whose_file_is_no_longer_kept_asks_for_the_file_again(
        client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    csrf = console_login(client)
    client.post("/api/v1/places", headers=admin,
                json={"places": [{"code": TOWNSHIP[0], "name": TOWNSHIP[1]}]})
    location = _tried(client, csrf, tmp_path)
    state = client.app.state  # type: ignore[attr-defined]
    sweep(state.register, state.settings.data_dir, ttl=state.settings.import_upload_ttl,
          queue=lambda _: None, now=time.time() + state.settings.import_upload_ttl + 60)

    page = client.get(location).text
    again = client.post(f"{location}/confirmation", data={"csrf": csrf},
                        follow_redirects=False)

    assert "请重新上传" in page and 'id="confirm"' not in page
    assert again.status_code == 410 and "请重新上传" in again.text
    assert 'id="upload"' in again.text
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []
