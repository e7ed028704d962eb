"""Who may read or change which records, and what a listing holds (查阅与管理范围).

Every account works within a scope (:class:`~domain.users.Scope`): 妇联 federation staff
within their division-code prefix (乡镇 9 digits, 县 6, 市州 4, 省 2), a 学校 school user
within its school where it is, a 爱心妈妈 caring mother within her own pairings, a 督导审计
auditor and the admin over the whole register. A record outside the caller's scope does
not exist for the caller (it is answered as not found, never as forbidden).

Pure functions of the caller and of where a record sits; whoever calls them looks up the
facts they need (a child's place, a volunteer's pairings).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from uuid import UUID

from domain.access.caller import Caller, Placed
from domain.users import Role

#: Who reads the whole register: the admin and 督导审计 auditors.
READ_ALL = frozenset({Role.ADMIN, Role.AUDITOR})
#: Whose reads of a child's record go on the child's timeline (查阅记录).
RECORDED_READERS = frozenset({Role.AUDITOR, Role.FEDERATION})
#: A federation account's level by the digits of its region code: who gives which level's
#: opinion on a volunteer's form (县妇联, 市州妇联, 省妇联).
REVIEW_LEVEL_DIGITS = {"county": 6, "city": 4, "province": 2}


def within_region(caller: Caller, region_code: str) -> bool:
    """Whether a division code lies in the caller's region (辖区): it starts with the
    caller's prefix. An account without a region has none."""
    return bool(caller.region_code) and region_code.startswith(caller.region_code or "")


def of_own_school(caller: Caller, region_code: str, school: str) -> bool:
    """Whether a record of ``school`` in ``region_code`` is the 学校 user's: its school where
    it is. School names repeat from county to county (every township has its 中心小学), so
    the name alone is no scope; an account without a region sees nothing."""
    return (caller.role is Role.SCHOOL and within_region(caller, region_code)
            and school == caller.school)


def reads_every_child(caller: Caller) -> bool:
    """Whether the caller reads every child's record: the admin and auditors do."""
    return caller.role in READ_ALL


def may_keep_records(caller: Caller) -> bool:
    """Who registers children and keeps their records (建档, 动态管理), each within their
    scope (:func:`may_change_child`): the admin, 妇联 federation staff and 学校 schools."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.SCHOOL)


def may_organise(caller: Caller) -> bool:
    """Who registers volunteers and pairs them with children (登记, 结对), within their
    region: the admin and 妇联 federation staff."""
    return caller.role in (Role.ADMIN, Role.FEDERATION)


def may_administer(caller: Caller) -> bool:
    """Who keeps the accounts, erases a child's personal data (个人信息删除) and starts the
    reminder scan: the admin."""
    return caller.role is Role.ADMIN


def can_read_child(caller: Caller, child: Placed, *, hers: bool = False) -> bool:
    """Who reads a child's record: the admin and auditors every child's; 妇联 federation
    staff the children of their region; a 学校 school user its pupils; a 爱心妈妈 caring
    mother the children she is paired with now (``hers``)."""
    if reads_every_child(caller):
        return True
    if caller.role is Role.FEDERATION:
        return within_region(caller, child.region_code)
    if caller.role is Role.SCHOOL:
        return of_own_school(caller, child.region_code, child.school)
    return caller.role is Role.VOLUNTEER and hers


def may_change_child(caller: Caller, child: Placed) -> bool:
    """Who registers a child and keeps the record up to date (建档, 动态管理): the admin,
    妇联 federation staff in their region, the child's school (in the school's region)."""
    if caller.role is Role.ADMIN:
        return True
    if caller.role is Role.FEDERATION:
        return within_region(caller, child.region_code)
    return of_own_school(caller, child.region_code, child.school)


def reads_in_full(caller: Caller) -> bool:
    """Whether the caller reads a child's whole record: staff and auditors do; a caring
    mother reads only what her duties need (最小必要)."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.SCHOOL, Role.AUDITOR)


def may_break_glass(caller: Caller) -> bool:
    """Who may ask for emergency access to a child outside their scope (紧急调阅): 妇联
    federation staff only, stating why."""
    return caller.role is Role.FEDERATION


def read_is_recorded(caller: Caller) -> bool:
    """Whether the caller's reads of a child's record go on its timeline (查阅记录): those
    of auditors and federation staff."""
    return caller.role in RECORDED_READERS


def may_read_history(caller: Caller) -> bool:
    """Who replays a child's history and reads its timeline (历史回溯): staff within their
    scope and auditors; not caring mothers, as the timeline shows other people's work on
    the child and who read its record."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.SCHOOL, Role.AUDITOR)


def may_report_concern(caller: Caller) -> bool:
    """Who reports an anomaly about a child they may read (情况报告): teachers, caring
    mothers and staff; auditors read, they do not report."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.SCHOOL, Role.VOLUNTEER)


def can_read_volunteer(caller: Caller, volunteer_id: UUID, region_code: str,
                       unit: str) -> bool:
    """Who reads a 爱心妈妈's form: the admin and auditors; federation staff whose region holds
    her; her school, when she is a teacher there (所在单位); and she herself."""
    return (caller.role in READ_ALL
            or (caller.role is Role.FEDERATION and within_region(caller, region_code))
            or (caller.role is Role.VOLUNTEER and caller.volunteer_id == volunteer_id)
            or of_own_school(caller, region_code, unit.strip()))


