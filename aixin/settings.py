"""Settings from the environment (``AIXIN_*``), validated at start.

Secrets never leave here in clear: they are ``SecretStr`` (shown as ``**********``), the
errors of a refused setting do not repeat its value (a malformed key, a short signing key),
and :meth:`Settings.shown` masks the passwords and tokens inside URLs as well.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.duties import STANDARD_CONTACT_KINDS, adopt_duty_sets, load_duty_set
from domain.programme import Programme
from domain.reminders import ESCALATION_DAYS
from domain.volunteers.form import ReviewLevel

CommaList = Annotated[tuple[str, ...], NoDecode]

#: The shortest password accepted in production: the first administrator's
#: (``AIXIN_ADMIN_PASSWORD``), a new account's and a changed one.
PRODUCTION_PASSWORD_MIN_LENGTH = 12
#: Elsewhere (development, tests, the demo county on one's own machine): what ``POST /users``
#: has always asked for.
PASSWORD_MIN_LENGTH = 8
#: Settings whose values are URLs that may carry a password or a token.
_URLS = ("redis_url", "reminder_webhook_url")
_MASK = "**********"
#: Variables Aixin no longer reads, and where what they said is kept now.
RETIRED = {
    "AIXIN_SCHOOL_ENROLMENT": "schools' pupils (在校学生数) are dated facts recorded in the "
    "register (POST /api/v1/schools/enrolment, the console's 学校在校生人数 page)",
}
_told: set[str] = set()
log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Everything Aixin reads from its environment."""

    # hide_input_in_errors: a refused value is not repeated in the error (it may be a key).
    model_config = SettingsConfigDict(env_prefix="AIXIN_", extra="ignore", env_ignore_empty=True,
                                      hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = "development"
    store: Literal["sqlite", "postgres"] = "sqlite"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    web_workers: int = Field(default=1, ge=1, le=64)  # API processes (PostgreSQL only)

    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    postgres_password: SecretStr = SecretStr("")
    postgres_dbname: str = "aixin"
    postgres_schema: str = ""
    #: Appends of one process's requests committed together, at most this many in one
    #: transaction (group commit, PostgreSQL); 0 or 1: each in a transaction of its own.
    group_commit_max: int = Field(default=32, ge=0, le=1000)
    #: Milliseconds the first append of a group waits for others (0: a group is what arrived
    #: while the process's previous group was committed).
    group_commit_window_ms: float = Field(default=0.0, ge=0, le=20)
    postgres_pool_size: int = Field(default=5, ge=1)  # connections per process, all its
    # stores together (at least 2), plus the projector's listening one
    #: Connections kept free beyond the deployment's processes and one ``aixin`` command run
    #: by hand: psql sessions, a migration, a monitoring agent (``aixin.connections``).
    postgres_reserve: int = Field(default=3, ge=0, le=1000)
    serve_instances: int = Field(default=1, ge=1, le=1000)  # `aixin serve` commands of the
    # deployment on all its machines, each with AIXIN_WEB_WORKERS API processes
    worker_instances: int = Field(default=1, ge=1, le=1000)  # `aixin worker` commands of the
    # deployment (an `aixin serve` without Redis runs one), each AIXIN_WORKER_CONCURRENCY

    aggregate_cache_size: int = Field(default=1000, ge=0)  # 0: no cache
    projections_in_process: bool | None = None  # default: yes on SQLite, no on PostgreSQL
    projections_poll_interval: float = Field(default=0.5, gt=0)
    #: Seconds a notified projector waits for more writes before a pass (PostgreSQL).
    projections_gather: float = Field(default=0.1, ge=0, le=5)
    projections_batch_size: int = Field(default=500, ge=1)
    #: Events per transaction while a view is rebuilt from zero: a batch touches each pairing
    #: once whatever its size, so larger batches change each pairing's rows fewer times.
    projections_rebuild_batch_size: int = Field(default=10_000, ge=1)

    redis_url: str | None = None  # the Celery broker and result backend in production
    redis_key_prefix: str = ""  # several deployments (or test runs) on one Redis
    worker_concurrency: int = Field(default=2, ge=1)
    report_regions: CommaList = ()  # division-code prefixes reported at each quarter's turn
    report_townships_per_task: int = Field(default=25, ge=1)  # a report's fan-out: one task
    # per this many townships (乡镇) at least; a region with no more computes in one task
    report_parts: int = Field(default=16, ge=1, le=1000)  # a report's fan-out: at most this
    # many tasks, small enough that the worker processes share them evenly (four or more a
    # process consuming the reports queue)
    report_lease: float = Field(default=180.0, ge=1, le=3600)  # seconds an attempt at a
    # report holds it without a sign of life: its tasks renew it every third of that while
    # they run; a silent one (its worker killed) is taken over, swept every half of that
    import_upload_ttl: float = Field(default=3600.0, ge=60, le=7 * 24 * 3600)  # seconds a
    # dry run's spreadsheet (names, ID numbers, phones) is kept for its 正式导入; then, and
    # any upload left behind, it is deleted by the sweep (aixin.imports.sweep)

    # -- reminders (履职提醒): the scan, escalation, delivery (workers/reminders) -------------
    reminder_scan_hour: int = Field(default=6, ge=0, le=23)  # the daily scan, programme time
    reminder_scan_interval: float | None = Field(default=None, gt=0)  # seconds: scan this often
    # instead of daily (development and tests); every scan is idempotent
    reminder_due_soon_days: int = Field(default=7, ge=0, le=366)  # remind this many days ahead
    reminder_escalation_days: int = Field(default=ESCALATION_DAYS, ge=0)  # overdue: flag it up
    reminder_delivery_attempts: int = Field(default=5, ge=1, le=50)  # per volunteer and channel
    reminder_retry_backoff: float = Field(default=30.0, gt=0)  # seconds before the 1st retry,
    reminder_retry_backoff_max: float = Field(default=600.0, gt=0)  # doubling up to this
    reminder_delivery_lease: float = Field(default=900.0, gt=0)  # seconds an attempt may take
    # before another worker presumes its worker dead and tries again
    smtp_host: str | None = None  # the e-mail channel is on when set
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "aixin@localhost"
    smtp_starttls: bool = False  # STARTTLS on the plain port (587, 25)
    smtp_tls: bool = False  # TLS from the first byte (SMTPS, 465)
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=10.0, gt=0)
    reminder_webhook_url: str | None = None  # the SMS / mini-program webhook is on when set
    reminder_webhook_secret: SecretStr | None = None  # HMAC-SHA256 key signing each request
    reminder_webhook_allowed_hosts: CommaList = ()  # the only hosts a webhook may go to
    reminder_webhook_timeout: float = Field(default=10.0, gt=0)
    cipher_key: SecretStr | None = None
    #: Wraps the data key of each child and volunteer (envelope encryption of personal
    #: fields, storage/privacy); base64 of 32 bytes. Development and tests fall back to a fixed,
    #: publicly known key (and say so); production refuses to start without one.
    key_encryption_key: SecretStr | None = None
    data_key_cache_seconds: float = Field(default=2.0, ge=0, le=60)  # how long a process
    # keeps unwrapped data keys: another process's erasure is followed within this time
    secret_key: SecretStr | None = None
    admin_password: SecretStr | None = None
    #: The cost of new password hashes (argon2id): the library's recommended parameters, or
    #: the cheapest the algorithm allows, for test runs that create many accounts (production
    #: refuses it). A hash is checked with the parameters it carries, whichever is set.
    password_hashing: Literal["standard", "cheapest"] = "standard"
    # -- login throttling and write limits (登录限流, OWASP API2/API4): storage/throttle.py -------
    login_max_failures: int = Field(default=5, ge=1, le=1000)  # wrong passwords per username
    login_max_failures_per_address: int = Field(default=50, ge=1)  # ... per client address
    login_window: float = Field(default=900.0, gt=0, le=86400)  # seconds a failure counts
    #: Writes per minute per account and API process (0: none). The default is far above
    #: what a person or a phone sending its queue does, and bounds a client gone wrong.
    write_rate_limit: int = Field(default=600, ge=0)

    timezone: str = "Asia/Shanghai"
    #: The duty rule sets in force: names of the shipped sets (five_ones, two_visits, three_ones,
    #: school) and paths of the programme's own set files (ending .toml), read at start.
    duty_sets: CommaList = ("five_ones",)
    approval_levels: CommaList = tuple(level.value for level in ReviewLevel)
    extra_contact_kinds: CommaList = ()
    break_glass_minutes: int = Field(default=60, ge=1, le=24 * 60)  # a break-glass grant's life

    @field_validator("duty_sets", "approval_levels", "extra_contact_kinds", "report_regions",
                     "reminder_webhook_allowed_hosts", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @field_validator("cipher_key")
    @classmethod
    def _cipher_key_is_aes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except binascii.Error:
            raise ValueError("AIXIN_CIPHER_KEY must be base64 (`aixin new-cipher-key`)") from None
        if len(raw) not in (16, 24, 32):
            raise ValueError("AIXIN_CIPHER_KEY must decode to 16, 24 or 32 bytes (AES)")
        return value

    @field_validator("key_encryption_key")
    @classmethod
    def _kek_is_aes_256(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except binascii.Error:
            raise ValueError("AIXIN_KEY_ENCRYPTION_KEY must be base64 "
                             "(`aixin new-cipher-key`)") from None
        if len(raw) != 32:
            raise ValueError("AIXIN_KEY_ENCRYPTION_KEY must decode to 32 bytes (AES-256)")
        return value

    @model_validator(mode="after")
    def _retired_are_ignored(self) -> Settings:
        """A variable Aixin no longer reads is ignored, and the log says so once."""
        for name, instead in RETIRED.items():
            if os.environ.get(name) and name not in _told:
                _told.add(name)
                log.warning("%s is set but ignored: %s", name, instead)
        return self

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.environment == "production":
            secret = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(secret) < 32 or secret in {"change-me", "secret", "changeme"}:
                raise ValueError("AIXIN_SECRET_KEY must be set to a random value of at least "
                                 "32 characters in production")
            if self.cipher_key is None:
                raise ValueError("AIXIN_CIPHER_KEY must be set in production: children's "
                                 "records are encrypted at rest")
            if self.key_encryption_key is None:
                raise ValueError("AIXIN_KEY_ENCRYPTION_KEY must be set in production: it "
                                 "wraps the data key of each child and volunteer")
            if not self.redis_url:
                raise ValueError("AIXIN_REDIS_URL must be set in production: the workers' "
                                 "broker is Redis")
            if self.smtp_host and not (self.smtp_starttls or self.smtp_tls):
                raise ValueError("in production e-mail goes over TLS (reminders name "
                                 "children): set AIXIN_SMTP_STARTTLS or AIXIN_SMTP_TLS")
            if self.password_hashing != "standard":
                raise ValueError("AIXIN_PASSWORD_HASHING must be standard in production: "
                                 "the cheapest hashes are for test runs only")
        if self.admin_password is not None and \
                len(self.admin_password.get_secret_value()) < self.password_min_length:
            raise ValueError(f"AIXIN_ADMIN_PASSWORD must have at least "
                             f"{self.password_min_length} characters"
                             + (" in production" if self.environment == "production" else ""))
        if self.smtp_starttls and self.smtp_tls:
            raise ValueError("AIXIN_SMTP_STARTTLS and AIXIN_SMTP_TLS exclude each other: "
                             "STARTTLS upgrades a plain connection, TLS starts encrypted")
        if self.web_workers > 1:
            if self.store != "postgres":
                raise ValueError("AIXIN_WEB_WORKERS above 1 needs AIXIN_STORE=postgres: the "
                                 "embedded SQLite store is served by one process")
            if self.secret_key is None:
                raise ValueError("AIXIN_WEB_WORKERS above 1 needs AIXIN_SECRET_KEY: every "
                                 "process must sign and check tokens with the same key")
        self.programme()  # unknown duty sets or levels fail at start
        self._check_reminder_delivery()
        return self

    def _check_reminder_delivery(self) -> None:
        """A webhook goes only to an allowed host (no SSRF), no retry waits long enough to
        outlive the broker's visibility timeout, and a claimed delivery attempt outlives the
        longest a send may take."""
        if self.reminder_webhook_url:
            url = urlsplit(self.reminder_webhook_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise ValueError("AIXIN_REMINDER_WEBHOOK_URL must be an http(s) URL")
            if url.hostname.lower() not in self.webhook_hosts:
                raise ValueError("AIXIN_REMINDER_WEBHOOK_URL's host must be listed in "
                                 "AIXIN_REMINDER_WEBHOOK_ALLOWED_HOSTS")
            if self.environment == "production" and (
                    url.scheme != "https" or self.reminder_webhook_secret is None):
                raise ValueError("in production the reminder webhook is https and signed "
                                 "(AIXIN_REMINDER_WEBHOOK_SECRET)")
        if self.reminder_retry_backoff_max > 1800:
            raise ValueError("AIXIN_REMINDER_RETRY_BACKOFF_MAX must be at most 1800 seconds: a "
                             "retry parked longer could outlive the broker's visibility timeout "
                             "(3600 s) and be handed to a second worker")
        slowest = max(self.smtp_timeout, self.reminder_webhook_timeout)
        if self.reminder_delivery_lease < 2 * slowest:
            raise ValueError("AIXIN_REMINDER_DELIVERY_LEASE must be at least twice the longest "
                             "channel timeout")

    @property
    def password_min_length(self) -> int:
        """The shortest password an account may have here."""
        if self.environment == "production":
            return PRODUCTION_PASSWORD_MIN_LENGTH
        return PASSWORD_MIN_LENGTH

    def shown(self) -> dict[str, Any]:
        """The settings as they may be shown (``aixin settings``): secrets masked, and the
        password and query values of any URL."""
        shown = self.model_dump()
        for name, value in shown.items():
            if isinstance(value, SecretStr):
                shown[name] = _MASK if value.get_secret_value() else ""
        for name in _URLS:
            if shown[name]:
                shown[name] = masked_url(shown[name])
        return shown

    @property
    def webhook_hosts(self) -> frozenset[str]:
        return frozenset(host.lower() for host in self.reminder_webhook_allowed_hosts)

    def programme(self) -> Programme:
        """The programme these settings describe. Its own duty set files are read and
        checked here, and their sets made known to this process by name (the views judge
        each pairing by the names of its sets)."""
        kinds = (*STANDARD_CONTACT_KINDS, *self.extra_contact_kinds)
        files = {entry: load_duty_set(entry, kinds) for entry in self.duty_sets
                 if entry.endswith(".toml")}
        own = tuple(files.values())
        programme = Programme(
            approval_levels=tuple(ReviewLevel(level) for level in self.approval_levels),
            duty_sets=tuple(files[entry].name if entry in files else entry
                            for entry in self.duty_sets),
            extra_contact_kinds=self.extra_contact_kinds, timezone=self.timezone,
            break_glass_minutes=self.break_glass_minutes, own_duty_sets=own)
        adopt_duty_sets(own)
        return programme

    @property
    def kek(self) -> bytes:
        """The key-encryption key: the configured one, or (not in production) the fixed
        development key, which anyone can read here and protects nothing."""
        if self.key_encryption_key is not None:
            return base64.b64decode(self.key_encryption_key.get_secret_value())
        if self.environment == "production":
            raise ValueError("AIXIN_KEY_ENCRYPTION_KEY must be set in production")
        return hashlib.sha256(b"aixin development key-encryption key: not a secret").digest()

    @property
    def national_id_key(self) -> bytes:
        """The key of the national ID numbers' blind index (身份证号码盲索引, HMAC-SHA256):
        derived from the key-encryption key, so it is as secret as it is, and production
        refuses to start without one (:attr:`kek`). Changing the key-encryption key changes
        the index: run ``aixin claim-national-ids`` after, to claim the numbers anew."""
        return hmac.digest(self.kek, b"aixin national ID blind index", "sha256")

    @property
    def follows_in_process(self) -> bool:
        """Whether the service itself keeps the projections (always on SQLite)."""
        if self.projections_in_process is None:
            return self.store == "sqlite"
        return self.projections_in_process

    @property
    def broker_url(self) -> str:
        """Redis when configured; otherwise kombu's file-system transport under the data
        folder, which needs no server (the embedded default)."""
        return self.redis_url or "filesystem://"

    @property
    def broker_folder(self) -> Path:
        return self.data_dir / "broker"

    @property
    def result_backend(self) -> str:
        if self.redis_url:
            return self.redis_url
        return f"file://{(self.data_dir / 'results').resolve()}"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "aixin.sqlite3"

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for the chosen store."""
        env: dict[str, str] = {}
        if self.store == "postgres":
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_HOST=self.postgres_host, POSTGRES_PORT=str(self.postgres_port),
                POSTGRES_USER=self.postgres_user,
                POSTGRES_PASSWORD=self.postgres_password.get_secret_value(),
                POSTGRES_DBNAME=self.postgres_dbname,
                POSTGRES_POOL_SIZE=str(self.postgres_pool_size),
                CREATE_TABLE="y",
            )
            if self.postgres_schema:
                env["POSTGRES_SCHEMA"] = self.postgres_schema
        else:
            env.update(PERSISTENCE_MODULE="eventsourcing.sqlite",
                       SQLITE_DBNAME=str(self.sqlite_path), CREATE_TABLE="y")
        if self.aggregate_cache_size:
            # Recently used aggregates stay in memory and are brought up to date from the
            # log (fast-forward) on each read, so other processes' writes are always seen.
            env.update(AGGREGATE_CACHE_MAXSIZE=str(self.aggregate_cache_size),
                       AGGREGATE_CACHE_FASTFORWARD="y", DEEPCOPY_FROM_AGGREGATE_CACHE="y")
        if self.cipher_key is not None:
            env.update(CIPHER_TOPIC="eventsourcing.cipher:AESCipher",
                       CIPHER_KEY=self.cipher_key.get_secret_value())
        return env


def masked_url(url: str) -> str:
    """``url`` with its password and the values of its query masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{_MASK}@{host}"
    query = urlencode([(key, _MASK) for key, _ in parse_qsl(parts.query,
                                                            keep_blank_values=True)],
                      safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
