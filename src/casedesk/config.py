"""Runtime configuration: one settings object, read from `CASEDESK_*` variables."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "casedesk-secret.key"


class Settings(BaseSettings):
    """Every knob casedesk reads from its environment, validated at startup."""

    model_config = SettingsConfigDict(env_prefix="CASEDESK_", extra="ignore")

    data_dir: Path = Field(
        default=Path("."),
        description="Where the embedded database and the generated secret live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; unset means a SQLite file in data_dir.",
    )
    secret: SecretStr | None = Field(
        default=None,
        description="Signs pagination cursors; generated into data_dir when unset.",
    )
    admin_email: str = "admin@example.com"
    admin_password: SecretStr | None = None
    public_url: str = "http://127.0.0.1:8000"
    session_lifetime_seconds: int = 7 * 24 * 3600
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    db_pool_size: int = Field(default=10, gt=0)
    rate_limit_storage_url: str = Field(
        default="memory://",
        description=(
            "Where sign-in attempts are counted: `memory://` (one process) or "
            "`redis://host:port/db`, shared by every process."
        ),
    )
    login_limits_per_account: str = Field(
        default="5/minute;20/hour",
        description="Failed sign-ins allowed per email address; `;` separated.",
    )
    login_limits_per_client: str = Field(
        default="30/minute",
        description="Failed sign-ins allowed per client address; `;` separated.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token that `GET /metrics` requires; unset or blank "
            "disables the route (404)."
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _require_async_driver(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        return value

    @field_validator("metrics_token")
    @classmethod
    def _blank_token_disables(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty token would let `Authorization: Bearer ` through.
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @field_validator("login_limits_per_account", "login_limits_per_client")
    @classmethod
    def _parse_rate_limits(cls, value: str) -> str:
        parse_many(value)
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'casedesk.db'}"

    @property
    def is_sqlite(self) -> bool:
        """True when running on the embedded SQLite database."""
        return self.resolved_database_url.startswith("sqlite")

    @property
    def cookie_secure(self) -> bool:
        """Mark the session cookie Secure when casedesk is served over HTTPS."""
        return self.public_url.startswith("https://")

    def secret_value(self) -> str:
        """The signing secret, read from or generated into data_dir when unset."""
        if self.secret is not None:
            return self.secret.get_secret_value()

        path = self.data_dir / SECRET_FILE_NAME
        if not path.exists():
            _write_new_secret(path)
        value = path.read_text().strip()
        self.secret = SecretStr(value)
        return value


def _write_new_secret(path: Path) -> None:
    """Create the secret file atomically; a concurrent creator's file wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(staging, path)
    except FileExistsError:
        pass
    finally:
        staging.unlink()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
