"""/schools/enrolment: schools' pupils term by term (在校学生数), the figure the quarterly
report divides by for the share of pupils left behind.

The admin and 妇联 federation staff record the counts of the schools in their region, a 学校
school its own; the same roles list them within their scope, auditors all of them; caring
mothers do neither (403).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import Register, Views, admitting
from api.schemas.common import Page
from api.schemas.schools import (
    EarlierCount,
    EnrolmentIn,
    EnrolmentOut,
    RecordedBy,
    TermCountOut,
)
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, narrow
from domain.schools import may_record_enrolment, read_term
from domain.schools.access import may_keep_enrolment, may_read_enrolment
from projections.places.divisions import division_known, division_name
from projections.reports.enrolment import TermCount, enrolment_listed, school_attended
from projections.reports.facts import ReportFacts

router = APIRouter(prefix="/schools", tags=["schools"])
Keeper = Annotated[Principal, Depends(admitting(may_keep_enrolment))]
Reader = Annotated[Principal, Depends(admitting(may_read_enrolment))]


@router.post("/enrolment", status_code=201, response_model=EnrolmentOut, responses={
    200: {"model": EnrolmentOut, "description": "The same count was on record already: "
          "nothing recorded."}})
def record_enrolment(body: EnrolmentIn, caller: Keeper, register: Register, views: Views,
                     response: Response) -> EnrolmentOut:
    """Record a school's pupils in a term (在校学生数): by the admin, federation staff whose
    region holds the school, or the school itself (403 otherwise). Another count for a term
    already counted puts it right and needs a `reason` (409 `enrolment_correction_needs_reason`
    without); the same count again records nothing (200). The school is where
    ``region_code`` says: a county on the national list of divisions, or a township or
    village in the register of places (422 ``region_code`` otherwise). When no child on the
    register in that county attends a school of this name, the count is kept and the
    answer's ``warning`` says so."""
    if not may_record_enrolment(caller_of(caller), body.region_code, body.school):
        raise HTTPException(status_code=403, detail=(
            "在校学生数由本校、辖区妇联或管理员登记（a school's pupils are recorded by the school, "
            "the federation of its region or the admin）"))
    noted = register.record_enrolment(
        region_code=body.region_code, school=body.school, term=body.term, pupils=body.pupils,
        on=body.on, reason=body.reason, actor=caller.actor, division_known=division_known)
    if not noted.recorded:
        response.status_code = 200
    views.wait_for(register.recorder.max_notification_id() or 0)  # listed once answered
    with views.store.recorder(ReportFacts).read() as tx:
        attended = school_attended(tx, body.region_code.strip(), body.school.strip())
    name, starts_on = read_term(body.term)
    return EnrolmentOut(id=noted.id, version=noted.version, recorded=noted.recorded,
                        region_code=body.region_code, school=body.school, term=name,
                        starts_on=starts_on, pupils=body.pupils,
                        warning=None if attended else unattended(body.region_code.strip(),
                                                                 body.school.strip()))


def unattended(region_code: str, school: str) -> str:
    """The warning for a school no child on the register in its county attends."""
    county = division_name(region_code[:6]) or region_code[:6]
    return (f"已登记。但{county}的在册儿童中没有人就读于“{school}”："
            "请核对学校名称是否与儿童档案中的写法一致；该校尚无留守儿童就读时可不理会"
            f"（recorded; but no child on the register in county {region_code[:6]} attends a "
            f"school named {school}: check the name is written as the children's records "
            "write it, or ignore this if the school has no left-behind pupil yet）")


@router.get("/enrolment", response_model=Page[TermCountOut])
def list_enrolment(
    caller: Reader, views: Views,
    region_code: Annotated[str | None, Query(max_length=12, pattern=r"^\d{2,12}$", description=(
        "A division-code prefix: the schools there."))] = None,
    school: Annotated[str | None, Query(max_length=200, description=(
        "One school by name."))] = None,
    after: Annotated[int | None, Query(ge=0, le=1_000_000, description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> Page[TermCountOut]:
    """Schools' counts term by term within your scope, each term's count in force with the
    counts it put right; by place, school and term, the newest term first."""
    scoped = narrow(Listing(region_code=region_code, school=school or None), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    start = after or 0
    with views.store.recorder(ReportFacts).read() as tx:
        counts = list(enrolment_listed(tx, scoped.region_code, scoped.school))
    page = counts[start:start + limit]
    more = len(counts) > start + limit
    return Page(items=[_shown(count) for count in page],
                next=str(start + limit) if more else None)


def _shown(count: TermCount) -> TermCountOut:
    return TermCountOut(
        id=UUID(count.enrolment_id), version=count.version, region_code=count.region_code,
        school=count.school, term=count.term, starts_on=date.fromisoformat(count.starts_on),
        pupils=count.pupils, on=date.fromisoformat(count.stated_on), reason=count.reason,
        recorded_at=count.recorded_at,
        recorded_by=RecordedBy(id=count.recorded_by, role=count.recorded_role),
        earlier=[EarlierCount(pupils=int(row["pupils"]), on=date.fromisoformat(row["stated_on"]),
                              reason=row["reason"], recorded_at=row["recorded_at"],
                              recorded_by=RecordedBy(id=row["recorded_by"],
                                                     role=row["recorded_role"]))
                 for row in count.earlier])
