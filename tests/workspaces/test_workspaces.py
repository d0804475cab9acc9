"""Creating, reading, renaming and deleting workspaces."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.models import Case, Membership, Workspace
from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import (
    Principal,
    case_body,
    create_user,
    create_workspace,
    open_session,
)

FORBIDDEN = {"detail": "Forbidden"}
WORKSPACE_NOT_FOUND = {"detail": "Workspace not found"}
MANAGE_SCOPE_ERROR = {
    "error": {
        "code": "insufficient_scope",
        "message": "You don't have permission to perform this action.",
        "required_scopes": ["workspace:manage"],
        "missing_scopes": ["workspace:manage"],
    }
}


@asynccontextmanager
async def member(
    app: FastAPI,
    email: str,
    workspace_id: uuid.UUID | None,
    role: WorkspaceRole = WorkspaceRole.EDITOR,
) -> AsyncIterator[Principal]:
    """A user of the workspace with a role, signed in on their own client."""
    user_id = await create_user(app, email, workspace_id=workspace_id, role=role)
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


async def issue_key(client: httpx.AsyncClient, *scopes: str) -> str:
    """A fresh API key of a new service account with `scopes`."""
    account = await client.post(
        "/service-accounts", json={"name": "bot", "scopes": list(scopes)}
    )
    assert account.status_code == 201, account.text
    key = await client.post(
        f"/service-accounts/{account.json()['id']}/keys", json={"name": "ci"}
    )
    assert key.status_code == 201, key.text
    return str(key.json()["key"])


async def workspace_names(app: FastAPI) -> list[str]:
    """Every workspace's name, in creation order."""
    async with app.state.sessionmaker() as session:
        rows = await session.scalars(
            select(Workspace.name).order_by(Workspace.created_at, Workspace.id)
        )
        return list(rows)


async def audit_entries(client: httpx.AsyncClient, action: str) -> list[dict[str, Any]]:
    """The audit entries of one action, newest first (needs an instance admin)."""
    response = await client.get("/audit", params={"action": action})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# Creating


async def test_instance_admin_creates_a_workspace(admin: Principal) -> None:
    response = await admin.client.post("/workspaces", json={"name": "Blue team"})

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["role"]) == ("Blue team", "admin")
    assert response.headers["location"] == f"/workspaces/{body['id']}"
    assert body["created_at"].endswith("Z")


async def test_creator_becomes_the_new_workspaces_admin_member(
    admin: Principal,
) -> None:
    created = await admin.client.post("/workspaces", json={"name": "Blue team"})

    members = await admin.client.get(f"/workspaces/{created.json()['id']}/members")

    assert [(item["user_id"], item["role"]) for item in members.json()] == [
        (str(admin.user_id), "admin")
    ]


async def test_new_workspace_starts_without_cases(admin: Principal) -> None:
    created = await admin.client.post("/workspaces", json={"name": "Blue team"})
    workspace_id = created.json()["id"]

    case = await admin.client.post(
        f"/workspaces/{workspace_id}/cases", json=case_body()
    )

    assert case.json()["short_id"] == "CASE-0001"
    listed = await admin.client.get(f"/workspaces/{workspace_id}/cases")
    assert [item["id"] for item in listed.json()["items"]] == [case.json()["id"]]


async def test_workspace_creation_is_audited(admin: Principal) -> None:
    created = await admin.client.post("/workspaces", json={"name": "Blue team"})

    entries = await audit_entries(admin.client, "workspace_created")

    assert len(entries) == 1
    entry = entries[0]
    assert entry["actor_user_id"] == str(admin.user_id)
    assert entry["workspace_id"] == created.json()["id"]
    assert entry["target_id"] == created.json()["id"]
    assert entry["details"] == {"name": "Blue team"}


async def test_workspace_name_is_trimmed(admin: Principal) -> None:
    response = await admin.client.post("/workspaces", json={"name": "  Red team  "})

    assert response.status_code == 201
    assert response.json()["name"] == "Red team"


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 256}, {"name": "ok", "x": 1}],
    ids=["missing", "empty", "blank", "too-long", "unknown-key"],
)
async def test_invalid_workspace_body_is_refused(
    admin: Principal, app: FastAPI, body: dict[str, Any]
) -> None:
    response = await admin.client.post("/workspaces", json=body)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert await workspace_names(app) == ["Default"]


async def test_workspace_admin_who_is_not_instance_admin_cannot_create_one(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "lead@example.com", admin.workspace_id, WorkspaceRole.ADMIN
    ) as lead:
        response = await lead.client.post("/workspaces", json={"name": "Mine"})

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert await workspace_names(app) == ["Default"]


