"""/imports: registers imported from spreadsheets (花名册/登记表导入).

``GET /imports/template?kind=`` gives the empty form (.xlsx, Chinese headers, a sheet of
instructions); ``POST /imports`` (multipart: ``file``, ``kind``, ``dry_run``) checks that the
file is a workbook of sane unpacked size whose header row (among its first rows, below any
title rows; a 序号 column and the exported register's own columns passed over) is the form's
(422 naming the headers missing or unknown, nothing recorded), keeps it, records the
request and hands it to the background workers (202); ``GET /imports/{id}`` follows it
(``queued``, ``running``, ``done``, ``failed``) and gives its counts and refused rows. A dry
run records nothing on the register.

Who: staff who keep records (admin, 妇联 federation, 学校 schools for their own pupils);
volunteers' registers by the admin and federation staff. Rows outside the caller's scope are
refused row by row. An import is read by whoever asked for it, the admin, and federation
staff whose region holds it; to anyone else it does not exist (404).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from celery import Celery
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile
from fastapi.responses import JSONResponse
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from api.deps import AppSettings, Register, admitting
from api.routes.reports import Broker
from api.schemas.imports import ImportKind, ImportOut, ImportQueued, RowRefusalOut
from api.schemas.reports import ActorOut
from api.scope import caller_of, hidden
from api.security import Principal
from api.uploads import MAX_UPLOAD, TOO_LARGE
from domain.access.policy import may_keep_records, may_organise, within_region
from domain.application.imports import ImportView
from domain.imports import TITLES, HeadersRefused
from domain.users import Role
from workers.imports.running import upload_path
from workers.imports.sheets import NotASpreadsheet, check_sheet, template

log = logging.getLogger(__name__)

router = APIRouter(prefix="/imports", tags=["imports"])
Staff = Annotated[Principal, Depends(admitting(may_keep_records))]

#: The rule a file refused as a whole breaks (not a workbook, empty, not the form's headers).
REFUSED_FILE = "import_file"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                  "interval_max": 1.0}


def _url(import_id: object) -> str:
    return f"/api/v1/imports/{import_id}"


@router.get("/template", response_class=Response, responses={
    200: {"description": "The empty form.", "content": {_XLSX: {}}}})
def download_template(caller: Staff, kind: Annotated[ImportKind, Query(description=(
        "children: 留守儿童花名册; volunteers: 爱心妈妈登记表"))]) -> Response:
    """The empty register to fill in (.xlsx): the form's Chinese headers and a sheet of
    instructions (填写说明)."""
    return template_download(kind)


def template_download(kind: str) -> Response:
    """The empty register of ``kind`` as a download named in Chinese (…模板.xlsx)."""
    name = f"{TITLES[kind]}模板.xlsx"
    return Response(content=template(kind), media_type=_XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{kind}-template.xlsx\"; "
                               f"filename*=UTF-8''{quote(name, safe='')}"})


@router.post("", status_code=202, response_model=ImportQueued, responses={
    413: {"description": f"The file is over {MAX_UPLOAD // (1024 * 1024)} MB."},
    422: {"description": "Not a spreadsheet, a workbook that would unpack to far more than a "
                         "register (a zip bomb), an empty sheet, or headers not the form's "
                         "(`detail[0].type` `import_file` on `file`; `missing` and `unknown` "
                         "name the headers)."}})
def start_import(caller: Staff, register: Register, settings: AppSettings, celery: Broker,
                 response: Response,
                 file: Annotated[UploadFile, File(description="The register (.xlsx).")],
                 kind: Annotated[ImportKind, Form()],
                 dry_run: Annotated[bool, Form(description=(
                     "true: tell what would happen, record nothing on the register"))] = False,
                 ) -> ImportQueued | JSONResponse:
    """Import a register from a spreadsheet (or try it: ``dry_run``); the background
    workers read it (follow the ``url``)."""
    if kind == "volunteers" and not may_organise(caller_of(caller)):
        raise HTTPException(status_code=403, detail="只有管理员和妇联可以导入爱心妈妈登记表（only "
                                                    "the admin and federation staff import "
                                                    "volunteers）")
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    kept, size, digest = _keep(file, folder)
    try:
        check_sheet(kept, kind)
    except (NotASpreadsheet, HeadersRefused) as refused:
        kept.unlink(missing_ok=True)
        # A file is refused as a whole, as a field is: what no JSON Schema can state
        # (a workbook, the form's headers) named on the field ``file``.
        content: dict[str, object] = {"detail": [{
            "loc": ["body", "file"], "msg": str(refused), "type": REFUSED_FILE}]}
        if isinstance(refused, HeadersRefused):
            content.update(missing=list(refused.missing), unknown=list(refused.unknown))
        return JSONResponse(status_code=422, content=content)
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    scope = caller.scope
    try:
        import_id = register.request_import(
            kind=kind, dry_run=dry_run, file_name=Path(file.filename or "register.xlsx").name,
            size=size, sha256=digest, actor=caller.actor,
            region_code=scope.region_code if scope.role is not Role.ADMIN else None,
            school=scope.school)
        target = upload_path(settings.data_dir, import_id)
        if not target.exists():  # else kept by an earlier try of the same request
            os.replace(kept, target)
    finally:
        kept.unlink(missing_ok=True)
    dispatched = dispatch(celery, import_id)
    view = register.get_import(import_id)
    response.headers["Location"] = _url(import_id)
    return ImportQueued(id=view.id, kind=kind, dry_run=view.dry_run,
                        status=view.status,  # type: ignore[arg-type]
                        dispatched=dispatched, url=_url(import_id))


def dispatch(celery: Celery, import_id: UUID) -> bool:
    """Hand the import to the workers; False if the broker did not answer (the import stays
    queued, recorded)."""
    try:
        celery.send_task("aixin.imports.run", args=(str(import_id),), ignore_result=True,
                         retry=True, retry_policy=_PUBLISH_RETRY)
    except (KombuError, RedisError, OSError) as error:
        log.warning("import %s recorded but not queued (broker: %s)", import_id,
                    type(error).__name__)
        return False
    return True


def _keep(upload: UploadFile, folder: Path) -> tuple[Path, int, str]:
    """Copy the upload to a file of its own in ``folder``, chunk by chunk: its path, size
    and SHA-256; 413 past :data:`MAX_UPLOAD`."""
    digest, size = hashlib.sha256(), 0
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=".xlsx", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := upload.file.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise HTTPException(status_code=413, detail=TOO_LARGE)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size, digest.hexdigest()


@router.get("/{import_id}", response_model=ImportOut)
def read_import(import_id: UUID, caller: Staff, register: Register,
                errors_after: Annotated[int, Query(ge=0, le=1000, description=(
                    "How many refused rows to skip (the `errors_next` of the page before)."
                ))] = 0,
                errors_limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> ImportOut:
    """The import's status and, once done, its counts and refused rows (row, column,
    message)."""
    view = _visible(register, caller, import_id)
    page = view.errors[errors_after:errors_after + errors_limit]
    following = errors_after + len(page)
    return ImportOut(
        id=view.id, kind=view.kind,  # type: ignore[arg-type]
        dry_run=view.dry_run, status=view.status,  # type: ignore[arg-type]
        file_name=view.file_name, size=view.size, sha256=view.sha256,
        requested_by=ActorOut(id=view.requested_by.id, role=view.requested_by.role),
        requested_on=view.requested_on, attempts=view.attempts, started_at=view.started_at,
        finished_at=view.finished_at, rows=view.rows, accepted=view.accepted,
        unchanged=view.unchanged, refused=view.refused,
        errors=[RowRefusalOut(row=row, column=column, message=message)
                for row, column, message in page],
        errors_kept=len(view.errors),
        errors_next=following if following < len(view.errors) else None,
        failure=view.failure, url=_url(view.id))


def _visible(register: Register, caller: Principal, import_id: UUID) -> ImportView:
    """The import, for whoever asked for it, the admin, and federation staff whose region
    holds it; NotFound (404) for anyone else."""
    view = register.get_import(import_id)  # NotFound: 404
    who = caller_of(caller)
    if (who.role is Role.ADMIN or view.requested_by.id == str(caller.user_id)
            or (who.role is Role.FEDERATION and bool(view.region_code)
                and within_region(who, view.region_code))):
        return view
    raise hidden("import", import_id)
