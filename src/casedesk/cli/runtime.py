"""What every CLI command shares: database access and failing cleanly."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.config import Settings
from casedesk.db.engine import create_engine
from casedesk.db.migrate import pending_migrations
from casedesk.db.session import make_sessionmaker

# Messages carry paths, URLs and record text, never markup. Soft wrap keeps a
# long line (a URL, a generated password) whole in a pipe or a log file
# instead of cutting it at 80 columns.
console = Console(soft_wrap=True, markup=False)
errors = Console(stderr=True, soft_wrap=True, markup=False)


@asynccontextmanager
async def cli_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on a short-lived engine, disposed of afterwards."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


def require_current_schema(settings: Settings) -> None:
    """Stop unless the database is reachable and fully migrated."""
    database = make_url(settings.resolved_database_url).database
    if settings.is_sqlite and database and not Path(database).exists():
        # Connecting would create an empty file (or fail on a missing folder).
        fail(f"No database at {database}. Run `casedesk migrate` first.")

    try:
        pending = asyncio.run(pending_migrations(settings.resolved_database_url))
    except (SQLAlchemyError, OSError) as error:
        reason = getattr(error, "orig", None) or error
        fail(f"Cannot open the database {safe_url(settings)}: {reason}")
    if pending:
        fail("The database schema is not current. Run `casedesk migrate` first.")


def safe_url(settings: Settings) -> str:
    """The database URL without its password."""
    return make_url(settings.resolved_database_url).render_as_string(hide_password=True)


def fail(message: str) -> NoReturn:
    """Print `casedesk: message` to stderr and exit with status 1."""
    errors.print(f"casedesk: {message}")
    raise typer.Exit(code=1)
