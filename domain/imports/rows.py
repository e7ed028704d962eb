"""A row of a register, read into what the use cases take: a child's registration
(:func:`child_record`) or a volunteer's form (:func:`volunteer_form`), and its identity.

A row's identity (:func:`child_identity`): its national ID number, or, where the row has
none, its name, birth date and guardian's phone. Importing a row whose identity was imported
before records nothing (``unchanged``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any, TypeVar

from domain.children import Consent, Guardian, Parent
from domain.children.record import ParentRole, relation_code
from domain.common import phone_number
from domain.errors import InvalidRecord
from domain.imports.columns import (
    BOARDING,
    PARENT_STATUSES,
    SEXES,
    CellRefused,
    Layout,
    categories,
    cells_of,
    choice,
    day,
    text,
    whole_number,
)
from domain.national_ids import normalised
from domain.volunteers import VolunteerForm

T = TypeVar("T")
_DATES = ("birth_date", "registered_on", "consent.on", "applied_on")


def refused_as(layout: Layout, make: Callable[[], T], *, default_field: str) -> T:
    """``make()``, its InvalidRecord told as a CellRefused of the column it concerns."""
    try:
        return make()
    except InvalidRecord as refused:
        field = refused.field.split(".")[-1] if "." in default_field else refused.field
        prefix = default_field.rsplit(".", 1)[0] + "." if "." in default_field else ""
        header = layout.header(prefix + field) or layout.header(default_field) or refused.field
        raise CellRefused(header, refused.reason) from None


def _typed(layout: Layout, cells: Mapping[str, object]) -> dict[str, Any]:
    """The row's plain cells, each read as its column says."""
    values: dict[str, Any] = {}
    for field, value in cells.items():
        header = layout.header(field)
        if field in _DATES:
            values[field] = day(header, value)
        elif field.endswith("phone"):
            values[field] = refused_as(layout, partial(phone_number, field, text(value)),
                                       default_field=field)
        elif field == "sex":
            values[field] = choice(header, value, SEXES)
        elif field.endswith(".status"):
            values[field] = choice(header, value, PARENT_STATUSES)
        elif field == "boarding":
            values[field] = choice(header, value, BOARDING) == "yes"
        elif field == "categories":
            values[field] = categories(header, value)
        elif field == "guardian.age":
            values[field] = whole_number(header, value)
        elif field == "guardian.relation":
            code = relation_code(text(value))
            if code is None:
                raise CellRefused(header, "所填不是可选的关系，可填 爷爷、奶奶、"
                                  "外公、外婆、叔叔、姑姑、哥哥、亲戚、邻居、老师、其他（not a "
                                  "guardian's relation）")
            values[field] = code
        else:
            values[field] = text(value)
    return values


def child_record(layout: Layout, cells: Mapping[str, object]) -> dict[str, Any]:
    """The keyword arguments of a child's registration (``register_child``) the row gives;
    CellRefused naming the column of the first cell that cannot be read."""
    values = _typed(layout, cells)
    parents = []
    for role in ("father", "mother"):
        given = cells_of(values, f"{role}.")
        if not given:
            continue
        if "status" not in given:
            raise CellRefused(layout.header(f"{role}.status"),
                              "填写父母信息时须填写其状况：外出务工、在家、无监护能力或已故"
                              "（a parent's status is required）")
        parents.append(refused_as(layout, partial(Parent, role=ParentRole(role), **given),
                                  default_field=f"{role}.status"))
    guardian = None
    given = cells_of(values, "guardian.")
    if given:
        for part in ("name", "relation"):
            if part not in given:
                raise CellRefused(layout.header(f"guardian.{part}"),
                                  "填写监护人信息时须填写监护人姓名和关系（a guardian's name and "
                                  "relation are required）")
        guardian = refused_as(layout, partial(Guardian, **given),
                              default_field="guardian.name")
    consent = None
    given = cells_of(values, "consent.")
    if given:
        for part in ("by", "relation", "on", "method"):
            if part not in given:
                raise CellRefused(layout.header(f"consent.{part}"),
                                  "建档须有父母或监护人的同意：同意人、同意人关系、同意日期、同意方式均须"
                                  "填写（the consent's four cells are required）")
        consent = refused_as(layout, partial(Consent, **given), default_field="consent.by")
    record: dict[str, Any] = {
        "name": values.get("name", ""), "sex": values.get("sex", ""),
        "birth_date": values.get("birth_date"), "region_code": values.get("region_code", ""),
        "school": values.get("school", ""), "class_name": values.get("class_name", ""),
        "parents": parents, "guardian": guardian, "consent": consent,
        "categories": values.get("categories", ()),
        "registered_on": values.get("registered_on"),
        "ethnicity": values.get("ethnicity", ""), "id_number": values.get("id_number", ""),
        "boarding": values.get("boarding", False), "address": values.get("address", ""),
    }
    for field in ("name", "sex", "birth_date", "region_code", "school"):
        if not record[field]:
            raise CellRefused(layout.header(field), "必填，不能为空（is required）")
    return record


def child_identity(record: Mapping[str, Any]) -> str:
    """Who the row is about: its national ID number, or its name, birth date and guardian's
    phone where it has none."""
    number = normalised(record.get("id_number") or "")
    if number:
        return f"id:{number}"
    guardian: Guardian | None = record.get("guardian")
    phone = "".join(ch for ch in (guardian.phone if guardian else "") if ch.isdigit())
    birth: date = record["birth_date"]
    return f"named:{' '.join(str(record['name']).split())}|{birth.isoformat()}|{phone}"


def volunteer_form(layout: Layout, cells: Mapping[str, object]) -> tuple[VolunteerForm,
                                                                          date | None]:
    """The volunteer's form (登记表) and the date she applied, as the row gives them."""
    values = _typed(layout, cells)
    applied_on = values.pop("applied_on", None)
    for field in ("name", "phone", "region_code"):
        if not values.get(field):
            raise CellRefused(layout.header(field), "必填，不能为空（is required）")
    form = refused_as(layout, partial(VolunteerForm, **values), default_field="name")
    return form, applied_on


def volunteer_identity(form: VolunteerForm) -> str:
    """Who the row is about: the volunteer's name and phone."""
    phone = "".join(ch for ch in form.phone if ch.isdigit())
    return f"volunteer:{' '.join(form.name.split())}|{phone}"
