"""/concerns: the anomalies reported (情况报告) across the register, open or resolved."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import Caller, Views
from api.schemas.children import ConcernListed
from api.schemas.common import Page
from api.scope import caller_of, volunteers_children
from domain.access.policy import Listing, narrow
from projections.registers.concerns import ConcernsRegister, list_concerns

router = APIRouter(prefix="/concerns", tags=["children"])


@router.get("", response_model=Page[ConcernListed])
def list_reported(
    caller: Caller, views: Views,
    status: Annotated[Literal["open", "resolved"] | None, Query(
        description="`open`: not yet resolved; `resolved`: acted on and closed.")] = None,
    region_code: Annotated[str | None, Query(max_length=12, pattern=r"^\d{2,12}$", description=(
        "A prefix of division codes: the concerns of children there."))] = None,
    school: Annotated[str | None, Query(max_length=100)] = None,
    child_id: UUID | None = None,
    after: Annotated[str | None, Query(max_length=64, description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ConcernListed]:
    """Concerns within your scope, a page at a time, by id: federation staff their region's,
    a school its pupils', a caring mother her paired children's; the admin and auditors all.
    Each item's ``version`` is the child's record version when the concern last changed."""
    who = caller_of(caller)
    scoped = narrow(Listing(region_code=region_code, school=school), who)
    if scoped is None:
        return Page(items=[])
    children = (tuple(sorted(volunteers_children(scoped.volunteer_id, views)))
                if scoped.volunteer_id is not None else None)
    with views.store.recorder(ConcernsRegister).read() as tx:
        rows = list_concerns(tx, status=status, region_code=scoped.region_code,
                             school=scoped.school, child_id=str(child_id) if child_id else None,
                             child_ids=children, after=after, limit=limit)
    items = [ConcernListed(
        id=row["concern_id"], version=row["version"], child_id=row["child_id"],
        kind=row["kind"], occurred_on=row["occurred_on"],
        status="resolved" if row["resolved_on"] else "open", resolved_on=row["resolved_on"],
        region_code=row["region_code"], school=row["school"]) for row in rows]
    return Page(items=items, next=rows[-1]["concern_id"] if len(rows) == limit else None)