async def test_api_key_cannot_create_a_workspace(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read", "case:create")

    response = await anonymous.post(
        "/workspaces",
        json={"name": "Bot team"},
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 403
    assert await workspace_names(app) == ["Default"]


async def test_anonymous_cannot_create_a_workspace(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    response = await anonymous.post("/workspaces", json={"name": "Nobody's"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert await workspace_names(app) == ["Default"]


# Reading one


async def test_member_reads_a_workspace_with_their_role(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "viewer@example.com", admin.workspace_id, WorkspaceRole.VIEWER
    ) as viewer:
        response = await viewer.client.get(f"/workspaces/{admin.workspace_id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["role"]) == (
        str(admin.workspace_id),
        "Default",
        "viewer",
    )


async def test_instance_admin_reads_a_workspace_they_do_not_belong_to(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Nobody's team")

    response = await admin.client.get(f"/workspaces/{other}")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["role"]) == (
        "Nobody's team",
        "admin",
    )


async def test_non_member_cannot_read_a_workspace(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "analyst@example.com", admin.workspace_id) as analyst:
        response = await analyst.client.get(f"/workspaces/{other}")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_unknown_workspace_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/workspaces/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == WORKSPACE_NOT_FOUND


async def test_non_uuid_workspace_id_is_a_validation_list(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/workspaces/not-a-uuid")

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [
        ["path", "workspace_id"]
    ]


async def test_api_key_cannot_read_its_workspace_record(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")

    response = await anonymous.get(
        f"/workspaces/{admin.workspace_id}",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 403
    assert "Default" not in response.text


# Renaming


async def test_workspace_admin_renames_their_workspace(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "lead@example.com", admin.workspace_id, WorkspaceRole.ADMIN
    ) as lead:
        response = await lead.client.patch(
            f"/workspaces/{admin.workspace_id}", json={"name": "SOC"}
        )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["role"]) == ("SOC", "admin")
    assert await workspace_names(app) == ["SOC"]


async def test_instance_admin_renames_a_workspace_they_do_not_belong_to(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    response = await admin.client.patch(f"/workspaces/{other}", json={"name": "IR"})

    assert response.status_code == 200
    assert await workspace_names(app) == ["Default", "IR"]


async def test_editor_cannot_rename_a_workspace(admin: Principal, app: FastAPI) -> None:
    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        response = await editor.client.patch(
            f"/workspaces/{admin.workspace_id}", json={"name": "Mine now"}
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert await workspace_names(app) == ["Default"]


async def test_admin_of_another_workspace_cannot_rename_this_one(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "lead@example.com", other, WorkspaceRole.ADMIN) as lead:
        response = await lead.client.patch(
            f"/workspaces/{admin.workspace_id}", json={"name": "Taken"}
        )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert await workspace_names(app) == ["Default", "Other team"]


async def test_renaming_is_audited_with_old_and_new_names(admin: Principal) -> None:
    await admin.client.patch(f"/workspaces/{admin.workspace_id}", json={"name": "SOC"})

    entries = await audit_entries(admin.client, "workspace_renamed")

    assert [entry["details"] for entry in entries] == [{"old": "Default", "new": "SOC"}]


async def test_renaming_to_a_blank_name_is_refused(
    admin: Principal, app: FastAPI
) -> None:
    response = await admin.client.patch(
        f"/workspaces/{admin.workspace_id}", json={"name": " "}
    )

    assert response.status_code == 422
    assert await workspace_names(app) == ["Default"]


async def test_renaming_an_unknown_workspace_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.patch(f"/workspaces/{uuid.uuid4()}", json={"name": "X"})

    assert response.status_code == 404
    assert response.json() == WORKSPACE_NOT_FOUND


# Deleting


async def test_instance_admin_deletes_a_workspace(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    response = await admin.client.delete(f"/workspaces/{other}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await admin.client.get(f"/workspaces/{other}")).status_code == 404
    assert await workspace_names(app) == ["Default"]


async def test_deleting_a_workspace_deletes_its_cases_and_memberships(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    for _ in range(2):
        await admin.client.post(f"/workspaces/{other}/cases", json=case_body())
    kept = await admin.client.post("/cases", json=case_body())

    await admin.client.delete(f"/workspaces/{other}")

    async with app.state.sessionmaker() as session:
        cases = list(await session.scalars(select(Case.id)))
        memberships = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == other)
        )
    assert [str(case_id) for case_id in cases] == [kept.json()["id"]]
    assert memberships == 0


async def test_workspace_deletion_is_audited_with_its_case_count(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")
    await admin.client.post(f"/workspaces/{other}/cases", json=case_body())

    await admin.client.delete(f"/workspaces/{other}")

    entries = await audit_entries(admin.client, "workspace_deleted")
    assert [(entry["target_id"], entry["details"]) for entry in entries] == [
        (str(other), {"name": "Other team", "deleted_cases": 1})
    ]


async def test_the_last_workspace_cannot_be_deleted(
    admin: Principal, app: FastAPI
) -> None:
    response = await admin.client.delete(f"/workspaces/{admin.workspace_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "The last workspace cannot be deleted"}
    assert await workspace_names(app) == ["Default"]


async def test_workspace_admin_cannot_delete_their_workspace(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "lead@example.com", other, WorkspaceRole.ADMIN) as lead:
        response = await lead.client.delete(f"/workspaces/{other}")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert await workspace_names(app) == ["Default", "Other team"]


async def test_deleting_an_unknown_workspace_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.delete(f"/workspaces/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == WORKSPACE_NOT_FOUND


async def test_members_of_a_deleted_workspace_fall_back_to_their_next_one(
    admin: Principal, app: FastAPI
) -> None:
    first = await create_workspace(app, "First team")
    async with member(app, "analyst@example.com", first) as analyst:
        await admin.client.post(
            f"/workspaces/{admin.workspace_id}/members",
            json={"user_id": str(analyst.user_id), "role": "viewer"},
        )
        await admin.client.delete(f"/workspaces/{first}")

        response = await analyst.client.get("/workspaces")

    assert [(item["name"], item["role"]) for item in response.json()] == [
        ("Default", "viewer")
    ]