def knows_caring_mother(caller: Caller, volunteer_id: UUID, region_code: str, unit: str,
                        paired_with: Iterable[Placed]) -> bool:
    """Who knows a 爱心妈妈 by name and phone, to call her about a pairing's duties (督促履职):
    whoever reads her form (:func:`can_read_volunteer`), and the staff who keep the records
    of a child she is paired with (``paired_with``), wherever she is registered: a township
    clerk must know whom to chase for the children of her township. Her form itself (address,
    unit, birth date, reviews) stays with :func:`can_read_volunteer`."""
    if can_read_volunteer(caller, volunteer_id, region_code, unit):
        return True
    return may_keep_records(caller) and any(can_read_child(caller, child)
                                            for child in paired_with)


def may_read_work_lists(caller: Caller) -> bool:
    """Who reads the work-lists (待办清单), each within their scope: the staff who keep the
    records (:func:`may_keep_records`), and 督导审计 auditors, who read everything and change
    nothing."""
    return may_keep_records(caller) or caller.role is Role.AUDITOR


def own_volunteer(caller: Caller) -> UUID | None:
    """The volunteer a 爱心妈妈's account is (her own record is where she works), else None."""
    return caller.volunteer_id if caller.role is Role.VOLUNTEER else None


def may_list_volunteers(caller: Caller) -> bool:
    """Who lists volunteers: the admin, auditors and federation staff (within their region)."""
    return caller.role in READ_ALL or caller.role is Role.FEDERATION


def may_manage_volunteer(caller: Caller, region_code: str) -> bool:
    """Who registers a volunteer, suspends, reinstates, disqualifies or commends her (表彰,
    取消资格): the admin, and federation staff whose region holds her."""
    return caller.role is Role.ADMIN or (caller.role is Role.FEDERATION
                                         and within_region(caller, region_code))


def may_review(caller: Caller, level: str, region_code: str, unit: str) -> bool:
    """Who gives a level's opinion on a volunteer in ``region_code`` working at ``unit``
    (逐级审核): ``unit`` (所在单位意见) federation staff whose region holds her, or her school;
    ``county``, ``city``, ``province`` (县/市州/省妇联意见) federation staff of that level (a
    region code of 6, 4 or 2 digits) whose region holds her; an admin keying in a paper
    form, any level."""
    if caller.role is Role.ADMIN:
        return True
    federation_here = caller.role is Role.FEDERATION and within_region(caller, region_code)
    if level == "unit":
        return federation_here or of_own_school(caller, region_code, unit.strip())
    digits = REVIEW_LEVEL_DIGITS.get(level)
    return federation_here and len(caller.region_code or "") == digits


def may_pair(caller: Caller, region_code: str) -> bool:
    """Who pairs a child or a volunteer (结对): the admin, and federation staff whose region
    holds them."""
    return pairs_anywhere(caller) or (caller.role is Role.FEDERATION
                                      and within_region(caller, region_code))


def pairs_anywhere(caller: Caller) -> bool:
    """Whether the caller pairs children and volunteers wherever they are: the admin does."""
    return caller.role is Role.ADMIN


def can_read_pairing(caller: Caller, volunteer_ids: Collection[UUID],
                     children: Iterable[Placed]) -> bool:
    """Who reads a pairing: the admin and auditors; a caring mother in it; staff who may read
    one of its children (``children`` is read only as far as needed)."""
    if caller.role in READ_ALL:
        return True
    if caller.role is Role.VOLUNTEER:
        return caller.volunteer_id in volunteer_ids
    return any(can_read_child(caller, child) for child in children)


def may_record_contact(caller: Caller) -> bool:
    """Who records a contact or visit on a pairing they may read (记录帮扶): its caring
    mothers, federation staff and the admin."""
    return caller.role in (Role.ADMIN, Role.FEDERATION, Role.VOLUNTEER)


def may_see_report(caller: Caller, region_code: str) -> bool:
    """Who requests and reads a region's quarterly report (季度报送): the admin and auditors
    every region's; federation staff those of regions within theirs."""
    return caller.role in READ_ALL or (caller.role is Role.FEDERATION
                                       and within_region(caller, region_code))


def may_see_reports(caller: Caller) -> bool:
    """Who requests and reads quarterly reports at all: the admin, auditors and federation
    staff (each report within their scope, :func:`may_see_report`)."""
    return caller.role in READ_ALL or caller.role is Role.FEDERATION


def may_audit(caller: Caller) -> bool:
    """Who checks who read what and who could do what (查阅审计): every read, every
    break-glass use, the accounts, the tamper check and the annual compliance audit are
    open to the admin and 督导审计 auditors."""
    return caller.role in READ_ALL


@dataclass(frozen=True)
class Listing:
    """What a listing is filtered by, as far as scope goes: a division-code prefix, a school,
    a volunteer (None: not filtered by it)."""

    region_code: str | None = None
    school: str | None = None
    volunteer_id: UUID | None = None


def narrow(asked: Listing, caller: Caller) -> Listing | None:
    """The filter ``asked`` narrowed to the caller's scope, or None when what was asked lies
    outside it (the listing is empty).

    妇联 federation staff list within their prefix (a township user sees the children of her
    township only); a 学校 school user its own school where it is; a 爱心妈妈 her own
    (``volunteer_id``); the admin and auditors what they asked."""
    if caller.role in READ_ALL:
        return asked
    if caller.role is Role.VOLUNTEER:
        if caller.volunteer_id is None or asked.volunteer_id not in (None, caller.volunteer_id):
            return None
        return replace(asked, volunteer_id=caller.volunteer_id)
    own = caller.region_code
    if not own or (asked.region_code and not asked.region_code.startswith(own)):
        return None
    region = max(asked.region_code or "", own, key=len)
    if caller.role is Role.FEDERATION:
        return replace(asked, region_code=region)
    if not caller.school or (asked.school and asked.school != caller.school):
        return None
    return replace(asked, region_code=region, school=caller.school)
