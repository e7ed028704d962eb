"""Passwords (argon2) and signed, expiring bearer tokens (JWT, HS256)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from domain.common import Actor
from domain.users import Scope

ALGORITHM = "HS256"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


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
class Tokens:
    secret: str
    lifetime: timedelta = timedelta(hours=8)

    def issue(self, user_id: UUID, username: str) -> str:
        now = datetime.now(UTC)
        claims = {"sub": str(user_id), "name": username, "iat": now,
                  "exp": now + self.lifetime}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def subject(self, token: str) -> UUID:
        """The user id a valid token was issued to; anything else is a TokenError."""
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM],
                                options={"require": ["sub", "exp"]})
            return UUID(claims["sub"])
        except (jwt.PyJWTError, ValueError) as error:
            raise TokenError(str(error)) from None
