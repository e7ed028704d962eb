"""Opening an account (开设账号) and setting its password: the one path that
``POST /api/v1/users`` and ``aixin users`` both take, with the same rules and messages."""

from __future__ import annotations

from uuid import UUID

from aixin.settings import Settings
from api.schemas.users import UserCreate
from api.security import Passwords, refuse_weak_password
from domain.application import CareRegister
from domain.common import Actor
from domain.users import Scope


def open_account(register: CareRegister, passwords: Passwords, settings: Settings,
                 request: UserCreate, *, actor: Actor) -> UUID:
    """Open the account ``request`` asks for: a password long enough for this deployment, a
    volunteer that exists (NotFound otherwise), the scope its role needs, a username not
    taken. Nothing is recorded when a rule refuses."""
    refuse_weak_password("password", request.password, settings)
    if request.volunteer_id is not None:
        register.get_volunteer(request.volunteer_id)
    scope = Scope(role=request.role, region_code=request.region_code,  # type: ignore[arg-type]
                  school=request.school, volunteer_id=request.volunteer_id)
    return register.create_user(username=request.username,
                                password_hash=passwords.hash(request.password), scope=scope,
                                actor=actor)


def set_password(register: CareRegister, passwords: Passwords, settings: Settings,
                 user_id: UUID, password: str, *, actor: Actor) -> int:
    """Give the account a new password (an administrator's reset: the old one is not asked
    for); every token issued before stops working. The account's new version."""
    refuse_weak_password("password", password, settings)
    return register.change_password(user_id, passwords.hash(password), actor=actor)
