"""Settings from the environment (``AIXIN_*``), validated at start."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.programme import Programme
from domain.volunteers.form import ReviewLevel

CommaList = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    """Everything Aixin reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="AIXIN_", extra="ignore", env_ignore_empty=True)

    environment: Literal["development", "test", "production"] = "development"
    store: Literal["sqlite", "postgres"] = "sqlite"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    postgres_password: SecretStr = SecretStr("")
    postgres_dbname: str = "aixin"
    postgres_schema: str = ""
    postgres_pool_size: int = Field(default=5, ge=1)

    aggregate_cache_size: int = Field(default=1000, ge=0)  # 0: no cache
    projections_in_process: bool | None = None  # default: yes on SQLite, no on PostgreSQL
    projections_poll_interval: float = Field(default=0.5, gt=0)
    projections_batch_size: int = Field(default=500, ge=1)

    redis_url: str | None = None  # the Celery broker and result backend in production
    redis_key_prefix: str = ""  # several deployments (or test runs) on one Redis
    worker_concurrency: int = Field(default=2, ge=1)
    reminder_scan_hour: int = Field(default=6, ge=0, le=23)  # the daily scan, programme time
    report_regions: CommaList = ()  # division-code prefixes reported at each quarter's turn
    cipher_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    admin_password: SecretStr | None = None

    timezone: str = "Asia/Shanghai"
    duty_sets: CommaList = ("five_ones",)
    approval_levels: CommaList = tuple(level.value for level in ReviewLevel)
    extra_contact_kinds: CommaList = ()

    @field_validator("duty_sets", "approval_levels", "extra_contact_kinds", "report_regions",
                     mode="before")
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
            if not self.redis_url:
                raise ValueError("AIXIN_REDIS_URL must be set in production: the workers' "
                                 "broker is Redis")
        self.programme()  # unknown duty sets or levels fail at start
        return self

    def programme(self) -> Programme:
        return Programme(
            approval_levels=tuple(ReviewLevel(level) for level in self.approval_levels),
            duty_sets=self.duty_sets, extra_contact_kinds=self.extra_contact_kinds,
            timezone=self.timezone)

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
