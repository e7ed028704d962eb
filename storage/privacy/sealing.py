"""Sealing personal texts in the stored events and snapshots (字段级加密).

:class:`PersonalDataMapper` is the event store's mapper with one step more: before an event
of a child, a volunteer or a pairing (or a snapshot of one) is transcoded, each personal
text the model names (``domain.personal``) is replaced by an envelope
``{"k": key id, "n": nonce, "c": AES-GCM ciphertext}`` sealed with the data key of the
record it belongs to; reading opens the envelope again, or gives ``"[已删除]"``
(``domain.personal.ERASED``) once that key is destroyed. The library's whole-event cipher
(``AIXIN_CIPHER_KEY``) still applies after this, as before.

Whose key seals what:

- a child's events and snapshots: the child's key;
- a volunteer's: the volunteer's key;
- a pairing's (contact notes): the pairing's own key, which *concerns* every child in it,
  so erasing any one of its children destroys it too (notes in a one-to-many pairing may
  speak of each child). The pairing's volunteer keeps their own record and key;
- a group activity's (the reason it was cancelled): the activity's own key, which concerns
  every child it names, likewise;
- a national ID number's claim (whose it is): the claim's own key, destroyed when its child's
  personal data is erased.
"""

from __future__ import annotations

import base64
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import resolve_topic

from domain.access import BreakGlass, RecordRead
from domain.activities import Activity
from domain.children import Child
from domain.national_ids import NationalIdClaim
from domain.pairings import Pairing
from domain.personal import ERASED, KEPT_IN_CLEAR, name_parts, query_parts, redacted
from domain.volunteers import Volunteer
from storage.privacy.keys import KeyStore

_NONCE = 12


@dataclass(frozen=True)
class Sealed:
    """A personal text as stored: sealed with the data key ``key_id``."""

    key_id: str
    nonce: bytes
    ciphertext: bytes


class SealedAsEnvelope(Transcoding):
    """A sealed text as its envelope; read back as the text, or as erased."""

    type = Sealed
    name = "pii"

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys

    def encode(self, obj: Sealed) -> dict[str, str]:
        return {"k": obj.key_id, "n": base64.b64encode(obj.nonce).decode(),
                "c": base64.b64encode(obj.ciphertext).decode()}

    def decode(self, data: dict[str, str]) -> str:
        cipher = self.keys.cipher(data["k"])
        if cipher is None:
            return ERASED
        try:
            plain = cipher.decrypt(base64.b64decode(data["n"]), base64.b64decode(data["c"]),
                                   data["k"].encode())
        except InvalidTag:
            raise ValueError(f"a personal text sealed with key {data['k']} does not open: "
                             "it was altered") from None
        return plain.decode()


class PersonalDataMapper(Mapper[UUID]):
    """The library's mapper, sealing personal texts with their record's data key."""

    def __init__(self, base: Mapper[UUID], keys: KeyStore) -> None:
        super().__init__(transcoder=base.transcoder, compressor=base.compressor,
                         cipher=base.cipher)
        self.keys = keys
        if isinstance(base.transcoder, JSONTranscoder):
            base.transcoder.register(SealedAsEnvelope(keys))

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        sealing = sealed_with(domain_event)
        if sealing is not None:
            key_id, subjects, personal = sealing
            made = self.keys.key_for_sealing(key_id, subjects)
            seal = _sealer(key_id, None if made is None else self.keys.cipher(key_id))
            state = dict(vars(domain_event))
            inner = state.get("state") if _is_snapshot(domain_event) else None
            if inner is not None:
                state["state"] = redacted(inner, seal, personal)
            else:
                state = redacted(state, seal, personal)
            domain_event = _with_state(domain_event, state)
        return super().to_stored_event(domain_event)


def sealed_with(domain_event: Any) -> tuple[str, list[str], frozenset[str]] | None:
    """The data key that seals this event's (or snapshot's) personal texts, the subjects
    the key concerns beside its own record, and the texts; None if it has none to seal."""
    owner, personal = _owner(domain_event)
    if owner is not None:
        state = vars(domain_event)
        inner = state.get("state") if _is_snapshot(domain_event) else None
        subjects = [str(c) for c in (inner or state).get("child_ids", ())]
        return str(state["originator_id"]), subjects, personal
    about, personal = _about_a_child(domain_event)
    if about is not None:  # sealed with the key of the child it is about
        return about, [], personal
    return None


def _with_state(domain_event: Any, state: dict[str, Any]) -> Any:
    """A copy of ``domain_event`` whose attributes are ``state`` (its texts sealed)."""
    sealed = object.__new__(type(domain_event))
    object.__setattr__(sealed, "__dict__", state)
    return sealed


#: Records about one child, kept under that child's key (not a key of their own).
_ABOUT_A_CHILD: tuple[type[Any], ...] = (RecordRead, BreakGlass)


