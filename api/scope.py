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


def in_school(caller: Principal, region_code: str, school: str) -> bool:
    """Whether a record of ``school`` in ``region_code`` is the school user's: its school
    where it is. School names repeat from county to county (every township has its
    中心小学), so the name alone is no scope; an account without a region sees nothing."""
    return (caller.role == "school" and in_region(caller, region_code)
            and school == caller.scope.school)


def school_listing(caller: Principal, region_code: str | None,
                   school: str | None) -> tuple[str, str] | None:
    """What a school user's listing is filtered by, the asked filters narrowed to its scope:
    (division-code prefix, school); None when what was asked lies outside it."""
    own_region, own_school = caller.scope.region_code, caller.scope.school
    if not own_region or not own_school or (school and school != own_school):
        return None
    if region_code and not region_code.startswith(own_region):
        return None
    return max(region_code or "", own_region, key=len), own_school


def child_visible(caller: Principal, views: ViewRunner, child_id: UUID, region_code: str,
                  school: str) -> bool:
    role = caller.role
    if role in READ_ALL:
        return True
    if role == "federation":
        return in_region(caller, region_code)
    if role == "school":
        return in_school(caller, region_code, school)
    return str(child_id) in volunteers_children(caller, views)


def child_changeable(caller: Principal, region_code: str, school: str) -> bool:
    """Staff change a child's record: admin, federation in its region, its school (in the
    school's region)."""
    role = caller.role
    if role == "admin":
        return True
    if role == "federation":
        return in_region(caller, region_code)
    return in_school(caller, region_code, school)


#: A federation account's level, by the digits of its region code: who gives which
#: level's opinion on a volunteer's form (县妇联, 市州妇联, 省妇联).
REVIEW_LEVEL_DIGITS = {"county": 6, "city": 4, "province": 2}


def volunteer_of_school(caller: Principal, region_code: str, unit: str) -> bool:
    """Whether a volunteer (of ``region_code``, working at ``unit``) is the school user's:
    a teacher of its school, where it is."""
    return in_school(caller, region_code, unit.strip())


def may_review(caller: Principal, level: str, region_code: str, unit: str) -> bool:
    """Who gives a level's opinion on a volunteer in ``region_code`` working at ``unit``:
    ``unit`` (所在单位意见) federation staff whose region holds the volunteer, or the
    volunteer's school; ``county``, ``city``, ``province`` (县/市州/省妇联意见) federation
    staff of that level (a region code of 6, 4 or 2 digits) whose region holds the
    volunteer; an admin keying in a paper form, any level."""
    role = caller.role
    if role == "admin":
        return True
    if level == "unit":
        return ((role == "federation" and in_region(caller, region_code))
                or volunteer_of_school(caller, region_code, unit))
    digits = REVIEW_LEVEL_DIGITS.get(level)
    return (role == "federation" and len(caller.scope.region_code or "") == digits
            and in_region(caller, region_code))


def hidden(noun: str, record_id: object) -> NotFound:
    """What a caller outside the scope is told: the record does not exist for them."""
    return NotFound(f"no {noun} {record_id}")
