"""Every view the service keeps, by name."""

from __future__ import annotations

from projections.duties import DutyView
from projections.projection import View
from projections.registers.children import ChildrenRegister
from projections.registers.concerns import ConcernsRegister
from projections.registers.pairings import PairingsRegister
from projections.registers.volunteers import VolunteersRegister
from projections.timeline import ChildTimeline

ALL_VIEWS: tuple[type[View], ...] = (
    ChildrenRegister,
    VolunteersRegister,
    PairingsRegister,
    ConcernsRegister,
    DutyView,
    ChildTimeline,
)

BY_NAME: dict[str, type[View]] = {view.name: view for view in ALL_VIEWS}
