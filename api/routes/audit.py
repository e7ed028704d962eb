"""/audit: whether the event log is intact (防篡改校验), for administrators and auditors."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import Views, admitting
from api.schemas.audit import AnchorOut, AnchorsOut, ChainHeadOut, FindingOut, Verification
from api.security import Principal
from domain.access.policy import may_audit
from projections.audit import AnchorCheck, LogAudit

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(admitting(may_audit))]


@router.get("/verify", response_model=Verification)
def verify(caller: Auditor, views: Views,
           limit: Annotated[int, Query(ge=1, le=10_000, description=(
               "Findings listed at most (all are counted)."))] = 1000) -> Verification:
    """Re-read the event log against its hash chain and anchors; say how far it checked."""
    result = LogAudit.of(views).verify(limit=limit)
    checks = result.anchors
    return Verification(
        intact=result.intact, checked=result.checked, unchained=result.unchained,
        checked_through=result.checked_through, log_head=result.log_head,
        head=None if result.head is None else ChainHeadOut(**dataclasses.asdict(result.head)),
        anchors=AnchorsOut(checked=len(checks),
                           broken=[_anchor(check) for check in checks if not check.intact],
                           latest=_anchor(checks[-1]) if checks else None),
        findings=[FindingOut(**dataclasses.asdict(f)) for f in result.findings],
        findings_total=result.findings_total)


def _anchor(check: AnchorCheck) -> AnchorOut:
    anchor = check.anchor
    return AnchorOut(position=anchor.position, hash=anchor.hash,
                     anchored_at=anchor.anchored_at, reason=anchor.reason,
                     intact=check.intact)
