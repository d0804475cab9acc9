"""Apply and inspect Alembic migrations programmatically."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from casedesk.db.engine import create_engine


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "casedesk:migrations")
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the database schema up to the latest migration."""
    command.upgrade(alembic_config(database_url), "head")
    _restrict_sqlite_file(database_url)


def _restrict_sqlite_file(database_url: str) -> None:
    """Make the embedded database readable by its owner only.

    It holds password hashes and every case; SQLite gives its -wal and -shm
    files the same permissions as the database file.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return
    path = Path(url.database)
    if path.exists():
        path.chmod(0o600)


async def pending_migrations(database_url: str) -> bool:
    """Whether the database is behind the latest migration."""
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()

    def current_revision(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            revision = await connection.run_sync(current_revision)
    finally:
        await engine.dispose()
    return revision != head
