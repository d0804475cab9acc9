"""Fixtures for page tests: people of each role in the admin's workspace."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, create_user, create_workspace, open_session


async def _member(
    app: FastAPI, admin: Principal, email: str, role: WorkspaceRole
) -> AsyncIterator[Principal]:
    user_id = await create_user(app, email, workspace_id=admin.workspace_id, role=role)
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


@pytest.fixture
async def viewer(app: FastAPI, admin: Principal) -> AsyncIterator[Principal]:
    """A signed-in viewer of the admin's workspace."""
    async for principal in _member(
        app, admin, "viewer@example.com", WorkspaceRole.VIEWER
    ):
        yield principal


@pytest.fixture
async def editor(app: FastAPI, admin: Principal) -> AsyncIterator[Principal]:
    """A signed-in editor of the admin's workspace."""
    async for principal in _member(
        app, admin, "editor@example.com", WorkspaceRole.EDITOR
    ):
        yield principal


@pytest.fixture
async def outsider(app: FastAPI, admin: Principal) -> AsyncIterator[Principal]:
    """A signed-in admin of another workspace, member of none of the admin's."""
    user_id = await create_user(app, "outsider@example.com")
    await create_workspace(app, "Elsewhere", owner_id=user_id)
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)
