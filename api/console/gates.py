"""Who may open a console page: one gate per rule of the access policy
(:mod:`domain.access.policy`), refusing the others with a page that says why (403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends

from api.console.session import ConsoleCaller, Refused
from api.scope import caller_of
from api.security import Principal
from domain.access.caller import Caller


def admitting(rule: Callable[[Caller], bool], refusal: str) -> Any:
    """A dependency giving the session's caller if ``rule`` admits them, else ``refusal``
    (403): ``Keeper = Annotated[Principal, admitting(may_keep_records, "…")]``."""

    async def gate(caller: ConsoleCaller) -> Principal:  # a coroutine: no hop to a thread
        if not rule(caller_of(caller)):
            raise Refused(403, refusal)
        return caller

    gate.__doc__ = f"The caller, if ``{rule.__name__}`` admits them (403 otherwise)."
    return Depends(gate)
