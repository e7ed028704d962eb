"""Who may see and change which records: a record outside the caller's scope is 404."""

from __future__ import annotations

from uuid import UUID

from api.security import Principal
from domain.errors import NotFound
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.runner import ViewRunner

READ_ALL = ("admin", "auditor")
#: Whose reads of a child's record are recorded on the child's timeline.
RECORDED_READERS = ("auditor", "federation")


def volunteers_children(caller: Principal, views: ViewRunner) -> set[str]:
    """The children a volunteer is paired with now (from the pairings register)."""
    volunteer_id = str(caller.scope.volunteer_id)
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, volunteer_id=volunteer_id, status="active", limit=1000)
    return {child for row in rows for child in row["child_ids"].strip(",").split(",") if child}


def in_region(caller: Principal, region_code: str) -> bool:
    return region_code.startswith(caller.scope.region_code or "\0")


def child_visible(caller: Principal, views: ViewRunner, child_id: UUID, region_code: str,
                  school: str) -> bool:
    role = caller.role
    if role in READ_ALL:
        return True
    if role == "federation":
        return in_region(caller, region_code)
    if role == "school":
        return school == caller.scope.school
    return str(child_id) in volunteers_children(caller, views)


def child_changeable(caller: Principal, region_code: str, school: str) -> bool:
    """Staff change a child's record: admin, federation in its region, its school."""
    role = caller.role
    if role == "admin":
        return True
    if role == "federation":
        return in_region(caller, region_code)
    return role == "school" and school == caller.scope.school


def hidden(noun: str, record_id: object) -> NotFound:
    """What a caller outside the scope is told: the record does not exist for them."""
    return NotFound(f"no {noun} {record_id}")
