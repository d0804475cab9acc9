"""Alembic environment: runs migrations on the configured async engine."""

import asyncio

from alembic import context
from sqlalchemy import Connection

from casedesk.config import get_settings
from casedesk.db.engine import create_engine
from casedesk.db.unmodeled import include_object
from casedesk.models import Base

target_metadata = Base.metadata


def _database_url() -> str:
    url = context.config.attributes.get("database_url")
    return url or get_settings().resolved_database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("casedesk migrations run against a live database only")
asyncio.run(_run_online())
