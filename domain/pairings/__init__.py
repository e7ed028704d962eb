"""Pairing (结对帮扶): volunteers and children, with every contact and visit."""

from domain.pairings.aggregate import Pairing, check_in_good_standing
from domain.pairings.contact import Contact, PairingShape, Principle
from domain.pairings.duties import duties_owed
from domain.pairings.ending import Departure, PairingEnds, ends_when_member_leaves

__all__ = ["Contact", "Departure", "Pairing", "PairingEnds", "PairingShape", "Principle",
           "check_in_good_standing", "duties_owed", "ends_when_member_leaves"]
