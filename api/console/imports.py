"""The console's imports (导入): download a form, try a filled-in register first (先试导入，
不记录), read what would happen, then import the same file for real (正式导入), and follow the
job until it is done.

The upload goes through the API's own route function (``api.routes.imports.start_import``),
so what is checked, kept, recorded and queued is the same as over HTTP.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.console.gates import admitting
from api.console.pages import not_found, page, redirect, render
from api.console.session import check_csrf
from api.deps import AppSettings, Register
from api.routes import imports as api_imports
from api.schemas.imports import ImportKind
from api.security import Principal
from api.uploads import MAX_UPLOAD
from domain.access.policy import may_keep_records
from domain.errors import NotFound
from domain.imports import TITLES
from domain.users import Role
from workers.imports.running import upload_path

router = APIRouter(responses={403: page(
    "Not an account that keeps records (admin, federation, school), or (a form) the CSRF "
    "token is not the browser's: a page saying so.")})

Keeper = Annotated[Principal, admitting(may_keep_records, "只有管理员、妇联和学校可以导入登记表")]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Said when a dry run's file is no longer kept (deleted an hour after the dry run).
UPLOAD_AGAIN = "试导入的文件已超过保留时间并已删除，请重新上传该文件，先试导入再正式导入"


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, caller: Keeper) -> HTMLResponse:
    """The forms to download and the upload of a filled-in register (tried first)."""
    return render(request, "imports.html", caller, titles=TITLES, error=None, kind="children")


@router.get("/imports/template", response_class=Response, responses={
    200: {"description": "The empty form.", "content": {_XLSX: {}}}})
def download_template(caller: Keeper, kind: Annotated[ImportKind, Query()]) -> Response:
    """The empty register (.xlsx) with the form's headers and its 填写说明."""
    return api_imports.template_download(kind)


@router.post("/imports", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Accepted: to the import's page, which follows it until it is done."),
    413: page(f"The file is over {MAX_UPLOAD // (1024 * 1024)} MB."),
    422: page("Not a spreadsheet, an empty sheet, or headers not the form's: the upload "
              "page again, saying which.")})
def upload(request: Request, caller: Keeper, register: Register, settings: AppSettings,
           file: Annotated[UploadFile, File()], kind: Annotated[ImportKind, Form()],
           dry_run: Annotated[bool, Form()] = True,
           csrf: Annotated[str, Form()] = "") -> Response:
    """Try (``dry_run``, the default) or import a filled-in register."""
    check_csrf(request, csrf)
    answer = api_imports.start_import(caller, register, settings, request.app.state.celery,
                                      Response(), file=file, kind=kind, dry_run=dry_run)
    if isinstance(answer, JSONResponse):
        detail = json.loads(bytes(answer.body))["detail"][0]["msg"]
        return render(request, "imports.html", caller, status_code=answer.status_code,
                      titles=TITLES, error=detail, kind=kind)
    return RedirectResponse(f"/console/imports/{answer.id}", status_code=303)


@router.get("/imports/{import_id}", response_class=HTMLResponse)
def import_page(request: Request, import_id: UUID, caller: Keeper, register: Register,
                settings: AppSettings) -> Response:
    """The import's progress (the page refreshes itself while it is queued or running), its
    counts and the refused rows; after a dry run, the button that imports the same file for
    real, or, once the file is no longer kept, a request to upload it again."""
    try:
        found = api_imports.read_import(import_id, caller, register, errors_after=0,
                                        errors_limit=1000)
    except NotFound:
        return not_found(request, caller, "导入")
    kept = found.dry_run and upload_path(settings.data_dir, import_id).exists()
    done_dry = found.status == "done" and found.dry_run
    answer = render(request, "import.html", caller, job=found, title=TITLES[found.kind],
                    confirmable=done_dry and kept,
                    upload_again=UPLOAD_AGAIN if done_dry and found.accepted and not kept
                    else None)
    if found.status in ("queued", "running"):
        answer.headers["Refresh"] = "2"
    return answer


@router.post("/imports/{import_id}/confirmation", status_code=303,
             response_class=RedirectResponse, responses={
                 303: redirect("Imported for real: to the new import's page."),
                 404: page("No such finished dry run of yours."),
                 410: page("The dry run's file is no longer kept: the upload page, asking "
                           "for the file again.")})
def confirm(request: Request, import_id: UUID, caller: Keeper, register: Register,
            settings: AppSettings, csrf: Annotated[str, Form()] = "") -> Response:
    """正式导入: import for real the file a dry run tried."""
    check_csrf(request, csrf)
    try:
        tried = api_imports.read_import(import_id, caller, register, errors_after=0,
                                        errors_limit=1)
    except NotFound:
        return not_found(request, caller, "导入")
    kept = upload_path(settings.data_dir, import_id)
    if not tried.dry_run or tried.status != "done":
        return not_found(request, caller, "试导入")
    if not kept.exists():
        return render(request, "imports.html", caller, status_code=410, titles=TITLES,
                      error=UPLOAD_AGAIN, kind=tried.kind)
    real = register.request_import(
        kind=tried.kind, dry_run=False, file_name=tried.file_name, size=tried.size,
        sha256=tried.sha256, actor=caller.actor,
        region_code=None if caller.scope.role is Role.ADMIN else caller.scope.region_code,
        school=caller.scope.school)
    target = upload_path(settings.data_dir, real)
    if not target.exists():
        shutil.copyfile(kept, str(target) + ".part")
        os.replace(str(target) + ".part", target)
    kept.unlink(missing_ok=True)
    api_imports.dispatch(request.app.state.celery, real)
    return RedirectResponse(f"/console/imports/{real}", status_code=303)
