"""Commands sent with an idempotency key (幂等键): recorded once, however often they arrive.

A caller that gets no answer (a dropped connection, a killed process, a phone that lost its
network) sends the same command again with the same key. Whether the first try was
recorded is known only to the log, so the log is asked: the first save of a keyed command
records a :class:`CommandRecord` in the same transaction as the command's own events. A
second try of a recorded command then cannot save (the record is there already): nothing
is recorded twice, and the try is answered as the first was, from what the first recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.identity import drawn_from

#: The namespace of commands' identities (uuid5 of the caller and the key).
COMMANDS = UUID("5d1f3c1e-7a55-4c8e-9a43-6f0f1c2a9b10")


def command_id(owner: str, key: str) -> UUID:
    """The identity of the command ``owner`` sent with idempotency key ``key``."""
    return uuid5(COMMANDS, f"{owner}\n{key}")


class CommandRecord(Aggregate):
    """That a keyed command was recorded (指令已记录): who sent it, a digest of what was
    sent, and the records it changed, at the versions it left them. It holds no personal
    data, and no view shows it."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        raise TypeError("a command record's identity is given: command_id(owner, key)")

    @event("Accepted")
    def __init__(self, *, owner: str, fingerprint: str,
                 changed: tuple[tuple[str, int], ...]) -> None:
        self.owner, self.fingerprint, self.changed = owner, fingerprint, changed


@dataclass
class KeyedCommand:
    """The command being handled, as the caller sent it with an idempotency key."""

    owner: str
    key: str
    fingerprint: str
    #: This try saved the command's record (later saves of the same request go as usual).
    recorded: bool = False
    #: The command was recorded by an earlier try: this one records nothing.
    replayed: bool = False
    #: The first try's record, when this one is a replay.
    first: CommandRecord | None = field(default=None, repr=False)

    @property
    def id(self) -> UUID:
        return command_id(self.owner, self.key)


_current: ContextVar[KeyedCommand | None] = ContextVar("aixin_keyed_command", default=None)


def current_command() -> KeyedCommand | None:
    """The keyed command being handled in this context, if any."""
    return _current.get()


@contextmanager
def keyed_command(owner: str, key: str, fingerprint: str) -> Iterator[KeyedCommand]:
    """Handle one command sent with an idempotency key: its new records take identities
    drawn from the command's own, and its first save records the command."""
    command = KeyedCommand(owner, key, fingerprint)
    token = _current.set(command)
    try:
        with drawn_from(command.id):
            yield command
    finally:
        _current.reset(token)
