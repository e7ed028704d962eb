"""A claim on an Idempotency-Key belongs to the try that made it: once another try took it
over (the first looked dead), the first neither answers for the key nor frees it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator

import pytest

from aixin.bootstrap import build_idempotency_store
from aixin.settings import Settings
from storage.idempotency import PENDING_SECONDS, IdempotencyStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest,
          make_settings: Callable[..., Settings]) -> Iterator[IdempotencyStore]:
    made = build_idempotency_store(make_settings(request.param))
    yield made
    made.close()


@pytest.fixture
def taken_over(store: IdempotencyStore) -> tuple[float, float]:
    """A first try's claim, looking dead, taken over by a second: both claims' instants."""
    first = time.time() - PENDING_SECONDS - 1
    assert store.claim("clerk", "k", "f", first) is None
    second = time.time()
    assert store.claim("clerk", "k", "f", second) is None
    return first, second


def test_the_first_tries_answer_does_not_replace_the_one_kept_by_the_try_that_took_over(
        store: IdempotencyStore, taken_over: tuple[float, float]) -> None:
    first, second = taken_over
    assert store.complete("clerk", "k", 201, b'{"id": "a"}', {}, second)
    assert not store.complete("clerk", "k", 409, b'{"detail": "x"}', {}, first)
    kept = store.get("clerk", "k")
    assert kept is not None and (kept.status, kept.body) == (201, b'{"id": "a"}')


def test_the_first_try_does_not_free_the_claim_of_the_try_that_took_over(
        store: IdempotencyStore, taken_over: tuple[float, float]) -> None:
    first, _ = taken_over
    store.release("clerk", "k", first)
    again = store.claim("clerk", "k", "f")
    assert again is not None and again.status is None  # the second try still holds it


def test_a_fingerprint_tells_nothing_of_the_request_without_the_key(
        store: IdempotencyStore) -> None:
    parts = (b"/api/v1/children/1/exit", b"", b'{"reason": "\xe5\x9b\x9e\xe5\xae\xb6"}')
    assert store.fingerprint(*parts) != hashlib.sha256(b"\n".join(parts)).hexdigest()
    assert store.fingerprint(*parts) == store.fingerprint(*parts)
