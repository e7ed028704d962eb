"""The use-case layer's common ground: store, clock, programme and concurrency."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, Recording, Transcoder
from eventsourcing.utils import Environment, EnvType

from domain import identity
from domain.application.commands import CommandRecord, current_command
from domain.application.views import Recorded
from domain.children import Child
from domain.errors import DomainError, IdempotencyKeyReused, NotFound, StaleVersion
from domain.pairings import Pairing
from domain.programme import Programme
from domain.texts import check_texts
from domain.transcodings import AixinTranscoder
from domain.users import User
from domain.volunteers import Volunteer

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

#: Times a change is tried again on a fresh read when a concurrent writer got there first.
RACES = 30
#: What every event carries beside the facts it states.
_EVENT_HEADER = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})

Clock = Callable[[], date]


def programme_today(timezone: str) -> Clock:
    """Today's date where the programme is (China Standard Time by default)."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone).date()


class PersonalTexts(Protocol):
    """Port: how a read model keeps a personal text (a name on a register) and finds it.

    A register keeps the text sealed with its subject's data key, so an erasure makes it
    unreadable there too, and a *blind index* (keyed hashes of the text's parts) to find
    records by part of a name without keeping the name."""

    def seal_text(self, subject_id: UUID, text: str) -> str:
        """The text as a read model keeps it; the same text seals the same way (a rebuilt
        read model equals the original), and an erased subject's text as erased."""
        ...

    def open_text(self, kept: str) -> str:
        """The text kept by :meth:`seal_text`, or ``[已删除]`` once its key is destroyed."""
        ...

    def hold_keys(self) -> None:
        """Read every subject's key at once and hold it: a rebuild is about to read the
        whole log (one read of the keys, not one per record)."""
        ...

    def blind_tokens(self, text: str) -> list[str]:
        """The blind index entries of every short part of ``text`` (kept beside it)."""
        ...

    def blind_query(self, part: str) -> list[str]:
        """The entries a record whose text contains ``part`` has every one of."""
        ...


class PersonalDataKeys(PersonalTexts, Protocol):
    """Port: the data keys that keep personal texts secret, one per child and per volunteer
    (envelope encryption); destroying a subject's keys erases its personal data
    (crypto-shredding) without rewriting the log. Implemented by the infrastructure."""

    def protect(self, mapper: Mapper[UUID]) -> Mapper[UUID]:
        """The store's mapper, sealing personal texts as they are stored."""
        ...

    def make_keys(self, events: Iterable[object]) -> None:
        """Make, together and durably, every data key these events are about to be sealed
        with (a new child's, a new volunteer's, a new pairing's...), before they are
        stored: one transaction of the keys for a whole batch, not one per record."""
        ...

    def shred(self, subject_id: UUID) -> None:
        """Destroy the subject's data keys for good (idempotent)."""
        ...

    def close(self) -> None: ...


