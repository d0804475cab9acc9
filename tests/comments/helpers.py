"""Shared steps of the comment tests."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, case_body, create_user, open_session

COMMENT_EVENT_KEYS = ("comment_id", "parent_id", "thread_root_id", "delete_mode")


async def create_case(client: httpx.AsyncClient, prefix: str = "") -> Any:
    """Create a case that must be created; return its body."""
    response = await client.post(f"{prefix}/cases", json=case_body())
    assert response.status_code == 201, response.text
    return response.json()


async def post_comment(
    client: httpx.AsyncClient,
    case_id: str,
    content: str = "Looked at the EDR timeline",
    **extra: Any,
) -> Any:
    """Post a comment that must be created; return its body."""
    response = await client.post(
        f"/cases/{case_id}/comments", json={"content": content, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def list_comments(client: httpx.AsyncClient, case_id: str) -> Any:
    """The flat comment list of a case, which must be readable."""
    response = await client.get(f"/cases/{case_id}/comments")
    assert response.status_code == 200, response.text
    return response.json()


async def comment_events(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """The case's comment events, newest first, as (type, data)."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [
        (item["type"], {key: item[key] for key in COMMENT_EVENT_KEYS if key in item})
        for item in response.json()["events"]
        if item["type"].startswith("comment_")
    ]


@asynccontextmanager
async def signed_in_member(
    app: FastAPI, admin: Principal, role: WorkspaceRole
) -> AsyncIterator[Principal]:
    """A new member of the admin's workspace with `role`, signed in."""
    user_id = await create_user(
        app,
        f"member.{uuid.uuid4().hex[:10]}@example.com",
        workspace_id=admin.workspace_id,
        role=role,
    )
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


async def issue_key(client: httpx.AsyncClient, *scopes: str) -> dict[str, str]:
    """The bearer header of a new key holding `scopes`."""
    account = await client.post(
        "/service-accounts",
        json={"name": f"SOAR {uuid.uuid4().hex[:8]}", "scopes": list(scopes)},
    )
    assert account.status_code == 201, account.text
    key = await client.post(
        f"/service-accounts/{account.json()['id']}/keys", json={"name": "ci"}
    )
    assert key.status_code == 201, key.text
    return {"Authorization": f"Bearer {key.json()['key']}"}


def insufficient_scope(name: str) -> dict[str, Any]:
    """The refusal for a role or key lacking `name`."""
    return {
        "error": {
            "code": "insufficient_scope",
            "message": "You don't have permission to perform this action.",
            "required_scopes": [name],
            "missing_scopes": [name],
        }
    }
