"""Listing, adding, re-roling and removing the members of a workspace."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from casedesk.models import User
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
LAST_ADMIN = {
    "detail": "A workspace must keep at least one admin: promote another member first"
}
MANAGE_SCOPE_ERROR = {
    "error": {
        "code": "insufficient_scope",
        "message": "You don't have permission to perform this action.",
        "required_scopes": ["workspace:manage"],
        "missing_scopes": ["workspace:manage"],
    }
}


@asynccontextmanager
async def signed_in(app: FastAPI, user_id: uuid.UUID) -> AsyncIterator[Principal]:
    """An existing user, signed in on their own client."""
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


@asynccontextmanager
async def member(
    app: FastAPI,
    email: str,
    workspace_id: uuid.UUID | None,
    role: WorkspaceRole = WorkspaceRole.EDITOR,
) -> AsyncIterator[Principal]:
    """A new user with a role in the workspace, signed in on their own client."""
    user_id = await create_user(app, email, workspace_id=workspace_id, role=role)
    async with signed_in(app, user_id) as principal:
        yield principal


async def roles(client: httpx.AsyncClient, path: str = "/members") -> dict[str, str]:
    """Each member's email and role, read as the given client."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return {item["email"]: item["role"] for item in response.json()}


async def audit_entries(client: httpx.AsyncClient, action: str) -> list[dict[str, Any]]:
    """The audit entries of one action, newest first (needs an instance admin)."""
    response = await client.get("/audit", params={"action": action})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def issue_key(client: httpx.AsyncClient, *scopes: str) -> str:
    """A fresh API key of a new service account with `scopes`."""
    account = await client.post(
        "/service-accounts", json={"name": "bot", "scopes": list(scopes)}
    )
    key = await client.post(
        f"/service-accounts/{account.json()['id']}/keys", json={"name": "ci"}
    )
    assert key.status_code == 201, key.text
    return str(key.json()["key"])


# Listing


async def test_viewer_lists_members_with_user_details_and_roles(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "viewer@example.com", admin.workspace_id, WorkspaceRole.VIEWER
    ) as viewer:
        response = await viewer.client.get("/members")

    assert response.status_code == 200
    body = response.json()
    assert [(item["email"], item["role"]) for item in body] == [
        ("admin@example.com", "admin"),
        ("viewer@example.com", "viewer"),
    ]
    assert body[1]["user_id"] == str(viewer.user_id)
    assert body[1]["is_active"] is True
    assert set(body[1]) == {
        "user_id",
        "email",
        "first_name",
        "last_name",
        "is_active",
        "role",
        "created_at",
    }


