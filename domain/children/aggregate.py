"""The child (留守儿童) as an event-sourced aggregate: every change is a dated event."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.children.contact import ChildContact
from domain.children.eligibility import ADULT_AGE, categories_with_derived, is_left_behind
from domain.children.record import (
    Concern,
    Consent,
    Guardian,
    Parent,
    Profile,
    Sex,
    checked_categories,
)
from domain.common import (
    Actor,
    age_on,
    division_code,
    member_of,
    not_in_future,
    phone_number,
    required_text,
)
from domain.dated import Dated, value_on, with_fact
from domain.errors import (
    ChildHasExited,
    ConcernRule,
    DataErased,
    InvalidRecord,
    NotFound,
    TransferRule,
)
from domain.identity import new_id
from domain.personal import erased, redacted

#: Parts of the record a registration may leave out.
_OPTIONAL: dict[str, Any] = {
    "ethnicity": "", "id_number": "", "boarding": False, "address": "", "village_contact": "",
    "income_source": "", "profile": None,
}


class Child(Aggregate):
    """A child on the register, from registration (建档) to exit, with every change dated."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new child's identity (drawn from the command that records it, if any)."""
        return new_id()

    #: The record's own personal texts (beside its value objects' ``personal_fields``).
    personal_attributes: ClassVar[frozenset[str]] = frozenset(
        {"name", "id_number", "address", "village_contact", "income_source", "description",
         "action", "reason", "exit_reason", "personal_value"})  # a reason may name the child

    class Registered(Aggregate.Created):
        """The child was entered on the register (建档)."""

        name: str
        sex: Sex
        birth_date: date
        region_code: str
        school: str
        class_name: str
        parents: tuple[Parent, ...]
        guardian: Guardian | None
        categories: tuple[str, ...]
        consent: Consent
        registered_on: date
        actor: Actor
        ethnicity: str
        id_number: str
        boarding: bool
        address: str
        village_contact: str
        income_source: str
        profile: Profile | None

    @event(Registered)
    def __init__(
        self, *, name: str, sex: Sex, birth_date: date, region_code: str, school: str,
        class_name: str, parents: tuple[Parent, ...], guardian: Guardian | None,
        categories: tuple[str, ...], consent: Consent, registered_on: date, actor: Actor,
        ethnicity: str, id_number: str, boarding: bool, address: str, village_contact: str,
        income_source: str, profile: Profile | None,
    ) -> None:
        self.name, self.sex, self.birth_date = name, sex, birth_date
        self.region_code, self.school, self.class_name = region_code, school, class_name
        self.ethnicity, self.id_number, self.boarding = ethnicity, id_number, boarding
        self.address, self.village_contact = address, village_contact
        self.income_source, self.consent, self.registered_on = income_source, consent, registered_on
        self.parent_history: dict[str, list[Dated[Parent]]] = {
            parent.role.value: [Dated(registered_on, parent)] for parent in parents}
        self.guardian_history: list[Dated[Guardian | None]] = [Dated(registered_on, guardian)]
        self.profile_history: list[Dated[Profile]] = [Dated(registered_on, profile or Profile())]
        self.category_history: list[Dated[tuple[str, ...]]] = [Dated(registered_on, categories)]
        self.concerns: dict[str, Concern] = {}
        self.exited_on: date | None = None
        self.exit_reason = ""
        self.erased_on: date | None = None

    @classmethod
    def register(cls, *, today: date, actor: Actor, **record: Any) -> Child:
        """Register a child (建档); refuses a record without the guardian's consent."""
        if record.get("consent") is None:
            raise InvalidRecord("consent", "建档须有父母或监护人的同意（the parent's or "
                                "guardian's consent to keep a minor's record is required）")
        record["name"] = required_text("name", record["name"])
        record["sex"] = member_of(Sex, "sex", record["sex"])
        division_code("region_code", record["region_code"])
        not_in_future("registered_on", record["registered_on"], today)
        not_in_future("consent.on", record["consent"].on, today)
        checked_birth_date(record["birth_date"], record["registered_on"], today)
        parents = tuple(record["parents"])
        if len({parent.role for parent in parents}) != len(parents):
            raise InvalidRecord("parents", "父亲、母亲各只能登记一次"
                                "（each parent role (father, mother) appears once）")
        for parent in parents:
            _phone_of("parents.phone", parent.phone)
        if record.get("guardian") is not None:
            _phone_of("guardian.phone", record["guardian"].phone)
        record["parents"] = parents
        record["categories"] = checked_categories(record.get("categories", ()))
        return cls(actor=actor, **{**_OPTIONAL, **record})

    # -- reading the record -------------------------------------------------------------

    def parents_on(self, day: date) -> tuple[Parent, ...]:
        found = (value_on(history, day) for history in self.parent_history.values())
        return tuple(sorted((p for p in found if p), key=lambda p: p.role.value))

    def guardian_on(self, day: date) -> Guardian | None:
        return value_on(self.guardian_history, day)

    def profile_on(self, day: date) -> Profile:
        return value_on(self.profile_history, day) or Profile()

    def categories_on(self, day: date) -> tuple[str, ...]:
        """The categories typed in, and both parents away (双亲外出) if the parents are."""
        typed: tuple[str, ...] = value_on(self.category_history, day) or ()
        return categories_with_derived(typed, self.parents_on(day))

    def is_registered_on(self, day: date) -> bool:
        """On the register on ``day``: registered by then and not yet exited."""
        return self.registered_on <= day and (self.exited_on is None or day < self.exited_on)

    def left_behind_on(self, day: date) -> bool:
        """Derived, never stored: under 16 and parents away on ``day`` (see eligibility)."""
        return self.is_registered_on(day) and is_left_behind(
            self.birth_date, self.parents_on(day), day)

    @property
    def is_active(self) -> bool:
        return self.exited_on is None

    def open_concerns(self) -> tuple[Concern, ...]:
        return tuple(c for c in self.concerns.values() if c.is_open)

    # -- commands -------------------------------------------------------------------------

    def change_parent(self, parent: Parent, *, on: date, today: date, actor: Actor,
                      reason: str = "") -> None:
        """A parent's status or work location changed (e.g. came home: 返乡)."""
        self._check_change("on", on, today)
        _phone_of("parents.phone", parent.phone)
        self._parent_changed(parent=parent, on=on, reason=reason, actor=actor)

    class ParentChanged(Aggregate.Event):
        """A parent's status or work location changed from ``on``."""

        parent: Parent
        on: date
        reason: str
        actor: Actor

    @event(ParentChanged)
    def _parent_changed(self, parent: Parent, on: date, reason: str, actor: Actor) -> None:
        history = self.parent_history.get(parent.role.value, [])
        self.parent_history[parent.role.value] = with_fact(history, Dated(on, parent))

    def change_guardian(self, guardian: Guardian, *, on: date, today: date, actor: Actor,
                        reason: str = "") -> None:
        """The entrusted guardian (受委托监护人) changed, or an earlier entry is corrected."""
        self._check_change("on", on, today)
        _phone_of("guardian.phone", guardian.phone)
        self._guardian_changed(guardian=guardian, on=on, reason=reason, actor=actor)

    class GuardianChanged(Aggregate.Event):
        """The entrusted guardian (受委托监护人) from ``on``."""

        guardian: Guardian
        on: date
        reason: str
        actor: Actor

    @event(GuardianChanged)
    def _guardian_changed(self, guardian: Guardian, on: date, reason: str, actor: Actor) -> None:
        self.guardian_history = with_fact(self.guardian_history, Dated(on, guardian))

    def update_profile(self, profile: Profile, *, on: date, today: date, actor: Actor) -> None:
        """New health, study or psychology notes (动态管理)."""
        self._check_change("on", on, today)
        self._profile_updated(profile=profile, on=on, actor=actor)

    class ProfileUpdated(Aggregate.Event):
        """Health, study and psychology notes from ``on`` (动态管理)."""

        profile: Profile
        on: date
        actor: Actor

    @event(ProfileUpdated)
    def _profile_updated(self, profile: Profile, on: date, actor: Actor) -> None:
        self.profile_history = with_fact(self.profile_history, Dated(on, profile))

    def change_categories(self, categories: tuple[str, ...] | list[str], *, on: date,
                          today: date, actor: Actor, reason: str = "") -> None:
        """The special-attention categories (重点关爱类别) that apply from ``on``."""
        self._check_change("on", on, today)
        self._categories_changed(categories=checked_categories(categories), on=on,
                                 reason=reason, actor=actor)

    class CategoriesChanged(Aggregate.Event):
        """The special-attention categories (重点关爱类别) from ``on``."""

        categories: tuple[str, ...]
        on: date
        reason: str
        actor: Actor

    @event(CategoriesChanged)
    def _categories_changed(self, categories: tuple[str, ...], on: date, reason: str,
                            actor: Actor) -> None:
        self.category_history = with_fact(self.category_history, Dated(on, categories))

    def report_concern(self, *, kind: str, description: str, occurred_on: date, today: date,
                       actor: Actor) -> str:
        """Report an anomaly at once (情况报告): returns the concern's id."""
        self._check_change("occurred_on", occurred_on, today)
        concern_id = new_id().hex
        self._concern_reported(concern_id=concern_id, kind=required_text("kind", kind),
                               description=required_text("description", description),
                               occurred_on=occurred_on, actor=actor)
        return concern_id

    class ConcernReported(Aggregate.Event):
        """An anomaly was reported (情况报告)."""

        concern_id: str
        kind: str
        description: str
        occurred_on: date
        actor: Actor

    @event(ConcernReported)
    def _concern_reported(self, concern_id: str, kind: str, description: str,
                          occurred_on: date, actor: Actor) -> None:
        self.concerns[concern_id] = Concern(concern_id, kind, description, occurred_on, actor.id)

    def resolve_concern(self, concern_id: str, *, action: str, on: date, today: date,
                        actor: Actor) -> None:
        """Close a concern with the action taken; it stays on the child's history."""
        concern = self.concerns.get(concern_id)
        if concern is None:
            raise NotFound(f"该儿童没有这条情况报告（no concern {concern_id} on this child）")
        if not concern.is_open:
            raise ConcernRule(f"这条情况报告已于{concern.resolved_on}办结，只能办结一次（a concern "
                              f"is resolved once; this one was resolved on {concern.resolved_on}）")
        self._check_change("on", on, today)
        if on < concern.occurred_on:
            raise ConcernRule(f"办结日期不能早于情况发生日期{concern.occurred_on}（a concern is "
                              f"resolved on or after the day it occurred ({concern.occurred_on})）")
        self._concern_resolved(concern_id=concern_id, action=required_text("action", action),
                               on=on, actor=actor)

    class ConcernResolved(Aggregate.Event):
        """A concern was closed with the action taken (情况办结)."""

        concern_id: str
        action: str
        on: date
        actor: Actor

    @event(ConcernResolved)
    def _concern_resolved(self, concern_id: str, action: str, on: date, actor: Actor) -> None:
        old = self.concerns[concern_id]
        self.concerns[concern_id] = Concern(old.id, old.kind, old.description, old.occurred_on,
                                            old.reported_by, resolved_on=on, action=action)

    # -- the school's and the staff's own contacts (班主任谈心、家访) -------------------------

    def own_contacts(self) -> tuple[ChildContact, ...]:
        """The contacts recorded on the child itself, outside any pairing, as recorded."""
        return tuple(getattr(self, "contacts", ()))  # records made before contacts lack them

    def record_contact(self, *, kind: str, occurred_on: date, notes: str, today: date,
                       actor: Actor, known_kinds: Collection[str],
                       duration_minutes: int | None = None, items: int = 0) -> str:
        """Record a contact outside any pairing (the homeroom teacher's talk or home visit,
        a staff visit): of one of the programme's kinds, dated on the register and never
        ahead; returns the contact's id."""
        if self.exited_on is not None and getattr(self, "erased_on", None) is None:
            raise ChildHasExited(
                f"该儿童已于{self.exited_on}退出关爱项目，不再记录新的联系走访（child_exited: the "
                "child left the programme; an exited child's record takes no new facts）")
        self._check_change("occurred_on", occurred_on, today)
        if kind not in known_kinds:
            raise InvalidRecord("kind", f"联系方式“{kind}”不是本项目的联系方式；可选："
                                f"{', '.join(sorted(known_kinds))}（{kind!r} is not a "
                                "contact kind of this programme）")
        contact = ChildContact(new_id().hex, kind, occurred_on, notes.strip(), actor.id,
                               duration_minutes, items)
        self._contact_recorded(contact=contact, actor=actor)
        return contact.id

    class OwnContactRecorded(Aggregate.Event):
        """A contact with the child outside any pairing (班主任谈心、家访) was recorded."""

        contact: ChildContact
        actor: Actor

    @event(OwnContactRecorded)
    def _contact_recorded(self, contact: ChildContact, actor: Actor) -> None:
        self.contacts = [*self.own_contacts(), contact]

    def exit(self, *, reason: str, on: date, today: date, actor: Actor) -> None:
        """The child leaves the programme (退出); the history stays."""
        self._check_change("on", on, today)
        self._exited(reason=required_text("reason", reason), on=on, actor=actor)

    class Exited(Aggregate.Event):
        """The child left the programme (退出) on ``on``."""

        reason: str
        on: date
        actor: Actor

    @event(Exited)
    def _exited(self, reason: str, on: date, actor: Actor) -> None:
        self.exited_on, self.exit_reason = on, reason

    def erase_personal_data(self, *, reason: str, on: date, today: date,
                            actor: Actor) -> None:
        """Erase the child's personal data (个人信息删除) on a legal ground: the facts stay,
        every personal text reads as erased from now on. Once only."""
        if getattr(self, "erased_on", None) is not None:  # snapshots before it lack it
            raise DataErased(f"该儿童的个人信息已于{self.erased_on}删除（the child's personal "
                             f"data was erased on {self.erased_on}）")
        self._personal_data_erased(reason=required_text("reason", reason),
                                   on=not_in_future("on", on, today), actor=actor)

    class PersonalDataErased(Aggregate.Event):
        """The child's personal data was erased (个人信息删除) on a legal ground."""

        reason: str
        on: date
        actor: Actor

    @event(PersonalDataErased)
    def _personal_data_erased(self, reason: str, on: date, actor: Actor) -> None:
        state = {key: value for key, value in vars(self).items() if not key.startswith("_")}
        vars(self).update(redacted(state, erased, self.personal_attributes))
        self.erased_on = on

    # -- dynamic management (动态管理): schooling, transfer, corrections ---------------------

    def school_on(self, day: date) -> tuple[str, str]:
        """The school and class (学校、班级) the child was in on ``day``."""
        return value_on(self._school_history(), day) or self._school_history()[0].value

    def region_on(self, day: date) -> str:
        """The division code (行政区划代码) where the child lived on ``day``."""
        return value_on(self._region_history(), day) or self._region_history()[0].value

    def _school_history(self) -> list[Dated[tuple[str, str]]]:
        found: list[Dated[tuple[str, str]]] | None = getattr(self, "school_history", None)
        return found or [Dated(self.registered_on, (self.school, self.class_name))]

    def _region_history(self) -> list[Dated[str]]:
        found: list[Dated[str]] | None = getattr(self, "region_history", None)
        return found or [Dated(self.registered_on, self.region_code)]

    def change_school(self, *, school: str, class_name: str, on: date, today: date,
                      actor: Actor, reason: str = "") -> None:
        """升学、转学 within the region: from ``on`` the child is at ``school`` in
        ``class_name``; the school's staff keep its record from then. A move entered late,
        dated before one recorded already, takes its place in the history by its date; the
        record shows the school of the latest date."""
        self._check_change("on", on, today)
        school, class_name = required_text("school", school), class_name.strip()
        if self.school_on(on) == (school, class_name):
            raise InvalidRecord("school", f"该儿童在{on}已在{school}{class_name}就读，无需变更"
                                f"（on {on} the child is already at {school} {class_name}）")
        self._school_changed(school=school, class_name=class_name, on=on,
                             reason=reason.strip(), actor=actor)

    class SchoolChanged(Aggregate.Event):
        """The child moved up or changed school (升学、转学) from ``on``."""

        school: str
        class_name: str
        on: date
        reason: str
        actor: Actor

    @event(SchoolChanged)
    def _school_changed(self, school: str, class_name: str, on: date, reason: str,
                        actor: Actor) -> None:
        self.school_history = with_fact(self._school_history(), Dated(on, (school, class_name)))
        self.school, self.class_name = self.school_history[-1].value

    def transfer(self, *, region_code: str, on: date, reason: str, today: date,
                 actor: Actor) -> None:
        """迁出: the child moves to another region (a division code) from ``on``; its whole
        history goes with it, to be kept by the staff of the new region. A move entered
        late takes its place in the history by its date, as a change of school does."""
        self._check_change("on", on, today)
        division_code("region_code", region_code)
        reason = required_text("reason", reason)
        if self.region_on(on) == region_code:
            raise TransferRule(f"该儿童在{on}已在{region_code}，迁入地须是另一地区（on {on} "
                               f"the child already lives in {region_code}; a transfer moves "
                               "the child to another region）")
        self._transferred(region_code=region_code, on=on, reason=reason, actor=actor)

    class Transferred(Aggregate.Event):
        """The child moved to another region (迁出/迁入) from ``on``."""

        region_code: str
        on: date
        reason: str
        actor: Actor

    @event(Transferred)
    def _transferred(self, region_code: str, on: date, reason: str, actor: Actor) -> None:
        self.region_history = with_fact(self._region_history(), Dated(on, region_code))
        self.region_code = self.region_history[-1].value

    def correct(self, *, field: str, value: str, reason: str, today: date,
                actor: Actor) -> None:
        """更正: a part of the record typed wrong (name, sex, birth date, national ID number,
        ethnicity) is put right. The record always should have read so: every date's view
        shows the new value, while the record as known before the correction keeps the old."""
        self._check_change("on", today, today)
        if field not in CORRECTABLE:
            raise InvalidRecord("field", f"“{field}”不能更正；可更正：{', '.join(CORRECTABLE)}"
                                f"（{field!r} cannot be corrected; one of "
                                f"{', '.join(CORRECTABLE)}）")
        reason = required_text("reason", reason)
        text = value.strip()
        if field == "name":
            text = required_text("value", text)
        elif field == "sex":
            text = member_of(Sex, "value", text).value
        elif field == "birth_date":
            try:
                text = checked_birth_date(_day_of("value", text), self.registered_on,
                                          today).isoformat()
            except InvalidRecord as wrong:
                raise InvalidRecord("value", f"出生日期（birth_date）：{wrong.reason}") from None
        current = getattr(self, field)
        if text == (current.isoformat() if isinstance(current, date) else str(current)):
            raise InvalidRecord("value", f"新值与档案现有的{CORRECTABLE[field]}相同，无需更正"
                                f"（the record's {field} already reads so）")
        personal = field in self.personal_attributes
        self._corrected(field=field, value="" if personal else text,
                        personal_value=text if personal else "", reason=reason, actor=actor)

    class Corrected(Aggregate.Event):
        """A part of the record typed wrong was put right (更正). A personal value (the name,
        the national ID number) is held in ``personal_value``, sealed like the registration's;
        the others in ``value``."""

        field: str
        value: str
        personal_value: str
        reason: str
        actor: Actor

    @event(Corrected)
    def _corrected(self, field: str, value: str, personal_value: str, reason: str,
                   actor: Actor) -> None:
        if field == "birth_date":
            setattr(self, field, date.fromisoformat(value))
        elif field == "sex":
            setattr(self, field, Sex(value))
        else:
            setattr(self, field, personal_value if field in self.personal_attributes else value)

    def _check_change(self, field: str, on: date, today: date) -> None:
        if getattr(self, "erased_on", None) is not None:
            raise DataErased(f"该儿童的个人信息已于{self.erased_on}删除，档案不再登记新的事实"
                             f"（the child's personal data was erased on {self.erased_on}; "
                             "the record takes no new facts）")
        if (kept := getattr(self, "merged_into", None)) is not None:  # 合并重复档案
            raise ChildHasExited(f"该档案已于{self.exited_on}合并到另一份档案（{kept}），"
                                 "请在保留的档案上登记（this record was merged into the "
                                 f"record {kept} on {self.exited_on}; record new facts there）")
        if self.exited_on is not None:
            raise ChildHasExited(f"该儿童已于{self.exited_on}退出帮扶，档案不再登记新的事实"
                                 f"（the child left the programme on {self.exited_on}; "
                                 "an exited child's record takes no new facts）")
        not_in_future(field, on, today)
        if on < self.registered_on:
            raise InvalidRecord(field, f"日期{on}早于该儿童的建档日期{self.registered_on}"
                                f"（{on} is before the child was registered "
                                f"({self.registered_on})）")


