"""The caring mothers a work-list names (结对帮扶人), as the reader may know them: whom to call
about a pairing's duties. The API's work-lists and the console's read them here, so both
name the same people the same way (:func:`domain.access.policy.knows_caring_mother`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from api.scope import caller_of
from api.security import Principal
from domain.access.caller import Placed
from domain.access.policy import can_read_volunteer, knows_caring_mother
from domain.application import CareRegister
from domain.errors import NotFound
from projections.registers.volunteers import VolunteersRegister
from projections.runner import ViewRunner
from projections.worklists import volunteer_rows


@dataclass(frozen=True)
class Place:
    """Where a child named by an item sits (its division code and school)."""

    region_code: str
    school: str


@dataclass(frozen=True)
class Carer:
    """A caring mother as the reader knows her: her id always; her name and phone only when
    the reader may know them (empty otherwise); ``form``: whether the reader may also open
    her registration form (her page)."""

    id: str
    name: str = ""
    phone: str = ""
    form: bool = False


def carers_known(register: CareRegister, views: ViewRunner, caller: Principal,
                 paired_with: Mapping[str, Iterable[Placed]]) -> dict[str, Carer]:
    """Each caring mother of ``paired_with`` (her id → the children the reader's items name
    her with), named with her phone when the reader may know her, by id."""
    who = caller_of(caller)
    with views.store.recorder(VolunteersRegister).read() as tx:
        rows = volunteer_rows(tx, paired_with, views.texts)
    found = {}
    for volunteer_id, children in paired_with.items():
        row = rows.get(volunteer_id)
        known = row is not None and knows_caring_mother(
            who, UUID(volunteer_id), row["region_code"], row["unit"], children)
        found[volunteer_id] = (_named(register, volunteer_id, row["name"], can_read_volunteer(
            who, UUID(volunteer_id), row["region_code"], row["unit"])) if known and row
            else Carer(volunteer_id))
    return found


def _named(register: CareRegister, volunteer_id: str, name: str, form: bool) -> Carer:
    try:
        phone = register.get_volunteer(UUID(volunteer_id)).form.phone
    except NotFound:
        phone = ""
    return Carer(volunteer_id, name, phone, form)
