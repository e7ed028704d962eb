"""/places: division codes by name (地名). Naming townships and villages is the admin's; the
names are for every signed-in user (they are no one's personal data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import Caller, Register, Views, roles
from api.schemas.places import PlaceOut, PlacesIn, PlacesNamedOut
from api.security import Principal
from projections.places.queries import places_below

router = APIRouter(prefix="/places", tags=["places"])
Admin = Annotated[Principal, Depends(roles("admin"))]


@router.post("", response_model=PlacesNamedOut)
def name_places(body: PlacesIn, caller: Admin, register: Register,
                views: Views) -> PlacesNamedOut:
    """Name townships and villages (地名登记): a code not known is named, a known one given
    another name is renamed (its old name kept as known before), the same name again records
    nothing. The whole list is checked before anything is recorded."""
    done = register.name_places([(p.code, p.name) for p in body.places],
                                actor=caller.actor)
    views.wait_for(register.recorder.max_notification_id() or 0)  # listed once answered
    return PlacesNamedOut(named=done.named, renamed=done.renamed, unchanged=done.unchanged)


@router.get("", response_model=list[PlaceOut])
def list_places(caller: Caller, views: Views, under: Annotated[str, Query(
        pattern=r"^\d{6}(\d{3})?$", description="The division code whose places are listed: "
        "a province's or city's (from the national list), a county's or township's (from "
        "the programme's register).", examples=["420881"])]) -> list[PlaceOut]:
    """The places one level below ``under``, by code, each with its name and level."""
    return [PlaceOut(code=p.code, name=p.name, level=p.level,  # type: ignore[arg-type]
                     former_names=list(p.former_names)) for p in places_below(views, under)]
