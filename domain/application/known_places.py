"""Whether a division code names a place the programme knows (地名登记): a county on the
national list of divisions, or a township or village named in the register of places."""

from __future__ import annotations

from collections.abc import Callable

from domain.application.base import AixinApplication
from domain.errors import InvalidRecord, NotFound
from domain.places import Place, place_id_for

#: Whether a county-level (6-digit) code is on the national list of divisions; the
#: entrypoints pass the list's look-up in (the domain holds no copy of it).
DivisionKnown = Callable[[str], bool]


class KnownPlaces(AixinApplication):
    """The check a place typed by hand passes before anything is recorded at it."""

    def place_known(self, code: str, division_known: DivisionKnown) -> bool:
        """Whether ``code`` (6, 9 or 12 digits) names a known place: a county on the national
        list (``division_known``), a township or village in the register of places."""
        if len(code) == 6:
            return division_known(code)
        try:
            self._get(Place, place_id_for(code))
        except (NotFound, InvalidRecord):
            return False
        return True

    def check_place_known(self, field: str, code: str, what: tuple[str, str],
                          division_known: DivisionKnown | None) -> None:
        """Refuse (InvalidRecord on ``field``) a code that names no known place; ``what`` is
        the place's part in the command, in Chinese and English (``("迁入地", "the place
        moved to")``). Without ``division_known`` (a caller holding no national list)
        nothing is checked."""
        if division_known is None or self.place_known(code, division_known):
            return
        raise InvalidRecord(field, f"{what[0]}{code}不在地名登记中：请核对行政区划代码，"
                            f"或先登记该乡镇/村（{what[1]}, {code}, is not on the register of "
                            "places: a county on the national list of divisions, or a township "
                            "or village the programme has named）")
