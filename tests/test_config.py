"""Settings read from the environment."""

import stat
from pathlib import Path

from casedesk.config import SECRET_FILE_NAME, Settings


def test_secret_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).secret_value()

    second = Settings(data_dir=tmp_path).secret_value()

    assert first == second
    assert len(first) >= 48
    mode = (tmp_path / SECRET_FILE_NAME).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)

    assert settings.resolved_database_url == (
        f"sqlite+aiosqlite:///{tmp_path / 'casedesk.db'}"
    )
    assert settings.is_sqlite


def test_plain_postgresql_url_gets_the_async_driver() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1/test")

    assert settings.resolved_database_url == (
        "postgresql+asyncpg://postgres@127.0.0.1/test"
    )
    assert not settings.is_sqlite


def test_cookie_is_secure_only_behind_https() -> None:
    assert Settings(public_url="https://cases.example.com").cookie_secure
    assert not Settings(public_url="http://127.0.0.1:8000").cookie_secure