class AixinApplication(Application[UUID]):
    """Base of Aixin's applications: one event log, chosen by environment only.

    ``PERSISTENCE_MODULE`` (``eventsourcing.sqlite`` / ``eventsourcing.postgres``) and
    the library's other settings come from ``env``; nothing in code picks a store.
    """

    name = "aixin"
    snapshotting_intervals: ClassVar[dict[Any, int]] = {
        Child: 50, Volunteer: 50, Pairing: 100,
    }
    _noun: ClassVar[dict[type[Aggregate], str]] = {
        Child: "child", Volunteer: "volunteer", Pairing: "pairing", User: "user",
    }

    def __init__(self, env: EnvType | None = None, *, programme: Programme | None = None,
                 clock: Clock | None = None,
                 personal_data: PersonalDataKeys | None = None) -> None:
        self.programme = programme or Programme()
        #: Field encryption; None (in-memory tests) keeps personal texts as they are.
        self.personal_data = personal_data
        self.today: Clock = clock or programme_today(self.programme.timezone)
        super().__init__(env)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Given an explicit ``env`` (from our settings), use it alone.

        The library would otherwise merge ``os.environ`` over it, where ``AIXIN_*``
        variables shadow the keys we set (the app is named "aixin").
        """
        if env is None:
            return super().construct_env(name, env)
        merged = dict(type(self).env)
        merged["IS_SNAPSHOTTING_ENABLED"] = "y"
        merged.update(env)
        return Environment(name, merged)

    def construct_transcoder(self) -> Transcoder:
        return AixinTranscoder()

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return self.personal_data.protect(mapper) if self.personal_data else mapper

    def close(self) -> None:
        super().close()
        if self.personal_data is not None:
            self.personal_data.close()

    def _get(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        """Load one aggregate of the given kind, or NotFound; check If-Match's version."""
        aggregate = self._load(cls, aggregate_id, copied=True)
        if (expected_version is not None and aggregate.version != expected_version
                and not _replaying()):  # the first try moved the version on
            raise StaleVersion(f"the {self._noun.get(cls, cls.__name__.lower())} is at version"
                               f" {aggregate.version}, not {expected_version}; read it again"
                               " before changing it")
        return aggregate

    def _read(self, cls: type[A], aggregate_id: UUID) -> A:
        """Load one aggregate of the given kind only to read it, or NotFound: the cache's own
        copy, brought up to date, not a deep copy of it (a caring mother's record holds her
        form, reviews and pairings: copying it costs as much as reading it from the store).
        The caller must not change it, nor keep it past its request."""
        return self._load(cls, aggregate_id, copied=False)

    def _load(self, cls: type[A], aggregate_id: UUID, *, copied: bool) -> A:
        noun = self._noun.get(cls, cls.__name__.lower())
        try:
            aggregate: object = self.repository.get(aggregate_id, deepcopy_from_cache=copied)
        except AggregateNotFoundError:
            raise NotFound(f"no {noun} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {noun} {aggregate_id}")
        return aggregate

    def _change(self, cls: type[A], aggregate_id: UUID, expected_version: int | None,
                command: Callable[[A], object]) -> A:
        """Load, run one command on, and record one aggregate: all of it or nothing."""
        aggregate = self._get(cls, aggregate_id, expected_version)
        command(aggregate)
        self._commit(aggregate)
        if _replaying():  # as the first try left it, not as this one would have
            return self._get(cls, aggregate_id)
        return aggregate

    def _change_racing(self, cls: type[A], aggregate_id: UUID, command: Callable[[A], R], *,
                       refused: type[DomainError] | tuple[()] = ()) -> tuple[bool, R | None]:
        """Run ``command`` on the latest aggregate and record it, reading again when another
        writer recorded something first (for commands that do not depend on what the caller
        last read: the system's own, idempotent ones, and a volunteer's contact).

        Returns (True, what the command returned), or (False, None) if the aggregate's
        rules refuse it with ``refused`` (already settled): nothing is recorded then.
        Between tries, a pause that grows and differs between writers, so that writers of
        the same aggregate do not clash again. StaleVersion if it kept changing for
        :data:`RACES` tries.
        """
        drawn = identity.mark()
        for attempt in range(RACES):
            identity.rewind(drawn)  # a new try names its new records as the first did
            aggregate = self._get(cls, aggregate_id)
            try:
                result = command(aggregate)
            except refused:
                return False, None
            try:
                self._commit(aggregate)
            except StaleVersion:
                if attempt < RACES - 1:  # someone recorded something meanwhile: look again
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            return True, result
        raise StaleVersion(f"{cls.__name__.lower()} {aggregate_id} kept changing; "
                           "nothing was recorded")

    def _add_to(self, cls: type[A], aggregate_id: UUID, expected_version: int | None,
                command: Callable[[A], Recorded]) -> Recorded:
        """Add a fact inside an aggregate (a contact): ``command`` records it and says its id
        and the version its event gives the aggregate. Such a fact adds to the record without
        depending on what the caller last read, so without ``expected_version`` (If-Match) a
        change recorded meanwhile by someone else is no reason to refuse it: the aggregate is
        read again and the fact checked and recorded on the latest version. With it, an
        aggregate changed since is refused (StaleVersion), as for every command."""
        if expected_version is None:
            _, raced = self._change_racing(cls, aggregate_id, command)
            assert raced is not None  # nothing is refused as settled: recorded, or raised
            recorded = raced
        else:
            aggregate = self._get(cls, aggregate_id, expected_version)
            recorded = command(aggregate)
            self._commit(aggregate)
        return Recorded(recorded.id, self.version_recorded(aggregate_id, recorded.version))

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record the aggregates' new events in one transaction, none with a text no record
        may hold (``domain.texts``: InvalidRecord naming the field); inside a keyed command, the
        command's record goes in the same transaction (see ``domain.application.commands``),
        and a command recorded by an earlier try records nothing. The data keys the events
        are sealed with are made first, all in one transaction of their own."""
        pending = [event for obj in objs for event in getattr(obj, "pending_events", ())]
        for event in pending:  # whoever sends it: the API, the console, an import, the CLI
            check_texts("", {name: value for name, value in vars(event).items()
                             if name not in _EVENT_HEADER})
        command = current_command()
        if command is not None and not command.recorded and command.replayed:
            return []
        if self.personal_data is not None:  # the batch's keys in one go, durable first
            self.personal_data.make_keys(pending)
        if command is None or command.recorded:
            return super().save(*objs, **kwargs)
        changed = tuple((str(a.id), a.version) for a in objs if isinstance(a, Aggregate))
        record = CommandRecord._create(
            CommandRecord.Accepted,  # type: ignore[attr-defined]
            id=command.id, owner=command.owner, fingerprint=command.fingerprint,
            changed=changed)
        try:
            recordings = super().save(*objs, record, **kwargs)
        except IntegrityError:
            first = self.recorded_command(command.id)
            if first is None:
                raise
            self.replay(command, first)
            return []
        command.recorded = True
        return recordings

    def recorded_command(self, command_id: UUID) -> CommandRecord | None:
        """The record of a keyed command, if an earlier try recorded it."""
        try:
            record: object = self.repository.get(command_id)
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, CommandRecord) else None

    @staticmethod
    def version_recorded(aggregate_id: UUID, version: int) -> int:
        """``version``, or, for a try of a command an earlier try recorded, the version that
        try left the aggregate at (this try's own change was never saved)."""
        command = current_command()
        if command is None or not command.replayed or command.first is None:
            return version
        return dict(command.first.changed).get(str(aggregate_id), version)

    @staticmethod
    def replay(command: Any, first: CommandRecord) -> None:
        """Handle ``command`` as a new try of ``first``: it records nothing."""
        if first.fingerprint != command.fingerprint:
            raise IdempotencyKeyReused()
        command.replayed, command.first = True, first

    def _commit(self, *aggregates: Any) -> None:
        """Save changes atomically; a concurrent writer's change wins and ours is refused."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise StaleVersion("the record was changed by someone else at the same time; "
                               "nothing was recorded, read it again and retry") from None


def _replaying() -> bool:
    command = current_command()
    return command is not None and command.replayed
