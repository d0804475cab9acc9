"""Small helpers that create data through the same paths the product uses."""

import os
import secrets
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aiosqlite
import httpx
import pytest
from fastapi import FastAPI

from casedesk.auth.passwords import password_helper
from casedesk.auth.tokens import hash_token
from casedesk.models import AccessToken, Base, User
from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.service import WorkspaceService

KEV_CATALOG = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "cisa-kev"
    / "known_exploited_vulnerabilities.json"
)
# CI sets this: a missing catalog fails the tests that need it, not skips them.
REQUIRE_DATA = os.environ.get("CASEDESK_TEST_REQUIRE_DATA") == "1"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct-horse-battery"


@dataclass
class Principal:
    """A signed-in user: their client, id and default workspace."""

    client: httpx.AsyncClient
    user_id: uuid.UUID
    email: str
    workspace_id: uuid.UUID | None


def kev_catalog() -> Path:
    """The real KEV catalog, from the `shared/` folder beside the repository.

    Without it, the calling test (or module, at import) is skipped, saying
    why; with CASEDESK_TEST_REQUIRE_DATA=1 it fails instead.
    """
    if not KEV_CATALOG.exists():
        reason = f"The KEV catalog is not at {KEV_CATALOG}"
        if REQUIRE_DATA:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return KEV_CATALOG


def case_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /cases` body."""
    body: dict[str, Any] = {
        "summary": "Suspicious PowerShell on WS-0042",
        "description": "EDR flagged an encoded command line.",
        "status": "new",
        "priority": "medium",
        "severity": "high",
    }
    body.update(overrides)
    return body


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> Principal:
    """Sign in through `POST /auth/login` and return the principal."""
    response = await client.post(
        "/auth/login", data={"username": email, "password": password}
    )
    assert response.status_code == 204, response.text

    me = (await client.get("/users/me")).json()
    workspaces = (await client.get("/workspaces")).json()
    workspace_id = uuid.UUID(workspaces[0]["id"]) if workspaces else None
    return Principal(
        client=client,
        user_id=uuid.UUID(me["id"]),
        email=email,
        workspace_id=workspace_id,
    )


@cache
def hashed_password(password: str) -> str:
    """An argon2 hash of `password`, computed once per test session."""
    return password_helper.hash(password)


async def open_session(
    app: FastAPI,
    client: httpx.AsyncClient,
    user_id: uuid.UUID,
    *,
    workspace_id: uuid.UUID | None = None,
) -> Principal:
    """Give `client` a live session for the user without a password check.

    Sign-in itself is tested through `POST /auth/login`; other tests skip the
    deliberately slow password hash. The principal's workspace is
    `workspace_id`, or else the first the API lists for the user.
    """
    token = secrets.token_urlsafe(32)
    async with app.state.sessionmaker() as session:
        session.add(AccessToken(token=hash_token(token), user_id=user_id))
        user = await session.get(User, user_id)
        await session.commit()
    assert user is not None
    client.cookies.set("fastapiusersauth", token)

    if workspace_id is None:
        workspaces = (await client.get("/workspaces")).json()
        workspace_id = uuid.UUID(workspaces[0]["id"]) if workspaces else None
    return Principal(
        client=client, user_id=user_id, email=user.email, workspace_id=workspace_id
    )


async def create_user(
    app: FastAPI,
    email: str,
    password: str = "another-long-password",
    *,
    workspace_id: uuid.UUID | None = None,
    role: WorkspaceRole = WorkspaceRole.EDITOR,
    superuser: bool = False,
) -> uuid.UUID:
    """Insert a user, optionally a member of a workspace."""
    async with app.state.sessionmaker() as session:
        user = User(
            email=email,
            hashed_password=hashed_password(password),
            is_active=True,
            is_superuser=superuser,
            is_verified=True,
            settings={},
        )
        session.add(user)
        await session.flush()
        if workspace_id is not None:
            await WorkspaceService(session).add_member(workspace_id, user.id, role)
        await session.commit()
        return user.id


async def create_workspace(
    app: FastAPI, name: str, *, owner_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Insert a workspace, optionally with an admin member."""
    async with app.state.sessionmaker() as session:
        workspace = await WorkspaceService(session).create(name=name, owner_id=owner_id)
        await session.commit()
        return workspace.id


async def create_cases(
    client: httpx.AsyncClient, count: int, **overrides: Any
) -> list[dict[str, Any]]:
    """Create `count` cases one after another; return their bodies."""
    created = []
    for index in range(count):
        response = await client.post(
            "/cases", json=case_body(summary=f"Case number {index}", **overrides)
        )
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


async def empty_database(app: FastAPI) -> None:
    """Empty every table."""
    # DELETE, children first, on both databases: on PostgreSQL a TRUNCATE of
    # every table costs ~100 ms against ~5 ms for deleting a test's few rows.
    # One script, one round trip: each test starts with this.
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    deletes = "".join(f'DELETE FROM "{name}";' for name in tables)
    async with app.state.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        if isinstance(driver, aiosqlite.Connection):
            await driver.executescript(f"BEGIN;{deletes}COMMIT;")
        else:
            # asyncpg runs a script without arguments as one transaction.
            await driver.execute(deletes)
