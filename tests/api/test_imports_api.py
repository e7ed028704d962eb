"""/imports: registers imported from spreadsheets through the API. The job the workers run is
run here by its own function (``workers.imports.running.run``); the Celery task on a real
worker is tested in tests/workers."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from aixin.bootstrap import build_register
from api import deps
from api.uploads import MAX_UPLOAD
from domain.application import CareRegister
from tests.api.conftest import CHILD, create
from tests.imports_support import (
    CHILD_HEADER,
    TOWNSHIP,
    VOLUNTEER_HEADER,
    child_row,
    id_number,
    volunteer_row,
    workbook,
)
from tests.waiting import wait_until
from tests.workers.test_imports_archive import MB, bomb
from workers.imports.running import run
from workers.imports.sheets import MAX_SHARED_STRINGS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def named(client: TestClient, admin: dict[str, str]) -> TestClient:
    answer = client.post("/api/v1/places", headers=admin, json={
        "places": [{"code": TOWNSHIP[0], "name": TOWNSHIP[1]}]})
    assert answer.status_code in (200, 201), answer.text
    return client


def _send(client: TestClient, headers: dict[str, str], content: bytes, *,
          kind: str = "children", dry_run: bool = False, **extra: str) -> Any:
    return client.post("/api/v1/imports", headers={**headers, **extra},
                       data={"kind": kind, "dry_run": str(dry_run).lower()},
                       files={"file": ("花名册.xlsx", content, XLSX)})


def _imported(client: TestClient, headers: dict[str, str], content: bytes,
              **options: Any) -> dict[str, Any]:
    """Send the file, run the job as the workers would, and read the import."""
    answer = _send(client, headers, content, **options)
    assert answer.status_code == 202, answer.text
    state = client.app.state  # type: ignore[attr-defined]
    run(state.register, state.settings.data_dir, UUID(answer.json()["id"]))
    read = client.get(answer.json()["url"], headers=headers)
    assert read.status_code == 200, read.text
    return dict(read.json())


def _said(answer: Any) -> str:
    """The message of a file refused as a whole."""
    return str(answer.json()["detail"][0]["msg"])


def _position(client: TestClient) -> int:
    return client.app.state.register.recorder.max_notification_id() or 0  # type: ignore[attr-defined,no-any-return]


def _sheet(tmp_path: Path, rows: list[list[Any]], header: Any = CHILD_HEADER) -> bytes:
    return workbook(tmp_path / "register.xlsx", header, rows).read_bytes()


def test_an_import_records_the_good_rows_and_lists_the_others_with_column_and_rule(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    content = _sheet(tmp_path, [child_row(1), child_row(2, 出生日期="2099-01-01"),
                                child_row(3, 行政区划代码="420881999")])

    done = _imported(named, admin, content)

    assert (done["status"], done["rows"], done["accepted"], done["refused"]) == ("done", 3, 1, 2)
    assert [(e["row"], e["column"]) for e in done["errors"]] == [
        (3, "出生日期"), (4, "行政区划代码")]
    assert "晚于今天" in done["errors"][0]["message"]


def test_a_dry_run_records_nothing_on_the_register(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    content = _sheet(tmp_path, [child_row(1), child_row(2)])
    state = named.app.state  # type: ignore[attr-defined]
    answer = _send(named, admin, content, dry_run=True)
    before = _position(named)  # the request itself is on the import's own record

    run(state.register, state.settings.data_dir, UUID(answer.json()["id"]))

    done = named.get(answer.json()["url"], headers=admin).json()
    assert (done["dry_run"], done["accepted"], done["refused"]) == (True, 2, 0)
    assert _position(named) == before + 2  # the run's start and outcome, nothing else
    listed = named.get("/api/v1/children", headers=admin).json()["items"]
    assert listed == []


def test_the_same_file_sent_twice_records_nothing_new(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    content = _sheet(tmp_path, [child_row(1), child_row(2)])
    _imported(named, admin, content)

    again = _imported(named, admin, content)

    assert (again["accepted"], again["unchanged"], again["refused"]) == (0, 2, 0)


def test_the_same_idempotency_key_and_file_replays_the_first_answer(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    body, kind = _multipart(_sheet(tmp_path, [child_row(1)]))
    headers = {**admin, "Idempotency-Key": "import-1", "Content-Type": kind}
    first = named.post("/api/v1/imports", headers=headers, content=body)
    before = _position(named)

    second = named.post("/api/v1/imports", headers=headers, content=body)

    assert second.status_code == 202 and second.json()["id"] == first.json()["id"]
    assert _position(named) == before


def _multipart(content: bytes) -> tuple[bytes, str]:
    """A request's body as a client sends it each time: the same bytes, one boundary."""
    boundary = "aixin-import-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
             f"children\r\n".encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="a.xlsx"\r\nContent-Type: {XLSX}\r\n\r\n'.encode() + content
             + b"\r\n", f"--{boundary}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_sheet_with_wrong_headers_is_refused_whole_naming_them(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    header = [h for h in CHILD_HEADER if h != "同意日期"] + ["备注"]
    before = _position(named)

    answer = _send(named, admin, _sheet(tmp_path, [child_row(1)], header))

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "file"]
    assert "同意日期" in _said(answer) and "备注" in _said(answer)
    assert (answer.json()["missing"], answer.json()["unknown"]) == (["同意日期"], ["备注"])
    assert _position(named) == before


