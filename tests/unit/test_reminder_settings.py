"""Reminder settings that would break "exactly once" or "never lost" are refused at start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aixin.settings import Settings


def test_no_retry_may_wait_long_enough_to_outlive_the_brokers_visibility_timeout() -> None:
    with pytest.raises(ValidationError, match="visibility timeout"):
        Settings(reminder_retry_backoff_max=3600)  # type: ignore[call-arg]


def test_a_delivery_lease_shorter_than_a_send_may_take_is_refused() -> None:
    with pytest.raises(ValidationError, match="LEASE"):
        Settings(reminder_delivery_lease=15, smtp_timeout=10)  # type: ignore[call-arg]


def test_in_production_the_webhook_is_https_and_signed() -> None:
    production = {"environment": "production", "secret_key": "s" * 40,
                  "cipher_key": "MDEyMzQ1Njc4OWFiY2RlZg==", "redis_url": "redis://r:6379/0",
                  "key_encryption_key": "d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3c="}
    with pytest.raises(ValidationError, match="https and signed"):
        Settings(**production, reminder_webhook_url="http://sms.example.cn/send",  # type: ignore[arg-type]
                 reminder_webhook_allowed_hosts="sms.example.cn")
