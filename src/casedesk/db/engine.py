"""Engine construction for SQLite (embedded) and PostgreSQL (teams)."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Build the async engine with the settings each database needs."""
    if url.startswith("sqlite"):
        return _create_sqlite_engine(url)

    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def _create_sqlite_engine(url: str) -> AsyncEngine:
    # SQLite has one writer. Funnelling every transaction through a single
    # connection serialises writers inside this process instead of letting
    # them fight over the file lock, which turns into multi-second stalls.
    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module so that
        # BEGIN, SAVEPOINT and transactional DDL behave as written.
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: another process (the CLI
        # importer beside a running server) then waits on busy_timeout
        # instead of failing when a read transaction tries to upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
