"""The registers' spreadsheets from the console (导出): the list pages link here, and each
download is the API's export (``GET /api/v1/exports/…``) for the session's caller, the
place chosen on the page kept (every child in it recorded as read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from api.console.gates import admitting
from api.console.pages import page
from api.deps import Register, Views
from api.routes import exports as api_exports
from api.security import Principal
from domain.access.policy import may_list_volunteers, may_read_history

router = APIRouter(responses={403: page("An account that may not export this register: "
                                        "a page saying so.")})
Reader = Annotated[Principal, admitting(
    may_read_history, "只有管理员、妇联、学校和督导/审计人员可以导出花名册和结对登记表")]
VolunteersReader = Annotated[Principal, admitting(
    may_list_volunteers, "只有管理员、妇联和督导/审计人员可以导出爱心妈妈登记册")]
Place = Annotated[str, Query(pattern=r"^\d{0,12}$", description=(
    "A division-code prefix within your scope (empty: all of it)."))]


@router.get("/exports/children.xlsx", response_class=FileResponse,
            responses=api_exports.WORKBOOK)
def children(caller: Reader, register: Register, views: Views,
             region_code: Place = "") -> FileResponse:
    """The children's register (花名册) as ``GET /api/v1/exports/children.xlsx``."""
    return api_exports.export_children(caller, register, views, region_code or None)


@router.get("/exports/volunteers.xlsx", response_class=FileResponse,
            responses=api_exports.WORKBOOK)
def volunteers(caller: VolunteersReader, register: Register, views: Views,
               region_code: Place = "") -> FileResponse:
    """The volunteers' register (志愿者登记册) as ``GET /api/v1/exports/volunteers.xlsx``."""
    return api_exports.export_volunteers(caller, register, views, region_code or None)


@router.get("/exports/pairings.xlsx", response_class=FileResponse,
            responses=api_exports.WORKBOOK)
def pairings(caller: Reader, register: Register, views: Views,
             region_code: Place = "") -> FileResponse:
    """The pairing register (结对登记表) as ``GET /api/v1/exports/pairings.xlsx``."""
    return api_exports.export_pairings(caller, register, views, region_code or None)
