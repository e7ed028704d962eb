"""Passwords (argon2) and signed, expiring bearer tokens (JWT, HS256).

A token names the account's credentials as they were when it was issued (``cred``: a keyed
digest of the password hash, which says nothing about the password). A new password gives
the account a new hash, so every token issued before it no longer matches and is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from aixin.settings import Settings
from domain.common import Actor
from domain.errors import InvalidRecord
from domain.users import Scope

ALGORITHM = "HS256"
#: The hashers by ``AIXIN_PASSWORD_HASHING`` (production refuses ``cheapest``).
_HASHERS = {"standard": PasswordHasher(),
            "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST)}
_hasher = _HASHERS["standard"]


def use_password_hashing(cost: str) -> None:
    """Hash new passwords at this cost (``Settings.password_hashing``) from now on. Checking
    a password reads the parameters from its hash, so hashes of either cost keep working."""
    global _hasher
    _hasher = _HASHERS[cost]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def refuse_weak_password(field: str, password: str, settings: Settings) -> None:
    """A new password too short for this deployment is a 422 naming ``field`` (production
    asks for at least 12 characters)."""
    if len(password) < settings.password_min_length:
        raise InvalidRecord(field, f"a password has at least {settings.password_min_length} "
                            f"characters here")


#: Verified against when the username is unknown, so both cases take the same time.
DUMMY_HASH = hash_password(secrets.token_hex(8))


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account and what it may see."""

    user_id: UUID
    username: str
    scope: Scope

    @property
    def role(self) -> str:
        return self.scope.role.value

    @property
    def actor(self) -> Actor:
        return Actor(id=str(self.user_id), role=self.role)


class TokenError(Exception):
    """The token is missing, expired, tampered with or signed another way."""


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is, and which credentials it was issued under."""

    subject: UUID
    credentials: str


@dataclass(frozen=True)
class Tokens:
    secret: str
    lifetime: timedelta = timedelta(hours=8)

    def issue(self, user_id: UUID, username: str, password_hash: str) -> str:
        """A token for the account whose password hash is ``password_hash`` now."""
        now = datetime.now(UTC)
        claims = {"sub": str(user_id), "name": username, "iat": now,
                  "exp": now + self.lifetime, "cred": self.credentials(password_hash)}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def credentials(self, password_hash: str) -> str:
        """The stamp of an account's credentials: a digest of its password hash keyed with
        the signing key (a token's claims are readable by whoever holds it)."""
        return hmac.new(self.secret.encode(), b"aixin credentials\n" + password_hash.encode(),
                        hashlib.sha256).hexdigest()[:32]

    def claims(self, token: str) -> TokenClaims:
        """What a valid token says; anything else is a TokenError."""
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM],
                                options={"require": ["sub", "exp", "cred"]})
            if not isinstance(claims["cred"], str):
                raise ValueError("cred is not a string")
            return TokenClaims(UUID(claims["sub"]), claims["cred"])
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise TokenError(str(error)) from None

    def subject(self, token: str) -> UUID:
        """The user id a valid token was issued to; anything else is a TokenError."""
        return self.claims(token).subject

    def current(self, claims: TokenClaims, password_hash: str) -> bool:
        """Whether the token was issued under the account's present credentials (not before
        a change of password)."""
        return hmac.compare_digest(claims.credentials, self.credentials(password_hash))
