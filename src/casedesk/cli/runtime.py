"""Database access for CLI commands, outside any request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.config import Settings
from casedesk.db.engine import create_engine
from casedesk.db.session import make_sessionmaker


@asynccontextmanager
async def cli_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on a short-lived engine, disposed of afterwards."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()
