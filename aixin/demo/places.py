"""The demo county's places by name: its townships and villages in the register of places
(地名册), as an admin would load them from a spreadsheet."""

from __future__ import annotations

from aixin.demo.county import County
from domain.application import CareRegister, PlacesNamed
from domain.common import SYSTEM


def name_demo_places(register: CareRegister, county: County) -> PlacesNamed:
    """Name every township and village of ``county``."""
    entries = [(township.code, township.name) for township in county.townships]
    entries += [(village.code, village.name) for township in county.townships
                for village in township.villages]
    return register.name_places(entries, actor=SYSTEM)
