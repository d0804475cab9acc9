"""Task requests that must be refused, and the proof that they changed nothing."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.factories import Principal, create_user, create_workspace
from tests.tasks.helpers import (
    case_state,
    create_case,
    create_task,
    member_client,
)

WORKFLOW_ID = "5f0c2a8e-6f4b-4d4e-9a52-1b8e2c7d9f31"


def error_types(response: httpx.Response) -> list[tuple[Any, str]]:
    """The `(loc, type)` of each item of a 422 validation list."""
    return [(item["loc"], item["type"]) for item in response.json()["detail"]]


def insufficient_scope(scope: str) -> dict[str, Any]:
    """The refusal body of a role lacking `scope`."""
    return {
        "error": {
            "code": "insufficient_scope",
            "message": "You don't have permission to perform this action.",
            "required_scopes": [scope],
            "missing_scopes": [scope],
        }
    }


@pytest.fixture
async def existing_case(client: httpx.AsyncClient) -> dict[str, Any]:
    """A case holding one task."""
    case = await create_case(client)
    await create_task(client, case["id"], "Standing task")
    return dict(case)


BAD_CREATE_BODIES = [
    ({"title": "x" * 256}, ["body", "title"], "string_too_long"),
    ({"title": ""}, ["body", "title"], "string_too_short"),
    ({}, ["body", "title"], "missing"),
    ({"title": None}, ["body", "title"], "string_type"),
    ({"title": 5}, ["body", "title"], "string_type"),
    ({"title": "a\x00b"}, ["body", "title"], "value_error"),
    (
        {"title": "t", "description": "x" * 1001},
        ["body", "description"],
        "string_too_long",
    ),
    ({"title": "t", "description": "a\x00b"}, ["body", "description"], "value_error"),
    ({"title": "t", "status": "done"}, ["body", "status"], "enum"),
    ({"title": "t", "priority": "urgent"}, ["body", "priority"], "enum"),
    ({"title": "t", "assignee_id": "bob"}, ["body", "assignee_id"], "uuid_parsing"),
    ({"title": "t", "surprise": 1}, ["body", "surprise"], "extra_forbidden"),
    ({"title": "t", "case_id": WORKFLOW_ID}, ["body", "case_id"], "extra_forbidden"),
    ({"title": "t", "workflow_id": "wf_short"}, ["body", "workflow_id"], "value_error"),
    ({"title": "t", "workflow_id": "wf-xyz"}, ["body", "workflow_id"], "value_error"),
    ({"title": "t", "workflow_id": "z" * 25}, ["body", "workflow_id"], "value_error"),
    ({"title": "t", "workflow_id": 42}, ["body", "workflow_id"], "value_error"),
    (
        {"title": "t", "workflow_id": "wf_" + "Z" * 22},
        ["body", "workflow_id"],
        "value_error",
    ),
    (
        {"title": "t", "workflow_id": WORKFLOW_ID, "default_trigger_values": [1]},
        ["body", "default_trigger_values"],
        "dict_type",
    ),
    (
        {
            "title": "t",
            "workflow_id": WORKFLOW_ID,
            "default_trigger_values": {"k": "a\x00b"},
        },
        ["body", "default_trigger_values"],
        "value_error",
    ),
    ({"title": "t", "default_trigger_values": {"k": 1}}, ["body"], "value_error"),
]


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    BAD_CREATE_BODIES,
    ids=[repr(row[0])[:60] for row in BAD_CREATE_BODIES],
)
async def test_bad_create_body_is_422_and_creates_nothing(
    client: httpx.AsyncClient,
    existing_case: dict[str, Any],
    body: dict[str, Any],
    loc: list[str],
    error_type: str,
) -> None:
    case_id = existing_case["id"]
    before = await case_state(client, case_id)

    response = await client.post(f"/cases/{case_id}/tasks", json=body)

    assert response.status_code == 422
    assert error_types(response) == [(loc, error_type)]
    assert await case_state(client, case_id) == before


BAD_UPDATE_BODIES = [
    ({"title": "x" * 256}, ["body", "title"], "string_too_long"),
    ({"title": ""}, ["body", "title"], "string_too_short"),
    ({"description": "x" * 1001}, ["body", "description"], "string_too_long"),
    ({"description": "a\x00b"}, ["body", "description"], "value_error"),
    ({"status": "done"}, ["body", "status"], "enum"),
    ({"priority": 3}, ["body", "priority"], "enum"),
    ({"case_id": WORKFLOW_ID}, ["body", "case_id"], "extra_forbidden"),
    ({"workflow_id": "wf_"}, ["body", "workflow_id"], "value_error"),
]


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    BAD_UPDATE_BODIES,
    ids=[repr(row[0])[:60] for row in BAD_UPDATE_BODIES],
)
async def test_bad_update_body_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
    body: dict[str, Any],
    loc: list[str],
    error_type: str,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])
    before = await case_state(client, case["id"])

    response = await client.patch(
        f"/cases/{case['id']}/tasks/{task['id']}", json={"status": "completed", **body}
    )

    assert response.status_code == 422
    assert error_types(response) == [(loc, error_type)]
    assert await case_state(client, case["id"]) == before


async def test_malformed_json_is_422_and_creates_nothing(
    client: httpx.AsyncClient, existing_case: dict[str, Any]
) -> None:
    case_id = existing_case["id"]
    before = await case_state(client, case_id)

    response = await client.post(
        f"/cases/{case_id}/tasks",
        content=b'{"title": "half',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422
    assert [item["type"] for item in response.json()["detail"]] == ["json_invalid"]
    assert await case_state(client, case_id) == before


async def test_trigger_values_on_a_task_without_workflow_is_422(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])
    before = await case_state(client, case["id"])

    response = await client.patch(
        f"/cases/{case['id']}/tasks/{task['id']}",
        json={"status": "completed", "default_trigger_values": {"host": "WS-0042"}},
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "default_trigger_values requires workflow_id"}
    assert await case_state(client, case["id"]) == before


async def test_trigger_values_beside_a_workflow_clear_is_422(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], workflow_id=WORKFLOW_ID)
    before = await case_state(client, case["id"])

    response = await client.patch(
        f"/cases/{case['id']}/tasks/{task['id']}",
        json={"workflow_id": None, "default_trigger_values": {"host": "WS-0042"}},
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "default_trigger_values requires workflow_id"}
    assert await case_state(client, case["id"]) == before


# Assignees


async def test_assignee_outside_the_workspace_is_422(
    client: httpx.AsyncClient, app: FastAPI, existing_case: dict[str, Any]
) -> None:
    outsider = await create_user(app, f"out.{uuid.uuid4().hex[:8]}@example.com")
    case_id = existing_case["id"]
    before = await case_state(client, case_id)

    response = await client.post(
        f"/cases/{case_id}/tasks", json={"title": "t", "assignee_id": str(outsider)}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Assignee {outsider} is not a member of this workspace and "
        "cannot be assigned"
    }
    assert await case_state(client, case_id) == before


async def test_unknown_assignee_is_422_on_create_and_update(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])
    before = await case_state(client, case["id"])
    unknown = uuid.uuid4()
    expected = {
        "detail": f"Assignee {unknown} is not a member of this workspace and "
        "cannot be assigned"
    }

    created = await client.post(
        f"/cases/{case['id']}/tasks", json={"title": "t", "assignee_id": str(unknown)}
    )
    updated = await client.patch(
        f"/cases/{case['id']}/tasks/{task['id']}",
        json={"status": "completed", "assignee_id": str(unknown)},
    )

    assert (created.status_code, created.json()) == (422, expected)
    assert (updated.status_code, updated.json()) == (422, expected)
    assert await case_state(client, case["id"]) == before


async def test_deactivated_assignee_is_422(
    admin: Principal, app: FastAPI, existing_case: dict[str, Any]
) -> None:
    user_id = await create_user(
        app,
        f"gone.{uuid.uuid4().hex[:8]}@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.EDITOR,
    )
    deactivated = await admin.client.patch(
        f"/users/{user_id}", json={"is_active": False}
    )
    assert deactivated.status_code == 200, deactivated.text

    response = await admin.client.post(
        f"/cases/{existing_case['id']}/tasks",
        json={"title": "t", "assignee_id": str(user_id)},
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Assignee {user_id} is deactivated and cannot be assigned"
    }


# Unknown and foreign cases and tasks


async def test_unknown_case_is_404_case_not_found(client: httpx.AsyncClient) -> None:
    case_id = uuid.uuid4()

    listed = await client.get(f"/cases/{case_id}/tasks")
    created = await client.post(f"/cases/{case_id}/tasks", json={"title": "t"})

    assert (listed.status_code, listed.json()) == (404, {"detail": "Case not found"})
    assert (created.status_code, created.json()) == (
        404,
        {"detail": "Case not found"},
    )


async def test_a_case_of_another_workspace_is_404(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Second team", owner_id=admin.user_id)
    foreign = await create_case(admin.client, prefix=f"/workspaces/{other}")
    task = await create_task(
        admin.client,
        foreign["id"],
        "Foreign",
        prefix=f"/workspaces/{other}",
        workflow_id=WORKFLOW_ID,
    )
    here = f"/workspaces/{admin.workspace_id}/cases/{foreign['id']}/tasks"

    responses = [
        await admin.client.get(here),
        await admin.client.post(here, json={"title": "Sneaky"}),
        await admin.client.patch(f"{here}/{task['id']}", json={"title": "Sneaky"}),
        await admin.client.delete(f"{here}/{task['id']}"),
    ]

    assert [(item.status_code, item.json()) for item in responses] == [
        (404, {"detail": "Case not found"})
    ] * 4
    listed = await admin.client.get(f"/workspaces/{other}/cases/{foreign['id']}/tasks")
    assert listed.json() == [task]


async def test_a_task_of_another_case_is_404_on_patch_and_delete(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    other = await create_case(client)
    task = await create_task(client, other["id"], "Elsewhere")
    before = await case_state(client, other["id"])
    path = f"/cases/{case['id']}/tasks/{task['id']}"

    patched = await client.patch(path, json={"status": "completed"})
    deleted = await client.delete(path)

    assert (patched.status_code, patched.json()) == (404, {"detail": "Task not found"})
    assert (deleted.status_code, deleted.json()) == (404, {"detail": "Task not found"})
    assert await case_state(client, other["id"]) == before


async def test_an_unknown_task_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    path = f"/cases/{case['id']}/tasks/{uuid.uuid4()}"

    patched = await client.patch(path, json={"title": "t"})
    deleted = await client.delete(path)

    assert (patched.status_code, patched.json()) == (404, {"detail": "Task not found"})
    assert (deleted.status_code, deleted.json()) == (404, {"detail": "Task not found"})


async def test_a_task_id_that_is_no_uuid_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.patch(f"/cases/{case['id']}/tasks/abc", json={})

    assert response.status_code == 422
    assert error_types(response) == [(["path", "task_id"], "uuid_parsing")]


# Who may call


async def test_unauthenticated_calls_are_401(
    client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    existing_case: dict[str, Any],
) -> None:
    path = f"/cases/{existing_case['id']}/tasks"
    task_path = f"{path}/{uuid.uuid4()}"
    before = await case_state(client, existing_case["id"])

    responses = [
        await anonymous.get(path),
        await anonymous.post(path, json={"title": "t"}),
        await anonymous.patch(task_path, json={"title": "t"}),
        await anonymous.delete(task_path),
    ]

    assert [(item.status_code, item.json()) for item in responses] == [
        (401, {"detail": "Unauthorized"})
    ] * 4
    assert await case_state(client, existing_case["id"]) == before


async def test_a_viewer_reads_but_may_not_write(
    admin: Principal, app: FastAPI, existing_case: dict[str, Any]
) -> None:
    case_id = existing_case["id"]
    before = await case_state(admin.client, case_id)
    (task,) = before[0]
    path = f"/cases/{case_id}/tasks"
    viewer = await member_client(app, admin, WorkspaceRole.VIEWER)
    try:
        listed = await viewer.client.get(path)
        created = await viewer.client.post(path, json={"title": "Viewer task"})
        updated = await viewer.client.patch(f"{path}/{task['id']}", json={"title": "V"})
        deleted = await viewer.client.delete(f"{path}/{task['id']}")
    finally:
        await viewer.client.aclose()

    assert listed.status_code == 200
    assert listed.json() == [task]
    assert (created.status_code, created.json()) == (
        403,
        insufficient_scope("case:create"),
    )
    assert (updated.status_code, updated.json()) == (
        403,
        insufficient_scope("case:update"),
    )
    assert (deleted.status_code, deleted.json()) == (
        403,
        insufficient_scope("case:delete"),
    )
    assert await case_state(admin.client, case_id) == before


async def test_an_editor_creates_and_changes_but_may_not_delete(
    admin: Principal, app: FastAPI, existing_case: dict[str, Any]
) -> None:
    case_id = existing_case["id"]
    path = f"/cases/{case_id}/tasks"
    editor = await member_client(app, admin, WorkspaceRole.EDITOR)
    try:
        created = await editor.client.post(path, json={"title": "Editor task"})
        task_path = f"{path}/{created.json()['id']}"
        updated = await editor.client.patch(task_path, json={"status": "completed"})
        deleted = await editor.client.delete(task_path)
    finally:
        await editor.client.aclose()

    assert created.status_code == 201
    assert updated.status_code == 200
    assert (deleted.status_code, deleted.json()) == (
        403,
        insufficient_scope("case:delete"),
    )
    events = (await admin.client.get(f"/cases/{case_id}/events")).json()["events"]
    assert events[0]["type"] == "task_status_changed"
    assert events[0]["user_id"] == str(editor.user_id)
