"""A volunteer's page in the console: her form, the opinions of every level (审核意见), her
pairings and how their duties stand (履职情况), and the forms the caller may use on her: the
review at the levels the caller gives (逐级审核), and the changes of standing her status allows
(暂停, 恢复, 取消资格, 表彰). A refused form comes back with what was typed and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.console.charts import StateBar, state_bars
from api.console.forms import Refusal, in_words
from api.console.pages import render
from api.console.shown import pairings_of
from api.deps import Register, Views
from api.scope import caller_of
from api.security import Principal
from domain.access.caller import Caller
from domain.access.policy import may_administer, may_manage_volunteer, may_review
from domain.application import VolunteerView
from domain.common import Actor
from domain.volunteers.form import ReviewLevel
from domain.volunteers.managing import allows
from domain.volunteers.signing import WHO_GIVES, OneLevelPerSigner, check_signer
from projections.compliance import usernames

#: What a form done says on the page it leads back to (``?notice=``).
NOTICES = {"registered": "已登记，待逐级审核", "reviewed": "审核意见已记录",
           "suspended": "已暂停", "reinstated": "已恢复", "disqualified": "已取消资格",
           "commended": "已表彰"}


@dataclass(frozen=True)
class Change:
    """A change of standing offered on the page: its path (``suspension``…), what it does
    (``suspended``…), its words, what its reason is called and whether one is required."""

    path: str
    done: str
    title: str
    reason: str
    reason_required: bool


#: The changes of standing, by the path the API and the console give them.
CHANGES = {change.path: change for change in (
    Change("suspension", "suspended", "暂停", "暂停原因", True),
    Change("reinstatement", "reinstated", "恢复", "恢复说明", False),
    Change("disqualification", "disqualified", "取消资格", "取消资格的原因（未履职情况）", True),
    Change("commendation", "commended", "表彰", "表彰事由", True),
)}


@dataclass(frozen=True)
class Typed:
    """The form that was sent (``review`` or a change's path), what was typed in it and, if
    refused, why."""

    name: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    refusal: Refusal | None = None


def levels_offered(who: Caller, view: VolunteerView) -> list[str]:
    """The level due next, if the caller may give its opinion on her: the levels go in
    order, and one who signed an earlier level's opinion signs no other (an admin keying in
    a paper form names each signer, so the domain's check waits for the name)."""
    if view.status != "pending" or view.next_level is None:
        return []
    level = view.next_level
    if not may_review(who, level, view.form.region_code, view.form.unit):
        return []
    if who.role != "admin" and signed_earlier(who, view):
        return []
    return [level]


def signed_earlier(who: Caller, view: VolunteerView) -> str:
    """The domain's refusal (一人只签一级意见) if this account signed an earlier level's
    opinion on her; empty if it did not (or no level is due)."""
    if view.next_level is None:
        return ""
    try:
        check_signer(((r.level, r.signer) for r in view.reviews),
                     ReviewLevel(view.next_level), actor=Actor(who.user_id, who.role.value),
                     signed_by="")
    except OneLevelPerSigner as refusal:
        return str(refusal)
    return ""


def who_signs_next(who: Caller, view: VolunteerView) -> str:
    """Why the caller is offered no review though one is due, and who gives it."""
    if view.status != "pending" or view.next_level is None:
        return ""
    gives = may_review(who, view.next_level, view.form.region_code, view.form.unit)
    signed = signed_earlier(who, view) if gives and who.role != "admin" else ""
    return " ".join(part for part in (signed, WHO_GIVES.get(view.next_level, "")) if part)


def changes_offered(who: Caller, view: VolunteerView) -> list[Change]:
    """The changes of standing her status allows, if the caller manages her."""
    if not may_manage_volunteer(who, view.form.region_code):
        return []
    return [c for c in CHANGES.values() if allows(view.status, c.done)]


def signing_accounts(register: Register, view: VolunteerView) -> dict[str, str]:
    """The account (账号 name) that signed each opinion given by its own account, by user id."""
    name = usernames(register)
    return {review.by: f"账号 {name(review.by) or review.by}" for review in view.reviews
            if not review.signed_by}


def show(request: Request, caller: Principal, register: Register, views: Views,
         view: VolunteerView, *, typed: Typed | None = None, notice: str = "",
         status_code: int = 200) -> HTMLResponse:
    """The volunteer's page, with the form ``typed`` as it was sent (and why it was refused)."""
    today = register.today()
    pairings = pairings_of(register, views, caller, volunteer_id=view.id, on=today)
    active = [p for p in pairings if p.row["status"] == "active" and p.duties]
    by_duty: dict[str, list[str]] = {}
    for shown in active:
        for duty in shown.duties:
            by_duty.setdefault(duty.title, []).append(duty.status.value)
    chart = state_bars("各项职责完成情况（有效结对）", [
        StateBar(title, states.count("met"), states.count("due"), states.count("overdue"))
        for title, states in by_duty.items()])
    duties = [d for shown in active for d in shown.duties]
    who = caller_of(caller)
    typed = typed or Typed()
    if typed.refusal is not None:
        typed = Typed(typed.name, typed.fields, in_words(typed.refusal))
    levels, changes = levels_offered(who, view), changes_offered(who, view)
    forms = ({"review"} if levels else set()) | {change.path for change in changes}
    return render(request, "volunteer.html", caller, status_code=status_code,
                  volunteer=view, pairings=pairings, chart=chart, today=today,
                  met=sum(d.status.value == "met" for d in duties), total=len(duties),
                  overdue=sum(d.status.value == "overdue" for d in duties),
                  levels=levels, next_signer=who_signs_next(who, view),
                  signers=signing_accounts(register, view),
                  names_signer=may_administer(who), changes=changes,
                  typed=typed, notice=NOTICES.get(notice, ""),
                  stray=None if typed.name in forms else typed.refusal)
