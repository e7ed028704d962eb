"""A place (地名) the programme names: a township (乡镇, 9-digit code) or a village or
community (村/社区, 12-digit code). County-level divisions and above are named by the
national list of administrative divisions, not here.

Each place is an aggregate of its own, identified by its code: its naming is one event, each
renaming another, so the names it was known by before stay on the record.
"""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor
from domain.errors import InvalidRecord

_CODE = re.compile(r"^\d{9}(\d{3})?$")
_LONGEST_NAME = 40

#: A division code's level by its length (县级及以上 6 digits, 乡镇 9, 村/社区 12).
LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}


def level_of(code: str) -> str:
    """The level of a division code: province, city, county, township or village.

    A 6-digit code ending in 0000 is a province's and one ending in 00 a city's."""
    if len(code) == 6:
        if code.endswith("0000"):
            return "province"
        return "city" if code.endswith("00") else "county"
    return LEVELS.get(len(code), "unknown")


def parent_of(code: str) -> str | None:
    """The code of the division one level up (a village's township, a township's county)."""
    if len(code) == 12:
        return code[:9]
    if len(code) == 9:
        return code[:6]
    if len(code) == 6 and not code.endswith("0000"):
        return code[:2] + "0000" if code.endswith("00") else code[:4] + "00"
    return None


def place_id_for(code: str) -> UUID:
    """One aggregate per division code."""
    return uuid5(NAMESPACE_URL, f"aixin:place:{code}")


def _checked(code: str, name: str) -> tuple[str, str]:
    code = (code or "").strip()
    if not _CODE.match(code):
        raise InvalidRecord("code", f"区划代码“{code}”应为乡镇的 9 位或村（社区）的 12 位数字")
    name = (name or "").strip()
    if not name:
        raise InvalidRecord("name", f"区划代码 {code} 缺少名称")
    if len(name) > _LONGEST_NAME:
        raise InvalidRecord("name", f"名称不超过 {_LONGEST_NAME} 个字")
    return code, name


class Place(Aggregate):
    """A township or village by its division code, with the name it has now."""

    class Named(Aggregate.Created):
        """A place was named (地名登记) for the first time."""

        code: str
        name: str
        actor: Actor

    @event(Named)
    def __init__(self, *, code: str, name: str, actor: Actor) -> None:
        self.code, self.name = code, name
        self.former_names: tuple[str, ...] = ()

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return place_id_for(code)

    @classmethod
    def name_new(cls, *, code: str, name: str, actor: Actor) -> Place:
        """Name a place the register does not have yet."""
        code, name = _checked(code, name)
        return cls(code=code, name=name, actor=actor)

    def rename(self, name: str, *, actor: Actor) -> bool:
        """Give the place a new name; the same name again records nothing (returns False)."""
        _, name = _checked(self.code, name)
        if name == self.name:
            return False
        self._renamed(name=name, actor=actor)
        return True

    class Renamed(Aggregate.Event):
        """A place's name changed (更名); the name it had stays among its former names."""

        name: str
        actor: Actor

    @event(Renamed)
    def _renamed(self, name: str, actor: Actor) -> None:
        self.former_names = (*self.former_names, self.name)
        self.name = name
