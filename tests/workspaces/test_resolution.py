"""Which workspace a request acts in, and what the caller may do there."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.service import WorkspaceService
from tests.conftest import new_client
from tests.factories import (
    Principal,
    case_body,
    create_user,
    create_workspace,
    sign_in,
)

# Fixed, so that test ids are the same in every collection.
MISSING_CASE_ID = "3b0d5a0e-2f1c-4c59-8d6e-0a7b9c4e1f22"

PASSWORD = "another-long-password"
FORBIDDEN = {"detail": "Forbidden"}
WORKSPACE_NOT_FOUND = {"detail": "Workspace not found"}


@asynccontextmanager
async def signed_in(app: FastAPI, email: str) -> AsyncIterator[Principal]:
    """A user created by the test, signed in on their own client."""
    async with new_client(app) as client:
        yield await sign_in(client, email, PASSWORD)


async def grant(
    app: FastAPI, workspace_id: uuid.UUID, user_id: uuid.UUID, role: WorkspaceRole
) -> None:
    """Make a user a member of one more workspace."""
    async with app.state.sessionmaker() as session:
        await WorkspaceService(session).add_member(workspace_id, user_id, role)
        await session.commit()


async def post_case(
    client: httpx.AsyncClient, path: str = "/cases", **params: Any
) -> dict[str, Any]:
    """Create one case at `path` and return its body."""
    response = await client.post(path, json=case_body(), params=params)
    assert response.status_code == 201, response.text
    return response.json()


def scope_error(scope: str) -> dict[str, Any]:
    """The 403 body of a role lacking one scope."""
    return {
        "error": {
            "code": "insufficient_scope",
            "message": "You don't have permission to perform this action.",
            "required_scopes": [scope],
            "missing_scopes": [scope],
        }
    }


# Default workspace


async def test_create_without_workspace_id_uses_the_first_membership(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team")
    user_id = await create_user(app, "analyst@example.com", workspace_id=second)
    await grant(app, admin.workspace_id, user_id, WorkspaceRole.EDITOR)

    async with signed_in(app, "analyst@example.com") as analyst:
        case = await post_case(analyst.client)

    in_second = await admin.client.get(f"/workspaces/{second}/cases/{case['id']}")
    in_default = await admin.client.get(f"/cases/{case['id']}")
    assert in_second.status_code == 200
    assert in_default.status_code == 404


async def test_list_without_workspace_id_shows_the_default_workspace(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team", owner_id=admin.user_id)
    in_default = await post_case(admin.client)
    await post_case(admin.client, f"/workspaces/{second}/cases")

    response = await admin.client.get("/cases")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [in_default["id"]]


async def test_user_without_any_workspace_must_name_one(
    admin: Principal, app: FastAPI
) -> None:
    await create_user(app, "loner@example.com")

    async with signed_in(app, "loner@example.com") as loner:
        listed = await loner.client.get("/cases")
        created = await loner.client.post("/cases", json=case_body())

    assert (listed.status_code, listed.json()) == (
        422,
        {"detail": "workspace_id is required"},
    )
    assert (created.status_code, created.json()) == (
        422,
        {"detail": "workspace_id is required"},
    )


# Naming a workspace


@pytest.mark.parametrize("mount", ["path", "query"])
async def test_unknown_workspace_is_404(client: httpx.AsyncClient, mount: str) -> None:
    unknown = uuid.uuid4()
    if mount == "path":
        request = client.get(f"/workspaces/{unknown}/cases")
    else:
        request = client.get("/cases", params={"workspace_id": str(unknown)})

    response = await request

    assert response.status_code == 404
    assert response.json() == WORKSPACE_NOT_FOUND


@pytest.mark.parametrize("mount", ["path", "query"])
async def test_non_member_is_forbidden(
    admin: Principal, app: FastAPI, mount: str
) -> None:
    second = await create_workspace(app, "Second team")
    await create_user(app, "analyst@example.com", workspace_id=admin.workspace_id)

    async with signed_in(app, "analyst@example.com") as analyst:
        if mount == "path":
            response = await analyst.client.get(f"/workspaces/{second}/cases")
        else:
            response = await analyst.client.get(
                "/cases", params={"workspace_id": str(second)}
            )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_path_and_query_workspace_ids_must_match(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team", owner_id=admin.user_id)

    response = await admin.client.get(
        f"/workspaces/{admin.workspace_id}/cases",
        params={"workspace_id": str(second)},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Path and query workspace_id values must match"
    }


async def test_equal_path_and_query_workspace_ids_are_accepted(
    admin: Principal,
) -> None:
    case = await post_case(admin.client)

    response = await admin.client.get(
        f"/workspaces/{admin.workspace_id}/cases/{case['id']}",
        params={"workspace_id": str(admin.workspace_id)},
    )

    assert response.status_code == 200
    assert response.json()["id"] == case["id"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", "/cases"),
        ("POST", "/cases"),
        ("GET", f"/cases/{MISSING_CASE_ID}/events"),
    ],
)
async def test_non_uuid_path_workspace_id_is_a_validation_list(
    client: httpx.AsyncClient, method: str, suffix: str
) -> None:
    response = await client.request(
        method, f"/workspaces/not-a-uuid{suffix}", json=case_body()
    )

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [item["loc"] for item in detail] == [["path", "workspace_id"]]
    assert detail[0]["type"] == "uuid_parsing"
    assert detail[0]["input"] == "not-a-uuid"


async def test_non_uuid_query_workspace_id_is_a_validation_list(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/cases", params={"workspace_id": "nope"})

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [item["loc"] for item in detail] == [["query", "workspace_id"]]


async def test_request_without_cookie_naming_a_workspace_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    response = await anonymous.get(f"/workspaces/{admin.workspace_id}/cases")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


# Isolation


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("GET", "/events", None),
        ("PATCH", "", {"status": "closed"}),
        ("DELETE", "", None),
    ],
)
async def test_case_of_another_workspace_is_not_found(
    admin: Principal,
    app: FastAPI,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    second = await create_workspace(app, "Second team", owner_id=admin.user_id)
    case = await post_case(admin.client, f"/workspaces/{second}/cases")

    response = await admin.client.request(
        method, f"/cases/{case['id']}{suffix}", json=body
    )

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case with ID {case['id']} not found"}
    kept = await admin.client.get(f"/workspaces/{second}/cases/{case['id']}")
    assert kept.json()["status"] == "new"


async def test_case_of_another_workspace_is_absent_from_its_list(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team", owner_id=admin.user_id)
    await post_case(admin.client)

    response = await admin.client.get(f"/workspaces/{second}/cases")

    assert response.status_code == 200
    assert response.json()["items"] == []


# Superuser


async def test_superuser_acts_in_a_workspace_without_membership(
    admin: Principal, app: FastAPI
) -> None:
    orphan = await create_workspace(app, "Nobody's team")

    created = await post_case(admin.client, workspace_id=str(orphan))
    listed = await admin.client.get(f"/workspaces/{orphan}/cases")

    assert created["short_id"] == "CASE-0001"
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]


# Roles


async def test_viewer_can_read_cases(admin: Principal, app: FastAPI) -> None:
    case = await post_case(admin.client)
    await create_user(
        app,
        "viewer@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    async with signed_in(app, "viewer@example.com") as viewer:
        one = await viewer.client.get(f"/cases/{case['id']}")
        listed = await viewer.client.get("/cases")
        events = await viewer.client.get(f"/cases/{case['id']}/events")

    assert one.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [case["id"]]
    assert events.status_code == 200


async def test_viewer_cannot_create_a_case(admin: Principal, app: FastAPI) -> None:
    await create_user(
        app,
        "viewer@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    async with signed_in(app, "viewer@example.com") as viewer:
        response = await viewer.client.post("/cases", json=case_body())

    assert response.status_code == 403
    assert response.json() == scope_error("case:create")
    assert (await admin.client.get("/cases")).json()["items"] == []


async def test_viewer_cannot_update_a_case(admin: Principal, app: FastAPI) -> None:
    case = await post_case(admin.client)
    await create_user(
        app,
        "viewer@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    async with signed_in(app, "viewer@example.com") as viewer:
        response = await viewer.client.patch(
            f"/cases/{case['id']}", json={"status": "closed"}
        )

    assert response.status_code == 403
    assert response.json() == scope_error("case:update")


async def test_editor_cannot_delete_a_case(admin: Principal, app: FastAPI) -> None:
    case = await post_case(admin.client)
    await create_user(app, "editor@example.com", workspace_id=admin.workspace_id)

    async with signed_in(app, "editor@example.com") as editor:
        response = await editor.client.delete(f"/cases/{case['id']}")

    assert response.status_code == 403
    assert response.json() == scope_error("case:delete")
    assert (await admin.client.get(f"/cases/{case['id']}")).status_code == 200


async def test_editor_can_create_and_update_a_case(
    admin: Principal, app: FastAPI
) -> None:
    await create_user(app, "editor@example.com", workspace_id=admin.workspace_id)

    async with signed_in(app, "editor@example.com") as editor:
        case = await post_case(editor.client)
        updated = await editor.client.patch(
            f"/cases/{case['id']}", json={"status": "in_progress"}
        )

    assert updated.status_code == 204
    assert (await admin.client.get(f"/cases/{case['id']}")).json()["status"] == (
        "in_progress"
    )


# Listing workspaces


async def test_workspaces_lists_the_callers_memberships_with_roles(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team")
    await create_workspace(app, "Not mine")
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    await grant(app, second, user_id, WorkspaceRole.VIEWER)

    async with signed_in(app, "analyst@example.com") as analyst:
        response = await analyst.client.get("/workspaces")

    assert response.status_code == 200
    listed = [(item["id"], item["name"], item["role"]) for item in response.json()]
    assert listed == [
        (str(admin.workspace_id), "Default", "editor"),
        (str(second), "Second team", "viewer"),
    ]
    assert all(item["created_at"].endswith("Z") for item in response.json())


async def test_workspaces_lists_every_workspace_for_a_superuser(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Nobody's team")

    response = await admin.client.get("/workspaces")

    listed = [(item["id"], item["role"]) for item in response.json()]
    assert listed == [(str(admin.workspace_id), "admin"), (str(other), "admin")]


async def test_workspaces_lists_the_default_workspace_first(
    admin: Principal, app: FastAPI
) -> None:
    second = await create_workspace(app, "Second team")
    user_id = await create_user(app, "analyst@example.com", workspace_id=second)
    await grant(app, admin.workspace_id, user_id, WorkspaceRole.EDITOR)

    async with signed_in(app, "analyst@example.com") as analyst:
        listed = await analyst.client.get("/workspaces")
        case = await post_case(analyst.client)

    assert [item["id"] for item in listed.json()] == [
        str(second),
        str(admin.workspace_id),
    ]
    found = await admin.client.get(f"/workspaces/{second}/cases/{case['id']}")
    assert found.status_code == 200


async def test_workspaces_lists_a_superuser_as_admin_whatever_the_membership(
    admin: Principal, app: FastAPI
) -> None:
    await create_user(
        app,
        "root@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
        superuser=True,
    )

    async with signed_in(app, "root@example.com") as root:
        listed = await root.client.get("/workspaces")
        deleted = await root.client.delete(f"/cases/{uuid.uuid4()}")

    assert [item["role"] for item in listed.json()] == ["admin"]
    assert deleted.status_code == 404