#: What a correction (更正) may put right, and what the record calls it.
CORRECTABLE: dict[str, str] = {
    "name": "姓名", "sex": "性别", "birth_date": "出生日期", "id_number": "身份证号码",
    "ethnicity": "民族"}


def checked_birth_date(birth_date: date, registered_on: date, today: date) -> date:
    """A birth date the register takes: not ahead of today, not after the registration, and
    of a child under 16 when registered (档案只登记未成年人)."""
    not_in_future("birth_date", birth_date, today)
    if birth_date > registered_on:
        raise InvalidRecord("birth_date", "出生日期不能晚于建档日期"
                            "（a child is registered after being born）")
    if age_on(birth_date, registered_on) >= ADULT_AGE:
        raise InvalidRecord(
            "birth_date", f"出生于{birth_date}，建档时（{registered_on}）"
            f"已满{ADULT_AGE}周岁；档案只登记未成年人（born on {birth_date}, the "
            f"child was {ADULT_AGE} or older when registered ({registered_on}); "
            "the register keeps the records of minors）")
    return birth_date


def _day_of(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRecord(field, f"“{text}”不是日期，应写作 2016-03-31"
                            f"（{text!r} is not a date: write 2016-03-31）") from None


def _phone_of(field: str, phone: str) -> None:
    """A parent's or guardian's phone, when given, follows the one rule for phone numbers."""
    if phone:
        phone_number(field, phone)
