"""Structured logs: one JSON object a line, carrying ids and never personal data.

Each line has ``time``, ``level``, ``logger``, ``message`` and the ``event`` name, plus the
ids a call passes in ``extra`` (``log.info("login refused", extra={"event": "login_failed",
"user_id": ...})``). Messages are written to name records by id only; as a second line of
defence, anything shaped like a mainland mobile number (11 digits from 1) or a resident ID
number (18 characters) is masked in every line, whoever wrote it.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

#: A mobile phone (手机号) or a resident ID number (身份证号) not inside a longer number or
#: word (Chinese text may touch it: "电话13900000003").
_PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])"
                              r"(?![0-9A-Za-z])")
#: What every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", "color_message"}


def redact(text: str) -> str:
    """Mask phone numbers and ID numbers in a line of log text."""
    return _PERSONAL_NUMBER.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: the standard fields, ``event``, and the extra ids."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "event": getattr(record, "event", None) or record.name.rsplit(".", 1)[-1],
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, ensure_ascii=False))


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` (also uvicorn's ``log_config``): every logger,
    uvicorn's access and error logs included, writes JSON lines to standard error."""
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {name: {"handlers": [], "level": level, "propagate": True}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure_logging(level: str = "INFO") -> None:
    """Send every log line of this process to standard error as JSON (the commands call it)."""
    import logging.config

    logging.config.dictConfig(logging_config(level))
