"""Identities of new records: random, or drawn from the command that records them.

A command sent again after its answer was lost (a phone retrying over a bad network) must
name the same records as the first time, so that it is recognised and recorded once.
Inside :func:`drawn_from`, every new child, volunteer, pairing, report, contact or concern
takes the next identity of a sequence derived from the command's own identity; outside
it, a random one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID, uuid4, uuid5


@dataclass
class _Sequence:
    seed: UUID
    drawn: int = 0


_current: ContextVar[_Sequence | None] = ContextVar("aixin_identity_sequence", default=None)


def new_id() -> UUID:
    """The identity of a new record: the next of the command's sequence, or a random one."""
    sequence = _current.get()
    if sequence is None:
        return uuid4()
    sequence.drawn += 1
    return uuid5(sequence.seed, str(sequence.drawn))


@contextmanager
def drawn_from(seed: UUID) -> Iterator[None]:
    """New identities drawn, in order, from ``seed`` while inside."""
    token = _current.set(_Sequence(seed))
    try:
        yield
    finally:
        _current.reset(token)


def mark() -> int:
    """How many identities the current sequence has given (0 outside one)."""
    sequence = _current.get()
    return sequence.drawn if sequence is not None else 0


def rewind(to: int) -> None:
    """Give the same identities again from ``to`` on: a command tried again after a clash
    with another writer draws what its first try drew."""
    sequence = _current.get()
    if sequence is not None:
        sequence.drawn = to
