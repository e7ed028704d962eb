"""Use cases for accounts: create, change scope or password, deactivate, look up."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.application.base import AixinApplication
from domain.common import Actor
from domain.errors import AccountRule, NotFound
from domain.users import Scope, User, user_id_for


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
