"""The programme's own register of places (地名): townships and villages by division code."""

from domain.places.aggregate import Place, level_of, parent_of, place_id_for

__all__ = ["Place", "level_of", "parent_of", "place_id_for"]
