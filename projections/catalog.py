"""Every view the service keeps, by name."""

from __future__ import annotations

from projections.projection import View
from projections.registers.children import ChildrenRegister

ALL_VIEWS: tuple[type[View], ...] = (ChildrenRegister,)

BY_NAME: dict[str, type[View]] = {view.name: view for view in ALL_VIEWS}
