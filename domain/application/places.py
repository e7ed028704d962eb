"""Use cases for the register of places (地名): name townships and villages, look one up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError

from domain.application.base import AixinApplication
from domain.common import Actor
from domain.errors import DomainError, NotFound
from domain.places import Place, place_id_for


@dataclass(frozen=True)
class PlacesNamed:
    """What naming a list of places recorded: new places, renamed ones, and those that
    already had the name given (nothing recorded for them)."""

    named: int
    renamed: int
    unchanged: int


class PlacesService(AixinApplication):
    """The programme's own names of townships and villages, one aggregate per code."""

    def name_places(self, entries: Iterable[tuple[str, str]], *, actor: Actor) -> PlacesNamed:
        """Name each (code, name): a new code is named, a known one with another name is
        renamed, one with the same name records nothing. The whole list is checked before
        anything is recorded; the last name given for a code in the list counts."""
        wanted: dict[str, str] = {}
        for code, name in entries:
            wanted[(code or "").strip()] = name
        changed: list[Place] = []
        named = renamed = 0
        for code, name in wanted.items():
            try:
                place = self._get(Place, place_id_for(code))
            except NotFound:
                changed.append(Place.name_new(code=code, name=name, actor=actor))
                named += 1
                continue
            if place.rename(name, actor=actor):
                changed.append(place)
                renamed += 1
        if changed:
            try:
                self.save(*changed)
            except IntegrityError:
                raise DomainError("地名正被同时修改，请稍后重试",
                                  rule="places_changed_meanwhile") from None
        return PlacesNamed(named=named, renamed=renamed,
                           unchanged=len(wanted) - named - renamed)

    def place_names(self, code: str) -> tuple[str, tuple[str, ...]]:
        """The place's name now and the names it had before (oldest first)."""
        place = self._get(Place, place_id_for(code))
        return place.name, place.former_names
