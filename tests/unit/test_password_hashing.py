"""New password hashes at the configured cost; production refuses the cheapest."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aixin.settings import Settings
from api.security import Passwords

PRODUCTION: dict[str, object] = {
    "environment": "production", "secret_key": "k" * 40,
    "cipher_key": "AAAAAAAAAAAAAAAAAAAAAA==",
    "key_encryption_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "redis_url": "redis://127.0.0.1:6379/0",
}


def test_passwords_are_hashed_at_the_standard_cost_by_default() -> None:
    assert Settings().password_hashing == "standard"
    assert Settings(**PRODUCTION).password_hashing == "standard"  # type: ignore[arg-type]


def test_production_refuses_the_cheapest_password_hashes() -> None:
    with pytest.raises(ValidationError, match="AIXIN_PASSWORD_HASHING"):
        Settings(**PRODUCTION, password_hashing="cheapest")  # type: ignore[arg-type]


def test_the_cost_set_is_the_cost_of_new_hashes() -> None:
    cheapest = Passwords("cheapest").hash("password-123")
    standard = Passwords("standard").hash("password-123")
    assert cheapest.startswith("$argon2id$") and standard.startswith("$argon2id$")
    assert "m=8,t=1,p=1" in cheapest and "m=65536" in standard


@pytest.mark.parametrize("cost", ["standard", "cheapest"])
def test_a_hash_of_either_cost_is_checked_whatever_the_cost_set(cost: str) -> None:
    hashes = [Passwords(made_at).hash("password-123") for made_at in ("standard", "cheapest")]
    passwords = Passwords(cost)
    for password_hash in hashes:
        assert passwords.matches(password_hash, "password-123")
        assert not passwords.matches(password_hash, "password-124")


def test_a_username_nobody_has_matches_no_password() -> None:
    assert not Passwords("cheapest").matches_nobody("password-123")
