"""Shared steps of the task tests."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, case_body, create_user, open_session

TASK_EVENT_KEYS = ("task_id", "title", "old", "new")


async def create_case(client: httpx.AsyncClient, prefix: str = "") -> Any:
    """Create a case that must be created; return its body."""
    response = await client.post(f"{prefix}/cases", json=case_body())
    assert response.status_code == 201, response.text
    return response.json()


async def create_task(
    client: httpx.AsyncClient,
    case_id: str,
    title: str = "Isolate WS-0042",
    *,
    prefix: str = "",
    **extra: Any,
) -> Any:
    """Create a task that must be created; return its body."""
    response = await client.post(
        f"{prefix}/cases/{case_id}/tasks", json={"title": title, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def update_task(
    client: httpx.AsyncClient, case_id: str, task_id: str, **changes: Any
) -> Any:
    """Change a task, which must succeed; return its body."""
    response = await client.patch(f"/cases/{case_id}/tasks/{task_id}", json=changes)
    assert response.status_code == 200, response.text
    return response.json()


async def list_tasks(client: httpx.AsyncClient, case_id: str) -> Any:
    """The tasks of a case, which must be readable."""
    response = await client.get(f"/cases/{case_id}/tasks")
    assert response.status_code == 200, response.text
    return response.json()


async def task_events(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """The case's task events, newest first, as (type, data)."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [
        (item["type"], {key: item[key] for key in TASK_EVENT_KEYS if key in item})
        for item in response.json()["events"]
        if item["type"].startswith("task_")
    ]


async def case_item(client: httpx.AsyncClient, case_id: str) -> Any:
    """The case as `GET /cases` lists it."""
    response = await client.get("/cases", params={"limit": 200})
    assert response.status_code == 200, response.text
    (item,) = [item for item in response.json()["items"] if item["id"] == case_id]
    return item


async def task_counts(client: httpx.AsyncClient, case_id: str) -> tuple[int, int]:
    """The case's `(num_tasks_total, num_tasks_completed)`, listed and read.

    Both reads must agree; the pair they agree on is returned.
    """
    item = await case_item(client, case_id)
    read = await client.get(f"/cases/{case_id}")
    assert read.status_code == 200, read.text
    listed = item["num_tasks_total"], item["num_tasks_completed"]
    assert (read.json()["num_tasks_total"], read.json()["num_tasks_completed"]) == (
        listed
    )
    return listed


async def case_updated_at(client: httpx.AsyncClient, case_id: str) -> str:
    """The case's `updated_at` as `GET /cases/{id}` shows it."""
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["updated_at"])


async def case_state(client: httpx.AsyncClient, case_id: str) -> Any:
    """Everything a task write can change on a case, to prove one changed nothing."""
    return (
        await list_tasks(client, case_id),
        await task_counts(client, case_id),
        await case_updated_at(client, case_id),
        await task_events(client, case_id),
    )


async def member_client(
    app: FastAPI, admin: Principal, role: WorkspaceRole
) -> Principal:
    """A new member of the admin's workspace with `role`, signed in.

    The caller closes `principal.client`.
    """
    user_id = await create_user(
        app,
        f"member.{uuid.uuid4().hex[:10]}@example.com",
        workspace_id=admin.workspace_id,
        role=role,
    )
    return await open_session(app, new_client(app), user_id)