def _about_a_child(domain_event: Any) -> tuple[str | None, frozenset[str]]:
    """The child whose key seals this event of a record about it, and the personal texts."""
    cls = next((about for about in _ABOUT_A_CHILD if isinstance(domain_event, about.Event)),
               None)
    child_id = None if cls is None else getattr(domain_event, cls.sealed_with_key_of, None)
    if child_id is None:
        return None, frozenset()
    return str(child_id), cls.personal_attributes  # type: ignore[union-attr]


def _sealer(key_id: str, cipher: AESGCM | None) -> Any:
    def seal(text: str) -> Sealed | str:
        if cipher is None:  # the subject's data was erased: nothing personal is kept
            return ERASED
        nonce = os.urandom(_NONCE)
        return Sealed(key_id, nonce, cipher.encrypt(nonce, text.encode(), key_id.encode()))
    return seal


_OWNERS: tuple[type[Any], ...] = (Child, Volunteer, Pairing, Activity, NationalIdClaim)


def _owner(domain_event: Any) -> tuple[type[Any] | None, frozenset[str]]:
    """The aggregate class whose key seals this event, and its own personal attributes."""
    if _is_snapshot(domain_event):
        cls: Any = resolve_topic(domain_event.topic)
    else:
        cls = next((owner for owner in _OWNERS
                    if isinstance(domain_event, owner.Event)),
                   None)
    if cls not in _OWNERS:
        return None, frozenset()
    personal: frozenset[str] = getattr(cls, "personal_attributes", frozenset())
    return cls, personal - KEPT_IN_CLEAR.get(type(domain_event).__name__, frozenset())


def _is_snapshot(domain_event: Any) -> bool:
    return isinstance(domain_event, Snapshot)


#: How a text kept by a read model begins: ``sealed:<key id>:<AES-SIV ciphertext, base64>``.
KEPT = "sealed:"
#: The data key of the blind index (one for every record: a search spans them all).
BLIND_INDEX_KEY = "blind-index:names"


@dataclass
class FieldEncryption:
    """The port ``PersonalDataKeys`` on a :class:`KeyStore`: seals with it, shreds in it.

    Read models (the registers' names) keep texts sealed with the record's key by AES-SIV
    (deterministic: a rebuilt register equals the original, and equal names of one record
    seal alike; nothing is shared between records), and find them by a blind index: an
    HMAC-SHA256, under a key of its own, of every short part of the name. The index shows
    which records share a part of a name, never the part; an erasure deletes the record's
    entries (the register's handler) and its key (here)."""

    keys: KeyStore

    def protect(self, mapper: Mapper[UUID]) -> Mapper[UUID]:
        return PersonalDataMapper(mapper, self.keys)

    def make_keys(self, events: Iterable[object]) -> None:
        needed: dict[str, set[str]] = {}
        for event in events:
            sealing = sealed_with(event)
            if sealing is not None:
                key_id, subjects, _ = sealing
                needed.setdefault(key_id, set()).update(subjects)
        if needed:
            self.keys.make_keys(needed)

    def seal_text(self, subject_id: UUID, text: str) -> str:
        if not text:
            return text
        key_id = str(subject_id)
        siv = self.keys.deterministic_cipher(key_id)
        if siv is None:  # erased (or sealed by no key): nothing personal is kept
            return ERASED
        sealed = siv.encrypt(text.encode(), [key_id.encode()])
        return f"{KEPT}{key_id}:{base64.b64encode(sealed).decode()}"

    def open_text(self, kept: str) -> str:
        if not kept.startswith(KEPT):
            return kept  # empty, or erased
        key_id, _, sealed = kept[len(KEPT):].partition(":")
        siv = self.keys.deterministic_cipher(key_id)
        if siv is None:
            return ERASED
        try:
            return siv.decrypt(base64.b64decode(sealed), [key_id.encode()]).decode()
        except InvalidTag:
            raise ValueError(f"a personal text kept with key {key_id} does not open: "
                             "it was altered") from None

    def hold_keys(self) -> None:
        self.keys.hold_all()

    def blind_tokens(self, text: str) -> list[str]:
        return self._tokens(name_parts(text))

    def blind_query(self, part: str) -> list[str]:
        return self._tokens(query_parts(part))

    def _tokens(self, parts: list[str]) -> list[str]:
        if not parts:
            return []
        key = self.keys.key_for_sealing(BLIND_INDEX_KEY)
        assert key is not None, "the blind index key is never destroyed"
        return [hmac.digest(key, part.encode(), "sha256")[:16].hex() for part in parts]

    def shred(self, subject_id: UUID) -> None:
        self.keys.shred(str(subject_id))

    def close(self) -> None:
        self.keys.close()
