"""/children/{id}/erasure: erase a child's personal data by destroying its key (admin)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from api.deps import Register, Views, admitting
from api.schemas.erasure import ErasureIn, ErasureOut
from api.security import Principal
from domain.access.policy import may_administer
from storage.idempotency import IdempotencyStore

router = APIRouter(prefix="/children", tags=["children"])
Admin = Annotated[Principal, Depends(admitting(may_administer))]


@router.post("/{child_id}/erasure", response_model=ErasureOut)
def erase(child_id: UUID, body: ErasureIn, caller: Admin, register: Register, views: Views,
          request: Request) -> ErasureOut:
    """Erase the child's personal data (个人信息删除) without rewriting the log: the
    erasure is recorded with its legal ground, then the child's key is destroyed; so for
    each record merged into it (重复档案). Counts, pairings and the hash chain stay; a
    repeat records nothing."""
    erasure = register.erase_personal_data(child_id, reason=body.reason, actor=caller.actor)
    idempotency: IdempotencyStore = request.app.state.idempotency
    for erased_id in (child_id, *erasure.absorbed):  # the records merged into it too
        idempotency.redact(str(erased_id))
    views.wait_for(register.recorder.max_notification_id() or 0)
    views.store.checkpoint()  # the views' old pages with the child's texts leave the WAL
    return ErasureOut(id=child_id, version=erasure.version, erased_on=erasure.erased_on,
                      recorded=erasure.recorded)
