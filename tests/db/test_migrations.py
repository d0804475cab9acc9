"""The migrations build exactly the schema the models describe."""

import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import Connection, text

from casedesk.db.migrate import upgrade_to_head
from casedesk.db.unmodeled import include_object
from casedesk.models import Base


async def test_migrated_schema_matches_the_models(app: FastAPI) -> None:
    def differences(connection: Connection) -> list[object]:
        # The text search objects are SQL the models cannot describe.
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_object},
        )
        return list(compare_metadata(context, Base.metadata))

    async with app.state.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(
    app: FastAPI, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("SQLite pragmas")

    async with app.state.engine.connect() as connection:
        journal = await connection.scalar(text("PRAGMA journal_mode"))
        foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))

    assert (journal, foreign_keys) == ("wal", 1)


def test_embedded_database_file_is_private(tmp_path: Path) -> None:
    database = tmp_path / "casedesk.db"

    upgrade_to_head(f"sqlite+aiosqlite:///{database}")

    assert stat.S_IMODE(database.stat().st_mode) == 0o600
