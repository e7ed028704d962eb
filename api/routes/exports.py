"""/exports: the registers as spreadsheets (导出登记册), the caller's scope only.

The children's register (花名册), the volunteers' register with their four opinions
(志愿者登记册) and the pairing register (结对登记表), each a streamed .xlsx with Chinese
headers, saved under its region's name (a school's under the school's: its name carries its
township). The children's register is the office's form: the import template's columns, then
the export's own (:mod:`projections.exports.children`). Every child an export names is put on
the record as read (查阅记录: ``export_children``, 导出花名册; ``export_pairings``, 导出结对
登记表), one read per child, a page of the register in one transaction.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import Register, Views, admitting
from api.scope import caller_of, narrow_children
from api.security import Principal
from domain.access.policy import Listing, may_list_volunteers, may_read_history, narrow
from domain.application import CareRegister
from domain.pairings import Pairing
from projections.exports.children import CHILDREN, child_rows, records_as_of
from projections.exports.registers import PAIRINGS, VOLUNTEERS, pairing_rows, volunteer_rows_of
from projections.exports.sheet import Register as Sheet
from projections.exports.sheet import write_register
from projections.places.names import PlaceNames, place_names
from projections.registers.children import ChildFilter
from projections.reports.store import CONTENT_TYPES

router = APIRouter(prefix="/exports", tags=["exports"])
#: Who exports the children's and the pairing registers: staff within their scope (a school
#: its pupils) and auditors; caring mothers do not (403). Each of them reads a child's record
#: in full (``reads_in_full``), so the 花名册 carries every cell of the form.
ChildrenReader = Annotated[Principal, Depends(admitting(may_read_history))]
#: Who exports the volunteers' register: the admin, auditors and federation staff.
VolunteersReader = Annotated[Principal, Depends(admitting(may_list_volunteers))]
#: A division-code prefix (2 to 12 digits) within the caller's scope; outside it the
#: register is exported empty, as a list outside it is empty.
RegionCode = Annotated[str | None, Query(
    pattern=r"^\d{2,12}$", description="A division-code prefix within your scope "
    "(420881: 钟祥市); outside it the export has its headers and no rows.")]
#: What each export puts on the timeline of each child it names (查阅记录): 导出花名册,
#: 导出结对登记表 (``domain.vocabulary.READ_TITLES``).
READ_CHILDREN, READ_PAIRINGS = "export_children", "export_pairings"
XLSX = CONTENT_TYPES[".xlsx"]
WORKBOOK: dict[int | str, dict[str, Any]] = {200: {
    "description": "The register as a workbook (.xlsx), saved under a Chinese name "
                   "(Content-Disposition filename*).",
    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/children.xlsx", response_class=FileResponse, responses=WORKBOOK)
def export_children(caller: ChildrenReader, register: Register, views: Views,
                    region_code: RegionCode = None) -> FileResponse:
    """The children's register (花名册) within your scope as it stands today, as the import
    template's form (its headers, order and words, 身份证号 included: it can be imported back)
    and then the export's own columns; each child in it is recorded as read (导出花名册)."""
    today = _caught_up(register, views)
    where = narrow_children(caller_of(caller), views, ChildFilter(region_code=region_code))
    names = place_names(views)
    seen = _reads(register, caller, READ_CHILDREN)
    rows = (child_rows(views, where, today, names, records_as_of(register, today), seen)
            if where is not None else iter(()))
    region = where.region_code if where is not None else region_code
    return _sent(CHILDREN, rows, "children", _place(names, region, caller), today)


@router.get("/volunteers.xlsx", response_class=FileResponse, responses=WORKBOOK)
def export_volunteers(caller: VolunteersReader, register: Register, views: Views,
                      region_code: RegionCode = None) -> FileResponse:
    """The volunteers' register (志愿者登记册) within your region, each with the four
    levels' opinions (所在单位、县、市、省妇联意见), their decisions and dates."""
    today = _caught_up(register, views)
    scoped = narrow(Listing(region_code=region_code), caller_of(caller))
    names = place_names(views)
    rows = (volunteer_rows_of(views, scoped.region_code, names,
                              lambda volunteer_id: register.get_volunteer(UUID(volunteer_id)))
            if scoped is not None else iter(()))
    region = scoped.region_code if scoped is not None else region_code
    return _sent(VOLUNTEERS, rows, "volunteers", _place(names, region, caller), today)


@router.get("/pairings.xlsx", response_class=FileResponse, responses=WORKBOOK)
def export_pairings(caller: ChildrenReader, register: Register, views: Views,
                    region_code: RegionCode = None) -> FileResponse:
    """The pairing register (结对登记表) within your scope: children, caring mothers,
    principle, agreement, start, status and end; each child it names is recorded as read."""
    today = _caught_up(register, views)
    scoped = narrow(Listing(region_code=region_code), caller_of(caller))
    names = place_names(views)
    rows = (pairing_rows(views, scoped.region_code, scoped.school, names,
                         _signed_on(register), _reads(register, caller, READ_PAIRINGS))
            if scoped is not None else iter(()))
    region = scoped.region_code if scoped is not None else region_code
    return _sent(PAIRINGS, rows, "pairings", _place(names, region, caller), today)


def _caught_up(register: CareRegister, views: Views) -> date:
    """Today, once the registers have caught up with the log (bounded wait)."""
    views.wait_for(register.recorder.max_notification_id() or 0)
    return register.today()


def _reads(register: CareRegister, caller: Principal,
           what: str) -> Callable[[list[str]], None]:
    """Records one read (``what``: which register) of each child of a page, in one
    transaction."""
    def seen(child_ids: list[str]) -> None:
        register.record_reads([UUID(child_id) for child_id in child_ids], what=what,
                              actor=caller.actor)
    return seen


def _signed_on(register: CareRegister) -> Callable[[str], date | None]:
    """The day a pairing's agreement (责任状) was signed, read from its first event alone."""
    def signed(pairing_id: str) -> date | None:
        formed: Pairing = register.repository.get(UUID(pairing_id), version=1)
        return formed.agreement_signed_on
    return signed


def _place(names: PlaceNames, region_code: str | None, caller: Principal) -> str:
    """The export's place in words: the school's name (it carries its township: 东桥镇初级
    中学), the region's, or 全部 (everything)."""
    if caller.scope.school:
        return caller.scope.school
    return names.name(region_code) if region_code else "全部"


def _sent(sheet: Sheet, rows: Iterable[list[Any]], stored: str, place: str,
          today: date) -> FileResponse:
    """The register written to a temporary file, sent, then deleted."""
    handle, name = tempfile.mkstemp(prefix="aixin-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_register(path, sheet, rows, subtitle=f"{place}，{today.isoformat()}")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    saved = f"{place}-{sheet.sheet}-{today.isoformat()}.xlsx"
    return FileResponse(path, media_type=XLSX, background=BackgroundTask(
        path.unlink, missing_ok=True), headers={"Content-Disposition": (
            f"attachment; filename=\"{stored}-{today.isoformat()}.xlsx\"; "
            f"filename*=UTF-8''{quote(saved, safe='')}")})
