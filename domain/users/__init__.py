"""People who use the system, their roles and scope — themselves event-sourced."""

from domain.users.aggregate import Role, Scope, User, user_id_for

__all__ = ["Role", "Scope", "User", "user_id_for"]
