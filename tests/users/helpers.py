"""Shared helpers of the account tests."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.auth.api_keys import issue_key
from casedesk.auth.passwords import password_helper
from casedesk.models import AccessToken, ApiKey, Membership, ServiceAccount, User
from casedesk.workspaces.roles import SERVICE_ACCOUNT_SCOPES, WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, create_user, open_session

MEMBER_EMAIL = "analyst@example.com"
MEMBER_PASSWORD = "another-long-password"
NEW_PASSWORD = "a-brand-new-passphrase"


async def add_member(
    app: FastAPI,
    admin: Principal,
    email: str = MEMBER_EMAIL,
    *,
    superuser: bool = False,
    role: WorkspaceRole = WorkspaceRole.EDITOR,
) -> uuid.UUID:
    """A user in the admin's workspace."""
    return await create_user(
        app,
        email,
        MEMBER_PASSWORD,
        workspace_id=admin.workspace_id,
        role=role,
        superuser=superuser,
    )


@asynccontextmanager
async def signed_in(app: FastAPI, user_id: uuid.UUID) -> AsyncIterator[Principal]:
    """The user, signed in on a client of their own."""
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


async def api_key_client(app: FastAPI, workspace_id: uuid.UUID) -> httpx.AsyncClient:
    """A client holding a valid key with every case scope."""
    issued = issue_key()
    async with app.state.sessionmaker() as session:
        account = ServiceAccount(
            workspace_id=workspace_id,
            name="automation",
            scopes=sorted(SERVICE_ACCOUNT_SCOPES),
            is_active=True,
        )
        session.add(account)
        await session.flush()
        session.add(
            ApiKey(
                service_account_id=account.id,
                workspace_id=workspace_id,
                key_id=issued.key_id,
                secret_hash=issued.secret_hash,
                name="ci",
            )
        )
        await session.commit()

    client = new_client(app)
    client.headers["Authorization"] = f"Bearer {issued.token}"
    return client


async def stored_user(app: FastAPI, user_id: uuid.UUID) -> User | None:
    """The user's row as committed."""
    async with app.state.sessionmaker() as session:
        return await session.get(User, user_id)


async def stored_users(app: FastAPI) -> list[User]:
    """Every user row as committed."""
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(User)))


async def password_works(app: FastAPI, user_id: uuid.UUID, password: str) -> bool:
    """Whether the stored hash accepts `password` (no sign-in, no throttle)."""
    user = await stored_user(app, user_id)
    assert user is not None
    return password_helper.verify_and_update(password, user.hashed_password)[0]


async def session_count(app: FastAPI, user_id: uuid.UUID) -> int:
    """How many sessions the user has."""
    async with app.state.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AccessToken)
            .where(AccessToken.user_id == user_id)
        )
    return int(count or 0)


async def membership_count(app: FastAPI, user_id: uuid.UUID) -> int:
    """How many workspaces the user belongs to."""
    async with app.state.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user_id)
        )
    return int(count or 0)


async def audit_entries(client: httpx.AsyncClient, action: str) -> list[dict[str, Any]]:
    """The audit entries of one action, newest first."""
    response = await client.get("/audit", params={"action": action})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def user_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /users` body."""
    body: dict[str, Any] = {
        "email": "new.analyst@example.com",
        "password": NEW_PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    body.update(overrides)
    return body
