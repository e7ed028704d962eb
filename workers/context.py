"""What a task works with: the register and the read side of this worker process.

Built on first use in each worker process (after the pool forks, never at import), from the
settings of the current Celery app, and closed when the process ends. Tasks stay thin: they
take what they need from :func:`services` and call one use case or one query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from celery import current_app
from celery.signals import worker_process_shutdown

from aixin.bootstrap import build_register, build_runner
from aixin.settings import Settings
from domain.application import CareRegister
from projections.runner import ViewRunner


@dataclass(frozen=True)
class Services:
    settings: Settings
    register: CareRegister
    views: ViewRunner

    def close(self) -> None:
        self.views.store.close()
        self.register.close()


_lock = threading.Lock()
_services: Services | None = None


def settings() -> Settings:
    configured: Any = current_app.conf.get("aixin_settings")
    if not isinstance(configured, Settings):
        raise RuntimeError("the Celery app was not made by workers.app.create_celery")
    return configured


def services() -> Services:
    """This process's register and views, built once."""
    global _services
    with _lock:
        if _services is None:
            configured = settings()
            register = build_register(configured)
            _services = Services(configured, register, build_runner(configured, register))
        return _services


@worker_process_shutdown.connect
def close_services(**_: Any) -> None:
    global _services
    with _lock:
        if _services is not None:
            _services.close()
            _services = None
