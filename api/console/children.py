"""The console's children: the search (花名册查询), a child's page (儿童档案, see
:mod:`api.console.child_page`) and the forms that register and keep a child's record
(:mod:`api.console.child_forms`, mounted first so that ``/children/new`` is not read as an id).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console import child_forms, child_moves, place_filters
from api.console.child_page import show
from api.console.pages import render
from api.console.queries import children_overdue
from api.console.session import ConsoleCaller
from api.deps import Register, Views
from api.scope import caller_of, narrow_children
from projections.places.queries import Township
from projections.registers.children import ChildFilter, ChildrenRegister, list_children

router = APIRouter()
router.include_router(child_forms.router)
router.include_router(child_moves.router)
PAGE = 20


@router.get("/children", response_class=HTMLResponse)
def search(request: Request, caller: ConsoleCaller, register: Register, views: Views,
           name: str = "", school: str = "", township: str = "", category: str = "",
           left_behind: Literal["", "yes", "no"] = "", overdue: bool = False,
           after: str = "") -> HTMLResponse:
    """Search the children's register within the caller's scope, a page at a time."""
    today = register.today()
    places = place_filters.choices(views, caller.scope.region_code)
    township = place_code(township.strip(), places)
    where = narrow_children(caller_of(caller), views, ChildFilter(
        name=name.strip() or None, school_part=school.strip() or None,
        region_code=township or None, category=category or None,
        left_behind={"yes": True, "no": False}.get(left_behind)))
    rows: list[Any] = []
    if where is not None and overdue:
        late = children_overdue(views, today, where.region_code)
        if where.child_ids is not None:
            late &= set(where.child_ids)
        where = dataclasses.replace(where, child_ids=tuple(sorted(late)))
    if where is not None:
        with views.store.recorder(ChildrenRegister).read() as tx:
            rows = list_children(tx, where, today, texts=views.texts, after=after or None,
                                 limit=PAGE)
    query = {"name": name, "school": school, "township": township, "category": category,
             "left_behind": left_behind, "overdue": "true" if overdue else ""}
    unknown = township if township and not township.isdigit() else ""
    return render(request, "children.html", caller, rows=rows, query=query, today=today,
                  places=places, unknown_place=unknown,
                  next=rows[-1]["child_id"] if len(rows) == PAGE else None, first=not after)


def place_code(typed: str, places: list[Township]) -> str:
    """The division code of a place typed by its code or by its name (磷矿镇, or a village's
    name, or 磷矿镇 and a village's name); a name not known is kept as typed."""
    if not typed or typed.isdigit():
        return typed
    for township in places:
        if typed == township.name:
            return township.code
        for village in township.villages:
            if typed in (village.name, f"{township.name}{village.name}",
                         f"{township.name} {village.name}"):
                return village.code
    return typed


@router.get("/children/{child_id}", response_class=HTMLResponse)
def child_page(request: Request, child_id: UUID, caller: ConsoleCaller, register: Register,
               views: Views, as_of: Annotated[date | None, Query()] = None,
               known: Literal["then", "now"] = "now", saved: str = "",
               id_number: Literal["masked", "full"] = "masked") -> HTMLResponse:
    """The child's record, pairings, duties and timeline; as of a date if given; the national
    ID number masked unless ``id_number=full`` (a read that is recorded)."""
    return show(request, caller, register, views, child_id, as_of, known, saved=saved,
                full_id=id_number == "full")
