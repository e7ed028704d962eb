"""Use cases for accounts: open one, change its scope or password, deactivate it, look it up.

Opening an account (开设账号) and setting its password take one path whoever asks (``POST
/api/v1/users``, ``aixin users``, the demo): the same rules, the same messages. Passwords are
hashed through a port (:class:`PasswordHashing`) the caller passes in; the log keeps only the
hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.application.base import AixinApplication
from domain.common import Actor
from domain.errors import AccountRule, InvalidRecord, NotFound, WrongPassword
from domain.users import Scope, User, user_id_for
from domain.volunteers import Volunteer


class PasswordHashing(Protocol):
    """Turns a password into the hash an account keeps, and checks a password against one."""

    def hash(self, password: str) -> str: ...

    def matches(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True)
class PasswordRules:
    """How this deployment keeps passwords: hashed through ``hashing``, and at least
    ``min_length`` characters long (production asks for 12)."""

    hashing: PasswordHashing
    min_length: int

    def hash_new(self, field: str, password: str) -> str:
        """The hash of a new password; one too short is refused naming ``field``."""
        if len(password) < self.min_length:
            raise InvalidRecord(field, f"密码至少 {self.min_length} 个字符（a password has "
                                f"at least {self.min_length} characters here）")
        return self.hashing.hash(password)


@dataclass(frozen=True)
class UserView:
    id: UUID
    version: int
    username: str
    password_hash: str
    scope: Scope
    active: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(user.id, user.version, user.username, user.password_hash, user.scope,
                   user.active)


class UsersService(AixinApplication):
    """Accounts live in the same log, so who could do what, when, is on the record."""

    def open_account(self, *, username: str, password: str, role: str,
                     region_code: str | None, school: str | None, volunteer_id: UUID | None,
                     passwords: PasswordRules, actor: Actor) -> UUID:
        """Open an account: a password long enough for this deployment, a volunteer that
        exists (NotFound otherwise), the scope its role needs, a username not taken.
        Nothing is recorded when a rule refuses."""
        password_hash = passwords.hash_new("password", password)
        if volunteer_id is not None:
            self._get(Volunteer, volunteer_id)
        scope = Scope(role=role, region_code=region_code, school=school,  # type: ignore[arg-type]
                      volunteer_id=volunteer_id)
        return self.create_user(username=username, password_hash=password_hash, scope=scope,
                                actor=actor)

    def set_password(self, user_id: UUID, password: str, *, passwords: PasswordRules,
                     actor: Actor) -> int:
        """Give the account a new password (an administrator's reset: the old one is not
        asked for); every token issued before stops working. The account's new version."""
        return self.change_password(user_id, passwords.hash_new("password", password),
                                    actor=actor)

    def change_own_password(self, user_id: UUID, *, current_password: str,
                            new_password: str, passwords: PasswordRules,
                            actor: Actor) -> int:
        """The account's owner changes its password, giving the current one again; every
        token issued before stops working. The account's new version."""
        user = self.get_user(user_id)
        if not passwords.hashing.matches(user.password_hash, current_password):
            raise WrongPassword("当前密码不正确（the current password is wrong）")
        if new_password == current_password:  # nothing would change, no token end
            raise InvalidRecord("new_password", "新密码与当前密码相同，请另选一个（the new "
                                "password is the current one; choose another）")
        return self.change_password(user_id, passwords.hash_new("new_password", new_password),
                                    actor=actor)

    def create_user(self, *, username: str, password_hash: str, scope: Scope,
                    actor: Actor) -> UUID:
        """Create an account; a username is taken once."""
        user = User.create(username=username, password_hash=password_hash, scope=scope,
                           actor=actor)
        try:
            self.save(user)
        except IntegrityError:
            raise AccountRule(f"用户名 {user.username} 已被占用（the username "
                              f"{user.username!r} is already taken）",
                              rule="username_taken") from None
        return user.id

    def find_user(self, username: str) -> UserView | None:
        """The account with this username, if there is one."""
        try:
            return UserView.of(self._get(User, user_id_for(username)))
        except NotFound:
            return None

    def get_user(self, user_id: UUID) -> UserView:
        return UserView.of(self._get(User, user_id))

    def any_user_exists(self) -> bool:
        """Whether any account was ever created (read from the log by topic, not replayed)."""
        topic = get_topic(User.Registered)
        return bool(self.recorder.select_notifications(start=None, limit=1, topics=[topic]))

    def list_users(self) -> list[UserView]:
        """Every account ever opened, in the order they were opened (accounts are few: read
        from the log by topic, each account then loaded)."""
        topic = get_topic(User.Registered)
        ids: list[UUID] = []
        start: int | None = None
        while page := self.recorder.select_notifications(
                start=start, limit=500, topics=[topic], inclusive_of_start=start is None):
            ids += [UUID(str(notification.originator_id)) for notification in page]
            start = page[-1].id
        return [self.get_user(user_id) for user_id in ids]

    def change_scope(self, user_id: UUID, scope: Scope, *, actor: Actor) -> int:
        return self._change(User, user_id, None,
                            lambda u: u.change_scope(scope, actor=actor)).version

    def change_password(self, user_id: UUID, password_hash: str, *, actor: Actor) -> int:
        return self._change(User, user_id, None,
                            lambda u: u.change_password(password_hash, actor=actor)).version

    def deactivate_user(self, user_id: UUID, *, reason: str, actor: Actor) -> int:
        return self._change(User, user_id, None,
                            lambda u: u.deactivate(reason=reason, actor=actor)).version
