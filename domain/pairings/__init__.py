"""Pairing (结对帮扶): volunteers and children, with every contact and visit."""

from domain.pairings.aggregate import Pairing
from domain.pairings.contact import Contact, PairingShape, Principle
from domain.pairings.ending import Departure, PairingEnds, ends_when_member_leaves

__all__ = ["Contact", "Departure", "Pairing", "PairingEnds", "PairingShape", "Principle",
           "ends_when_member_leaves"]