@pytest.mark.parametrize("content", [b"name,sex\n", b"", b"PK\x03\x04 not really"],
                         ids=["csv", "empty", "broken-zip"])
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_chinese(
        named: TestClient, admin: dict[str, str], content: bytes) -> None:
    before = _position(named)

    answer = _send(named, admin, content)

    assert answer.status_code == 422 and "不是 Excel 工作簿" in _said(answer)
    assert _position(named) == before
    assert named.get("/health").status_code == 200


def test_a_sheet_with_only_its_header_is_refused_as_empty(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    answer = _send(named, admin, _sheet(tmp_path, []))

    assert answer.status_code == 422 and "没有数据" in _said(answer)


def test_a_file_of_50_mb_is_refused_and_the_service_still_answers(
        named: TestClient, admin: dict[str, str]) -> None:
    before = _position(named)

    answer = _send(named, admin, b"\0" * (50 * 1024 * 1024))

    assert answer.status_code == 413 and "20 MB" in answer.json()["detail"]
    assert _position(named) == before
    assert named.get("/health").status_code == 200
    assert named.get("/api/v1/children", headers=admin).status_code == 200


def test_volunteers_import_from_their_registration_forms(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    content = _sheet(tmp_path, [volunteer_row(1), volunteer_row(2)], VOLUNTEER_HEADER)

    done = _imported(named, admin, content, kind="volunteers")

    assert (done["kind"], done["accepted"]) == ("volunteers", 2)
    wait_until(lambda: len(named.get("/api/v1/volunteers", headers=admin).json()["items"])
               == 2, within=10, what="both volunteers on the register")


def test_a_school_may_not_import_volunteers(
        named: TestClient, user: Callable[..., dict[str, str]], tmp_path: Path) -> None:
    school = user("school", school="石牌镇中心小学", region_code=TOWNSHIP[0])

    answer = _send(named, school, _sheet(tmp_path, [volunteer_row(1)], VOLUNTEER_HEADER),
                   kind="volunteers")

    assert answer.status_code == 403


def test_rows_beyond_the_callers_region_are_refused_and_others_cannot_see_the_import(
        named: TestClient, user: Callable[..., dict[str, str]], tmp_path: Path) -> None:
    elsewhere = user("federation", region_code="420821")
    done = _imported(named, elsewhere, _sheet(tmp_path, [child_row(1)]))
    third = user("federation", region_code="420822")

    assert done["refused"] == 1 and "管辖范围" in done["errors"][0]["message"]
    assert named.get(done["url"], headers=third).status_code == 404


def test_the_template_is_the_form_with_its_instructions(
        client: TestClient, admin: dict[str, str]) -> None:
    answer = client.get("/api/v1/imports/template", params={"kind": "children"},
                        headers=admin)

    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert {"姓名*", "身份证号", "监护人关系", "同意人*"} <= set(header)
    assert book.sheetnames[1] == "填写说明"


def test_a_workbook_that_would_unpack_to_gigabytes_is_refused_naming_the_file(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    packed = bomb(tmp_path / "bomb.xlsx", "xl/sharedStrings.xml", MAX_SHARED_STRINGS + MB)
    before = _position(named)

    answer = _send(named, admin, packed.read_bytes())

    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "file"]
    assert "解压后过大" in _said(answer)
    assert _position(named) == before
    assert not list((named.app.state.settings.data_dir / "imports").glob("*"))  # type: ignore[attr-defined]


def test_a_chunked_body_over_the_limit_is_refused_as_it_streams(
        named: TestClient, admin: dict[str, str]) -> None:
    boundary = "aixin-chunked-boundary"
    before = _position(named)

    def body() -> Iterator[bytes]:  # no Content-Length: sent chunk by chunk
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
               f'children\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
               f'filename="a.xlsx"\r\nContent-Type: {XLSX}\r\n\r\n').encode()
        for _ in range(MAX_UPLOAD // MB + 2):
            yield b"\0" * MB

    answer = named.post("/api/v1/imports", content=body(), headers={
        **admin, "Content-Type": f"multipart/form-data; boundary={boundary}"})

    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413 and "20 MB" in answer.json()["detail"]
    assert _position(named) == before
    assert named.get("/api/v1/children", headers=admin).status_code == 200


class _Unwritable(CareRegister):
    """The register whose database stops answering as the import is recorded."""

    def request_import(self, **request: Any) -> UUID:
        raise sqlite3.OperationalError("database is locked")


def test_a_request_that_cannot_be_recorded_leaves_no_upload_behind(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    state = named.app.state  # type: ignore[attr-defined]
    unwritable = build_register(state.settings, kind=_Unwritable)
    named.app.dependency_overrides[deps._register] = lambda: unwritable  # type: ignore[attr-defined]
    try:
        client = TestClient(named.app, raise_server_exceptions=False)
        answer = _send(client, admin, _sheet(tmp_path, [child_row(1)]))
    finally:
        named.app.dependency_overrides.clear()  # type: ignore[attr-defined]
        unwritable.close()

    assert answer.status_code >= 500
    assert not list((state.settings.data_dir / "imports").glob("*"))


def test_the_exported_childrens_register_imported_back_as_a_dry_run_finds_every_child_unchanged(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    assert named.post("/api/v1/places", headers=admin, json={"places": [
        {"code": "420821101", "name": "石牌镇"}]}).is_success
    for child in (
            {**CHILD, "id_number": id_number("42082120160520002"), "ethnicity": "土家族",
             "boarding": True, "address": "湖北省钟祥市石牌镇彭墩村三组"},
            {**CHILD, "name": "王小明", "sex": "male", "birth_date": "2014-09-01",
             "id_number": id_number("42082120140901003"),
             "categories": ["both_parents_away", "disabled"]}):
        create(named, "/api/v1/children", child, admin)
    imported = _imported(named, admin, _sheet(tmp_path, [
        child_row(1, 身份证号=""), child_row(2, 身份证号="", 类别="单亲家庭、低保")]))
    assert imported["accepted"] == 2, imported
    exported = named.get("/api/v1/exports/children.xlsx", headers=admin)
    assert exported.status_code == 200, exported.text
    answer = _send(named, admin, exported.content, dry_run=True)
    assert answer.status_code == 202, answer.text
    before = _position(named)

    state = named.app.state  # type: ignore[attr-defined]
    run(state.register, state.settings.data_dir, UUID(answer.json()["id"]))

    done = named.get(answer.json()["url"], headers=admin).json()
    assert (done["status"], done["rows"], done["accepted"], done["unchanged"],
            done["refused"], done["errors"]) == ("done", 4, 0, 4, 0, [])
    assert _position(named) == before + 2  # the run's start and outcome, nothing else


def test_a_register_with_a_title_row_and_a_numbering_column_imports_numbering_rows_as_the_sheet(
        named: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet: Any = book.active
    sheet.append(["石牌镇留守儿童花名册"])
    sheet.append(["序号", *CHILD_HEADER])
    sheet.append([1, *child_row(1)])
    sheet.append([2, *child_row(2, 出生日期="2099-01-01")])
    content = io.BytesIO()
    book.save(content)

    done = _imported(named, admin, content.getvalue())

    assert (done["status"], done["rows"], done["accepted"], done["refused"]) == ("done", 2, 1, 1)
    assert [(e["row"], e["column"]) for e in done["errors"]] == [(4, "出生日期")]
