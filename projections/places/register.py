"""The register of places (地名册): each township and village the programme has named, its
name now and the names it had before."""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatchmethod
from typing import ClassVar

from domain.places import Place, level_of, parent_of
from projections.events import csv, listed
from projections.projection import View
from storage.sql import Row, Tx, prefix, starts_with


class PlacesRegister(View):
    """One row per named place: code, name, level, the code one level up, former names."""

    name = "places"
    tables = ("reg_places",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_places ("
        " code TEXT PRIMARY KEY, place_id TEXT NOT NULL, name TEXT NOT NULL,"
        " level TEXT NOT NULL, parent TEXT NOT NULL, former_names TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS reg_places_parent ON reg_places (parent)",
        "CREATE UNIQUE INDEX IF NOT EXISTS reg_places_id ON reg_places (place_id)",
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _named(self, e: Place.Named, tx: Tx) -> None:
        tx.insert("reg_places", ("code", "place_id", "name", "level", "parent", "former_names"),
                  [(e.code, str(e.originator_id), e.name, level_of(e.code),
                    parent_of(e.code) or "", "")])

    @apply.register
    def _renamed(self, e: Place.Renamed, tx: Tx) -> None:
        row = tx.execute("SELECT code, name, former_names FROM reg_places WHERE place_id = ?",
                         (str(e.originator_id),)).one()
        assert row is not None
        former = (*listed(row["former_names"]), row["name"])
        tx.execute("UPDATE reg_places SET name = ?, former_names = ? WHERE code = ?",
                   (e.name, csv(former), row["code"]))


def places_named(tx: Tx, codes: Iterable[str]) -> dict[str, str]:
    """The names of those ``codes`` the register has."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = tx.execute(f"SELECT code, name FROM reg_places WHERE code IN"
                      f" ({','.join('?' * len(wanted))})", wanted).all()
    return {row["code"]: row["name"] for row in rows}


def places_under(tx: Tx, code: str, *, limit: int = 2000) -> list[Row]:
    """The places one level below ``code`` (a county's townships, a township's villages),
    by code."""
    return tx.execute("SELECT code, name, level, former_names FROM reg_places"
                      " WHERE parent = ? ORDER BY code LIMIT ?", (code, limit)).all()


def places_within(tx: Tx, region_code: str | None, *, limit: int = 5000) -> list[Row]:
    """The places whose code starts with ``region_code`` (None: all), by code."""
    if not region_code:
        return tx.execute("SELECT code, name, level, parent FROM reg_places ORDER BY code"
                          " LIMIT ?", (limit,)).all()
    return tx.execute("SELECT code, name, level, parent FROM reg_places WHERE"
                      f" {starts_with('code')} ORDER BY code LIMIT ?",
                      (prefix(region_code), limit)).all()