@pytest.mark.parametrize("mount", ["path", "query"])
async def test_members_are_served_on_both_mounts(
    admin: Principal, app: FastAPI, mount: str
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    path = (
        f"/workspaces/{other}/members"
        if mount == "path"
        else f"/members?workspace_id={other}"
    )

    listed = await roles(admin.client, path)

    assert listed == {"admin@example.com": "admin"}


async def test_non_member_cannot_list_members(admin: Principal, app: FastAPI) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "analyst@example.com", other) as analyst:
        response = await analyst.client.get(f"/workspaces/{admin.workspace_id}/members")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_api_keys_cannot_list_members_emails(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")

    listing = await anonymous.get(
        "/members", headers={"Authorization": f"Bearer {key}"}
    )
    one = await anonymous.get(
        f"/members/{admin.user_id}", headers={"Authorization": f"Bearer {key}"}
    )

    assert (listing.status_code, one.status_code) == (403, 403)
    assert "admin@example.com" not in listing.text + one.text


async def test_one_member_is_read_by_user_id(admin: Principal) -> None:
    response = await admin.client.get(f"/members/{admin.user_id}")

    assert response.status_code == 200
    assert (response.json()["email"], response.json()["role"]) == (
        "admin@example.com",
        "admin",
    )


async def test_reading_a_non_member_is_not_found(
    admin: Principal, app: FastAPI
) -> None:
    outsider = await create_user(app, "outsider@example.com")

    response = await admin.client.get(f"/members/{outsider}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"User {outsider} is not a member of this workspace"
    }


# Adding


async def test_admin_adds_a_member_by_user_id(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(app, "analyst@example.com")

    response = await admin.client.post(
        "/members", json={"user_id": str(user_id), "role": "editor"}
    )

    assert response.status_code == 201
    assert (response.json()["user_id"], response.json()["role"]) == (
        str(user_id),
        "editor",
    )
    assert response.headers["location"] == (
        f"/workspaces/{admin.workspace_id}/members/{user_id}"
    )
    assert (await roles(admin.client))["analyst@example.com"] == "editor"


async def test_admin_adds_a_member_by_email_in_any_case(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(app, "analyst@example.com")

    response = await admin.client.post(
        "/members", json={"email": "Analyst@Example.com", "role": "viewer"}
    )

    assert response.status_code == 201
    assert response.json()["user_id"] == str(user_id)


async def test_new_member_can_work_in_the_workspace(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    user_id = await create_user(app, "analyst@example.com")
    await admin.client.post(
        f"/workspaces/{other}/members",
        json={"user_id": str(user_id), "role": "editor"},
    )

    async with signed_in(app, user_id) as analyst:
        response = await analyst.client.post(
            f"/workspaces/{other}/cases", json=case_body()
        )

    assert response.status_code == 201


async def test_adding_a_member_is_audited(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(app, "analyst@example.com")

    await admin.client.post(
        "/members", json={"user_id": str(user_id), "role": "viewer"}
    )

    entries = await audit_entries(admin.client, "member_added")
    assert len(entries) == 1
    assert entries[0]["actor_user_id"] == str(admin.user_id)
    assert entries[0]["workspace_id"] == str(admin.workspace_id)
    assert (entries[0]["target_type"], entries[0]["target_id"]) == (
        "user",
        str(user_id),
    )
    assert entries[0]["details"] == {"role": "viewer"}


async def test_adding_an_existing_member_conflicts(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app,
        "analyst@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    response = await admin.client.post(
        "/members", json={"user_id": str(user_id), "role": "admin"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"User {user_id} is already a member of this workspace"
    }
    assert (await roles(admin.client))["analyst@example.com"] == "viewer"


@pytest.mark.parametrize(
    "reference",
    [{"user_id": "00000000-0000-4000-8000-000000000000"}, {"email": "no@example.com"}],
    ids=["user_id", "email"],
)
async def test_adding_an_unknown_user_is_not_found(
    admin: Principal, reference: dict[str, str]
) -> None:
    response = await admin.client.post("/members", json={**reference, "role": "viewer"})

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}
    assert await roles(admin.client) == {"admin@example.com": "admin"}


async def test_adding_a_deactivated_user_is_refused(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(app, "gone@example.com")
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == user_id).values(is_active=False)
        )
        await session.commit()

    response = await admin.client.post(
        "/members", json={"user_id": str(user_id), "role": "viewer"}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"User {user_id} is deactivated and cannot be added"
    }
    assert await roles(admin.client) == {"admin@example.com": "admin"}


@pytest.mark.parametrize(
    "body",
    [
        {"email": "analyst@example.com", "role": "owner"},
        {"email": "analyst@example.com"},
        {"role": "viewer"},
        {"email": "analyst@example.com", "user_id": None, "role": "x"},
        {"email": "not-an-email", "role": "viewer"},
        {"email": "analyst@example.com", "role": "viewer", "extra": True},
    ],
    ids=["bad-role", "no-role", "no-user", "bad-role-2", "bad-email", "extra-key"],
)
async def test_invalid_member_body_is_refused(
    admin: Principal, app: FastAPI, body: dict[str, Any]
) -> None:
    await create_user(app, "analyst@example.com")

    response = await admin.client.post("/members", json=body)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert await roles(admin.client) == {"admin@example.com": "admin"}


async def test_naming_a_user_twice_is_refused(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(app, "analyst@example.com")

    response = await admin.client.post(
        "/members",
        json={
            "user_id": str(user_id),
            "email": "analyst@example.com",
            "role": "viewer",
        },
    )

    assert response.status_code == 422
    assert "exactly one of user_id or email" in response.json()["detail"][0]["msg"]


async def test_editor_cannot_add_a_member(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(app, "analyst@example.com")

    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        response = await editor.client.post(
            "/members", json={"user_id": str(user_id), "role": "admin"}
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert "analyst@example.com" not in await roles(admin.client)


async def test_api_key_cannot_add_a_member(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    user_id = await create_user(app, "analyst@example.com")
    key = await issue_key(admin.client, "case:read", "case:update", "case:delete")

    response = await anonymous.post(
        "/members",
        json={"user_id": str(user_id), "role": "admin"},
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert "analyst@example.com" not in await roles(admin.client)


async def test_workspace_admin_manages_members_without_being_instance_admin(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(app, "analyst@example.com")

    async with member(
        app, "lead@example.com", admin.workspace_id, WorkspaceRole.ADMIN
    ) as lead:
        response = await lead.client.post(
            "/members", json={"user_id": str(user_id), "role": "viewer"}
        )

    assert response.status_code == 201


async def test_admin_of_another_workspace_cannot_add_members_here(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")
    user_id = await create_user(app, "analyst@example.com")

    async with member(app, "lead@example.com", other, WorkspaceRole.ADMIN) as lead:
        response = await lead.client.post(
            f"/workspaces/{admin.workspace_id}/members",
            json={"user_id": str(user_id), "role": "admin"},
        )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert "analyst@example.com" not in await roles(admin.client)


# Changing roles


async def test_admin_changes_a_members_role(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    response = await admin.client.patch(f"/members/{user_id}", json={"role": "admin"})

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert (await roles(admin.client))["analyst@example.com"] == "admin"


async def test_new_role_applies_to_the_next_request(
    admin: Principal, app: FastAPI
) -> None:
    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        await admin.client.patch(f"/members/{editor.user_id}", json={"role": "viewer"})

        response = await editor.client.post("/cases", json=case_body())

    assert response.status_code == 403
    assert response.json()["error"]["missing_scopes"] == ["case:create"]


async def test_role_change_is_audited_with_old_and_new_roles(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    await admin.client.patch(f"/members/{user_id}", json={"role": "viewer"})

    entries = await audit_entries(admin.client, "member_role_changed")
    assert [(entry["target_id"], entry["details"]) for entry in entries] == [
        (str(user_id), {"old": "editor", "new": "viewer"})
    ]


async def test_setting_the_same_role_records_nothing(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    response = await admin.client.patch(f"/members/{user_id}", json={"role": "editor"})

    assert response.status_code == 200
    assert await audit_entries(admin.client, "member_role_changed") == []


async def test_changing_the_role_of_a_non_member_is_not_found(
    admin: Principal, app: FastAPI
) -> None:
    outsider = await create_user(app, "outsider@example.com")

    response = await admin.client.patch(f"/members/{outsider}", json={"role": "admin"})

    assert response.status_code == 404
    assert "outsider@example.com" not in await roles(admin.client)


async def test_invalid_role_is_refused_on_change(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    response = await admin.client.patch(f"/members/{user_id}", json={"role": "root"})

    assert response.status_code == 422
    assert (await roles(admin.client))["analyst@example.com"] == "editor"


async def test_editor_cannot_change_roles(admin: Principal, app: FastAPI) -> None:
    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        response = await editor.client.patch(
            f"/members/{editor.user_id}", json={"role": "admin"}
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert (await roles(admin.client))["editor@example.com"] == "editor"


async def test_last_admin_cannot_demote_themselves(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "lead@example.com", other, WorkspaceRole.ADMIN) as lead:
        response = await lead.client.patch(
            f"/workspaces/{other}/members/{lead.user_id}", json={"role": "editor"}
        )
        listed = await roles(lead.client, f"/workspaces/{other}/members")

    assert response.status_code == 409
    assert response.json() == LAST_ADMIN
    assert listed == {"lead@example.com": "admin"}


async def test_an_admin_can_be_demoted_while_another_remains(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "lead@example.com", admin.workspace_id, WorkspaceRole.ADMIN
    ) as lead:
        response = await lead.client.patch(
            f"/members/{lead.user_id}", json={"role": "viewer"}
        )

    assert response.status_code == 200
    assert (await roles(admin.client))["lead@example.com"] == "viewer"


async def test_instance_admin_may_demote_the_last_admin(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")
    lead_id = await create_user(
        app, "lead@example.com", workspace_id=other, role=WorkspaceRole.ADMIN
    )

    response = await admin.client.patch(
        f"/workspaces/{other}/members/{lead_id}", json={"role": "viewer"}
    )

    assert response.status_code == 200
    assert await roles(admin.client, f"/workspaces/{other}/members") == {
        "lead@example.com": "viewer"
    }


# Removing


async def test_admin_removes_a_member(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    response = await admin.client.delete(f"/members/{user_id}")

    assert response.status_code == 204
    assert response.content == b""
    assert await roles(admin.client) == {"admin@example.com": "admin"}


async def test_removed_member_loses_access(admin: Principal, app: FastAPI) -> None:
    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        await admin.client.delete(f"/members/{editor.user_id}")

        response = await editor.client.get(f"/workspaces/{admin.workspace_id}/cases")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_removal_is_audited(admin: Principal, app: FastAPI) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )

    await admin.client.delete(f"/members/{user_id}")

    entries = await audit_entries(admin.client, "member_removed")
    assert [(entry["target_id"], entry["details"]) for entry in entries] == [
        (str(user_id), {"role": "editor", "unassigned_cases": 0})
    ]


async def test_removing_a_non_member_is_not_found(
    admin: Principal, app: FastAPI
) -> None:
    outsider = await create_user(app, "outsider@example.com")

    response = await admin.client.delete(f"/members/{outsider}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"User {outsider} is not a member of this workspace"
    }


async def test_editor_cannot_remove_a_member(admin: Principal, app: FastAPI) -> None:
    async with member(app, "editor@example.com", admin.workspace_id) as editor:
        response = await editor.client.delete(f"/members/{admin.user_id}")

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert (await roles(admin.client))["admin@example.com"] == "admin"


async def test_last_admin_cannot_remove_themselves(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")

    async with member(app, "lead@example.com", other, WorkspaceRole.ADMIN) as lead:
        response = await lead.client.delete(
            f"/workspaces/{other}/members/{lead.user_id}"
        )
        listed = await roles(lead.client, f"/workspaces/{other}/members")

    assert response.status_code == 409
    assert response.json() == LAST_ADMIN
    assert listed == {"lead@example.com": "admin"}


async def test_instance_admin_may_remove_the_last_admin(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team")
    lead_id = await create_user(
        app, "lead@example.com", workspace_id=other, role=WorkspaceRole.ADMIN
    )

    response = await admin.client.delete(f"/workspaces/{other}/members/{lead_id}")

    assert response.status_code == 204
    assert await roles(admin.client, f"/workspaces/{other}/members") == {}


async def test_removal_unassigns_the_member_from_the_workspaces_cases(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    case = await admin.client.post("/cases", json=case_body(assignee_id=str(user_id)))

    await admin.client.delete(f"/members/{user_id}")

    kept = await admin.client.get(f"/cases/{case.json()['id']}")
    assert kept.status_code == 200
    assert kept.json()["assignee"] is None
    assert kept.json()["updated_at"] > case.json()["updated_at"]


async def test_unassignment_records_an_assignee_changed_event_by_the_caller(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    case = await admin.client.post("/cases", json=case_body(assignee_id=str(user_id)))

    await admin.client.delete(f"/members/{user_id}")

    events = await admin.client.get(f"/cases/{case.json()['id']}/events")
    latest = events.json()["events"][0]
    assert latest["type"] == "assignee_changed"
    assert latest["old"] == str(user_id)
    assert latest.get("new") is None
    assert latest["user_id"] == str(admin.user_id)


async def test_removal_keeps_assignments_in_other_workspaces(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    await admin.client.post(
        f"/workspaces/{other}/members",
        json={"user_id": str(user_id), "role": "editor"},
    )
    elsewhere = await admin.client.post(
        f"/workspaces/{other}/cases", json=case_body(assignee_id=str(user_id))
    )

    await admin.client.delete(f"/members/{user_id}")

    kept = await admin.client.get(f"/workspaces/{other}/cases/{elsewhere.json()['id']}")
    assert kept.json()["assignee"]["id"] == str(user_id)


async def test_removal_audit_counts_the_unassigned_cases(
    admin: Principal, app: FastAPI
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    for _ in range(2):
        await admin.client.post("/cases", json=case_body(assignee_id=str(user_id)))
    await admin.client.post("/cases", json=case_body())

    await admin.client.delete(f"/members/{user_id}")

    entries = await audit_entries(admin.client, "member_removed")
    assert entries[0]["details"]["unassigned_cases"] == 2
