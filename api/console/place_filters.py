"""The console's filters ``place`` and ``place_full``: a division code shown by its name.

In a template: ``{{ child.region_code | place }}`` → 洋梓镇, ``{{ code | place_full }}`` →
湖北省荆门市钟祥市洋梓镇. One lookup per request (:func:`projections.places.names.place_names`),
so a page naming the same township many times reads the register once.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context

from projections.places.names import PlaceNames, national_names, place_names
from projections.places.queries import Township, place_choices
from projections.runner import ViewRunner


def names_for(request: Any) -> PlaceNames:
    """The request's lookup of place names (made on first use, kept for the request)."""
    if request is None:
        return national_names()
    known = getattr(request.state, "place_names", None)
    if known is None:
        views = getattr(request.app.state, "views", None)
        known = place_names(views) if views is not None else national_names()
        request.state.place_names = known
    return known


@pass_context
def place(context: Any, code: str | None) -> str:
    """The name of a division code (钟祥市, 洋梓镇)."""
    return names_for(context.get("request")).name(code)


@pass_context
def place_full(context: Any, code: str | None) -> str:
    """The name of a division code with every level above it (湖北省荆门市钟祥市洋梓镇)."""
    return names_for(context.get("request")).full(code)


def choices(views: ViewRunner, region_code: str | None) -> list[Township]:
    """The places a form offers a caller working within ``region_code`` (None: all), for
    ``places.html``'s ``place_select``: townships with their villages, by name."""
    return place_choices(views, region_code)
