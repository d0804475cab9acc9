"""Test fixtures: every API test runs on SQLite and on PostgreSQL."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from casedesk.app import create_app
from casedesk.auth.bootstrap import DEFAULT_WORKSPACE_NAME
from casedesk.config import Settings
from casedesk.db.migrate import upgrade_to_head
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Principal,
    create_user,
    create_workspace,
    empty_database,
    open_session,
)
from tests.log_config import use_test_logging

POSTGRES_URL = os.environ.get(
    "CASEDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("CASEDESK_TEST_REQUIRE_POSTGRES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    """Logged exceptions print plain tracebacks, as they do when served."""
    use_test_logging()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run `postgres_only` tests on the PostgreSQL backend alone."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec else None
        if item.get_closest_marker("postgres_only") and backend == "sqlite":
            item.add_marker(pytest.mark.skip(reason="PostgreSQL-only behaviour"))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A freshly migrated database of each kind, for the whole session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "casedesk.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return

    admin_dsn = _asyncpg_dsn(POSTGRES_URL)
    try:
        admin = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        reason = f"PostgreSQL not reachable at {admin_dsn}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)

    name = f"casedesk_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    """The application wired to the session's database."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=database_url,
        secret=SecretStr("test-secret-not-for-production"),
        admin_email=ADMIN_EMAIL,
        admin_password=SecretStr(ADMIN_PASSWORD),
    )
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    """Whether this test runs on PostgreSQL."""
    return database_url.startswith("postgresql")


@pytest.fixture
async def clean_database(app: FastAPI) -> None:
    """Empty every table before the test."""
    await empty_database(app)


@pytest.fixture
async def anonymous(
    app: FastAPI, clean_database: None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials."""
    async with _client(app) as client:
        yield client


@pytest.fixture
async def admin(app: FastAPI, clean_database: None) -> AsyncIterator[Principal]:
    """The first admin, signed in, with the default workspace."""
    admin_id = await create_user(app, ADMIN_EMAIL, ADMIN_PASSWORD, superuser=True)
    workspace_id = await create_workspace(
        app, DEFAULT_WORKSPACE_NAME, owner_id=admin_id
    )

    async with _client(app) as client:
        yield await open_session(app, client, admin_id, workspace_id=workspace_id)


@pytest.fixture
def client(admin: Principal) -> httpx.AsyncClient:
    """The admin's signed-in client."""
    return admin.client


def new_client(app: FastAPI) -> httpx.AsyncClient:
    """A fresh client on the app (for tests signing in other users)."""
    return _client(app)


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)
