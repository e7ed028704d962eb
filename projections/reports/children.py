"""The children's figures (留守儿童基本情况): registered and exited within the quarter, on the
register on its last day by sex, and who of them is left behind, by sex, age, age band and
special-attention category; of the left behind, those with both parents away (双亲外出, derived
from the parents' statuses), those in the special tier (重点/特殊留守儿童:
``domain.children.eligibility.needs_special_attention``) and those whose guardian is a
grandparent of either side (隔代监护), all on ``D``.

Who is left behind on ``D`` is the domain's own rule: each child's parents on ``D`` are folded
from the facts known at T with ``domain.dated.with_fact``/``value_on`` (a later-recorded fact of
the same business date wins, as in the ``Child`` aggregate) and judged by
``domain.children.eligibility.is_left_behind``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.children import Parent
from domain.children.eligibility import (
    categories_with_derived,
    is_left_behind,
    needs_special_attention,
)
from domain.children.record import BOTH_PARENTS_AWAY, GRANDPARENTS
from domain.common import age_on
from domain.dated import Dated, value_on, with_fact
from domain.reports import Quarter
from projections.events import listed
from projections.reports.merges import not_merged
from projections.reports.moves import as_they_were, moved_into
from projections.reports.scope import Scope
from projections.reports.tally import AGE_BANDS, Tally
from storage.sql import Row, Tx


def count_children(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally) -> dict[str, Row]:
    """Registration, exits and who is left behind on the quarter's last day; returns the
    left-behind children by id."""
    day = q.end
    where, params = scope.sql()
    children = _children_there(tx, scope, day, at)
    parents: dict[str, dict[str, list[Dated[Parent]]]] = {}
    categories: dict[str, list[Dated[tuple[str, ...]]]] = {}
    for child_id, row in children.items():
        registered_on = date.fromisoformat(row["registered_on"])
        parents[child_id] = {role: [Dated(registered_on, Parent(role=role, status=status))]
                             for role, status in json.loads(row["parents"]).items()}
        categories[child_id] = [Dated(registered_on, listed(row["categories"]))]
        tally.place(row["township"], row["school"])  # every school of the region is listed
    for fact in _of_children(tx, children, (
            "SELECT position, subject_id, event, kind, detail, occurred_on FROM rf_facts"
            " WHERE {where} AND event IN ('ParentChanged', 'CategoriesChanged')"
            " AND recorded_at <= ? AND occurred_on <= ?"), where, params, "subject_id",
            [at, day.isoformat()]):
        child_id, on = fact["subject_id"], date.fromisoformat(fact["occurred_on"])
        if child_id not in children:
            continue
        if fact["event"] == "ParentChanged":
            history = parents[child_id].get(fact["kind"], [])
            parents[child_id][fact["kind"]] = with_fact(
                history, Dated(on, Parent(role=fact["kind"], status=fact["detail"])))
        else:
            categories[child_id] = with_fact(categories[child_id],
                                             Dated(on, listed(fact["detail"])))

    guardians: dict[str, list[Dated[str]]] = {}
    for fact in _of_children(tx, children, (
            "SELECT position, child_id, occurred_on, relation FROM rf_guardians"
            " WHERE {where} AND recorded_at <= ? AND occurred_on <= ?"), where, params,
            "child_id", [at, day.isoformat()]):
        if fact["child_id"] in children:
            guardians[fact["child_id"]] = with_fact(
                guardians.get(fact["child_id"], []),
                Dated(date.fromisoformat(fact["occurred_on"]), fact["relation"]))

    left_behind: dict[str, Row] = {}
    for child_id, row in children.items():
        place = (row["township"], row["school"])
        registered_on = date.fromisoformat(row["registered_on"])
        exited_on = (date.fromisoformat(row["exited_on"]) if row["exited_on"] is not None
                     and row["exit_recorded_at"] <= at else None)
        if registered_on in q:
            tally.count(*place, "registered_in_quarter")
        if exited_on is not None and exited_on in q:
            tally.count(*place, "exited_in_quarter")
            tally.count_in(*place, "exit_reasons", row["exit_reason"])
        # Child.is_registered_on: registered by then and not yet exited
        if exited_on is not None and exited_on <= day:
            continue
        sex = "boys" if row["sex"] == "male" else "girls"
        tally.count(*place, "children_registered")
        tally.count(*place, f"children_registered_{sex}")
        birth_date = date.fromisoformat(row["birth_date"])
        on_day = tuple(p for p in (value_on(h, day) for h in parents[child_id].values()) if p)
        if not is_left_behind(birth_date, on_day, day):
            continue
        left_behind[child_id] = row
        age = age_on(birth_date, day)
        tally.count(*place, "left_behind")
        tally.count(*place, f"left_behind_{sex}")
        tally.count_in(*place, "left_behind_by_age", str(age))
        tally.count_in(*place, "left_behind_by_age_band",
                       next(band for band, low, high in AGE_BANDS if low <= age <= high))
        typed: tuple[str, ...] = value_on(categories[child_id], day) or ()
        kinds = categories_with_derived(typed, on_day)
        for category in kinds:
            tally.count_in(*place, "left_behind_by_category", category)
        if kinds:
            tally.count(*place, "left_behind_special")
        if BOTH_PARENTS_AWAY in kinds:
            tally.count(*place, "both_parents_away")
        if needs_special_attention(kinds):
            tally.count(*place, "special_attention")
        if (value_on(guardians.get(child_id, []), day) or "") in GRANDPARENTS:
            tally.count(*place, "grandparent_guardians")
    return left_behind


def _children_there(tx: Tx, scope: Scope, day: date, at: str) -> dict[str, dict[str, Any]]:
    """The children registered by ``day`` (as known at ``at``) who were within the scope on
    ``day``: registered there or moved there (迁入), not moved away by then (迁出), nor
    merged into another record (合并重复档案) by ``at``; each with its unit, school, sex and
    birth date as they were (corrections known at ``at``)."""
    where, params = scope.sql()
    columns = ("SELECT child_id, region_code, school, sex, birth_date, registered_on, parents,"
               " categories, exited_on, exit_reason, exit_recorded_at FROM rf_children")
    rows = {row["child_id"]: row for row in tx.execute(
        f"{columns} WHERE {where} AND recorded_at <= ? AND registered_on <= ?"
        f" AND {not_merged('child_id')}", [*params, at, day.isoformat(), at]).all()}
    arrived = [child_id for child_id in moved_into(tx, scope.prefix, at) if child_id not in rows]
    for first in range(0, len(arrived), 500):
        chunk = arrived[first:first + 500]
        rows.update((row["child_id"], row) for row in tx.execute(
            f"{columns} WHERE child_id IN ({', '.join('?' * len(chunk))}) AND recorded_at <= ?"
            f" AND registered_on <= ? AND {not_merged('child_id')}",
            [*chunk, at, day.isoformat(), at]).all())
    there = {}
    for child_id, place in as_they_were(tx, rows, day, at).items():
        if scope.holds(place["region"]):
            there[child_id] = {**rows[child_id], **place, "region_code": place["region"],
                               "township": scope.unit_of(place["region"])}
    return there


def _of_children(tx: Tx, children: Mapping[str, object], sql: str, where: str,
                 params: list[Any], column: str, bounds: list[Any]) -> list[Row]:
    """The facts ``sql`` selects (``{where}`` filled in) of the children, in log order: those
    placed within the scope, and those of children moved in, placed where they were then."""
    found = tx.execute(sql.format(where=where), [*params, *bounds]).all()
    placed = {row[column] for row in found}
    away = sorted(set(children) - placed)
    for first in range(0, len(away), 500):
        chunk = away[first:first + 500]
        found += tx.execute(sql.format(where=f"{column} IN ({', '.join('?' * len(chunk))})"),
                            [*chunk, *bounds]).all()
    return sorted(found, key=lambda row: row["position"])
