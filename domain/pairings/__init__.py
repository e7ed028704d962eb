"""Pairing (结对帮扶): volunteers and children, with every contact and visit."""

from domain.pairings.aggregate import Pairing
from domain.pairings.contact import Contact, PairingShape, Principle

__all__ = ["Contact", "Pairing", "PairingShape", "Principle"]
