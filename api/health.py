"""``GET /health``: the store, the broker and the projections' lag."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class StoreHealth(BaseModel):
    kind: str
    ok: bool
    position: int | None = None
    error: str | None = None


class BrokerHealth(BaseModel):
    kind: str
    ok: bool


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    store: StoreHealth
    broker: BrokerHealth
    projections: dict[str, int]  # events each projection is behind the log
    #: Per projection, the positions of events it could not apply and set aside (none: {}).
    set_aside: dict[str, list[int]] = {}


@router.get("/health")
def health(request: Request) -> Health:
    """Whether the event store answers, which broker is used, and how far projections lag."""
    settings = request.app.state.settings
    try:
        position = request.app.state.register.recorder.max_notification_id() or 0
        store = StoreHealth(kind=settings.store, ok=True, position=position)
    except Exception as error:
        store = StoreHealth(kind=settings.store, ok=False, error=type(error).__name__)
    broker = _broker_health(settings.redis_url)
    try:
        lag = request.app.state.views.lag()
        set_aside = {name: [entry.position for entry in entries] for name, entries
                     in request.app.state.views.set_aside().items()}
    except Exception:
        lag, set_aside = {}, {}
    healthy = store.ok and broker.ok and not set_aside
    return Health(status="ok" if healthy else "degraded", store=store, broker=broker,
                  projections=lag, set_aside=set_aside)


def _broker_health(redis_url: str | None) -> BrokerHealth:
    """Ping Redis when it is the broker; the embedded default needs no server."""
    if not redis_url:
        return BrokerHealth(kind="embedded", ok=True)
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        ok = bool(client.ping())
        client.close()
    except redis.RedisError:
        ok = False
    return BrokerHealth(kind="redis", ok=ok)
