"""Pages of a record's own list (a pairing's contacts, a child's own contacts): the cursor is
the id of the last item of the page before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from fastapi.exceptions import RequestValidationError


class HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


def page_after(items: Sequence[T], after: str | None, limit: int,
               owner: str) -> tuple[Sequence[T], str | None]:
    """At most ``limit`` of ``items`` after the one whose id is ``after`` (from the first when
    None), and the ``next`` cursor (None on the last page); an ``after`` that is no item's id
    is 422 naming the query's ``after`` (``owner`` says whose items: "this pairing")."""
    start = 0
    if after is not None:
        ids = [item.id for item in items]
        if after not in ids:
            raise RequestValidationError([{
                "loc": ("query", "after"), "type": "unknown_cursor", "input": after,
                "msg": f"没有这一编号的联系记录，请填写上一页的 next（no contact of {owner} "
                       "has this id; give the `next` of the page before）"}])
        start = ids.index(after) + 1
    page = items[start:start + limit]
    return page, page[-1].id if start + limit < len(items) else None
