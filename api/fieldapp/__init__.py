"""The field app (`/app`): the caring mothers' and teachers' own screen, on a phone, offline."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the field app at ``/app``."""
