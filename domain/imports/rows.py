"""A row of a register, read into what the use cases take: a child's registration
(:func:`child_record`) or a volunteer's form (:func:`volunteer_form`), and who it is about.

A child's row is about the child named by its name, birth date and guardian's phone
(:func:`named_identity`), and, where it has one, by its national ID number; a volunteer's
row, about the volunteer named by her name and phone (:func:`volunteer_identity`).
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
        elif field == "id_number":
            values[field] = id_number_text(header, value)
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


def id_number_text(header: str, value: object) -> str:
    """The 身份证号 cell: text only. A number cell holds 15 significant digits at most, so an
    18-digit number typed into one has lost its last digits (two children's numbers may
    read alike) and cannot be read back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellRefused(header, "身份证号须以文本格式填写：该单元格是数字格式，Excel 只保留15位"
                          "有效数字，末几位已被改动；请将该列设为文本格式后重新输入号码（an ID "
                          "number in a number cell has lost its last digits; type it as text）")
    return text(value)


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


def named_identity(name: str, birth_date: date, guardian_phone: str) -> str:
    """Who a child's row is about, by name, birth date and guardian's phone (spaces and the
    phone's separators left out)."""
    phone = "".join(ch for ch in guardian_phone if ch.isdigit())
    return f"named:{' '.join(str(name).split())}|{birth_date.isoformat()}|{phone}"


def child_identity(record: Mapping[str, Any]) -> str:
    """The named identity (:func:`named_identity`) of a child's registration as a row
    gives it."""
    guardian: Guardian | None = record.get("guardian")
    return named_identity(record["name"], record["birth_date"],
                          guardian.phone if guardian else "")


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


def volunteer_identity(name: str, phone: str) -> str:
    """Who a volunteer is, by her name and phone (spaces and the phone's separators left
    out): the same in an imported row and in a form registered by hand."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"volunteer:{' '.join(name.split())}|{digits}"
