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

from domain.common import Actor
from domain.users import Scope

ALGORITHM = "HS256"
class Passwords:
    """Hashes new passwords at the deployment's cost (``AIXIN_PASSWORD_HASHING``: the standard
    argon2id parameters, or the cheapest for test runs; production refuses those) and checks
    a password against a hash of either cost (the hash names its own parameters)."""

    def __init__(self, cost: str = "standard") -> None:
        self._hasher = (PasswordHasher() if cost == "standard"
                        else PasswordHasher.from_parameters(profiles.CHEAPEST))
        self._nobody: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    def matches_nobody(self, password: str) -> bool:
        """Check a password for a username nobody has (never a match), as long as a real
        check takes, so the answer's time does not tell whether the username exists."""
        if self._nobody is None:
            self._nobody = self.hash(secrets.token_hex(8))
        self.matches(self._nobody, password)
        return False


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
