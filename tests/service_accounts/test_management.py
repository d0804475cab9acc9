"""Creating service accounts and issuing, listing and revoking their keys."""

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from casedesk.auth.api_keys import hash_secret
from casedesk.models import ApiKey, AuditEvent, ServiceAccount
from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, create_user, create_workspace, open_session

KEY_FORMAT = re.compile(r"^cdk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
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
    app: FastAPI, email: str, workspace_id: uuid.UUID | None, role: WorkspaceRole
) -> AsyncIterator[Principal]:
    """A new user with a role in the workspace, signed in on their own client."""
    user_id = await create_user(app, email, workspace_id=workspace_id, role=role)
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


async def create_account(
    client: httpx.AsyncClient,
    *scopes: str,
    name: str = "SOAR",
    prefix: str = "",
) -> dict[str, Any]:
    """A new service account, created through the API."""
    response = await client.post(
        f"{prefix}/service-accounts", json={"name": name, "scopes": list(scopes)}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_key(
    client: httpx.AsyncClient, account_id: str, prefix: str = ""
) -> dict[str, Any]:
    """A new key of the account, with its one-time token."""
    response = await client.post(
        f"{prefix}/service-accounts/{account_id}/keys", json={"name": "nightly"}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def account_count(app: FastAPI) -> int:
    """How many service accounts exist in the installation."""
    async with app.state.sessionmaker() as session:
        return len(list(await session.scalars(select(ServiceAccount.id))))


def secret_of(token: str) -> str:
    """The secret part of a full key."""
    match = KEY_FORMAT.fullmatch(token)
    assert match is not None
    return match.group(2)


def bearer(token: str) -> dict[str, str]:
    """The header that presents an API key."""
    return {"Authorization": f"Bearer {token}"}


# Service accounts


async def test_admin_creates_a_service_account(admin: Principal) -> None:
    response = await admin.client.post(
        "/service-accounts", json={"name": "SOAR", "scopes": ["case:read"]}
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["scopes"], body["is_active"]) == (
        "SOAR",
        ["case:read"],
        True,
    )
    assert body["workspace_id"] == str(admin.workspace_id)
    assert body["created_by"] == str(admin.user_id)
    assert response.headers["location"] == (
        f"/workspaces/{admin.workspace_id}/service-accounts/{body['id']}"
    )


async def test_scopes_are_stored_once_in_a_fixed_order(admin: Principal) -> None:
    account = await create_account(
        admin.client, "case:delete", "case:read", "case:delete", "case:create"
    )

    assert account["scopes"] == ["case:read", "case:create", "case:delete"]


@pytest.mark.parametrize(
    "scopes",
    [[], ["workspace:manage"], ["case:*"], ["*"], ["case:read", "case:admin"], None],
    ids=["empty", "manage", "wildcard", "star", "unknown", "null"],
)
async def test_scopes_outside_the_case_scopes_are_refused(
    admin: Principal, app: FastAPI, scopes: list[str] | None
) -> None:
    response = await admin.client.post(
        "/service-accounts", json={"name": "SOAR", "scopes": scopes}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "scopes"]
    assert await account_count(app) == 0


async def test_service_account_needs_a_name(admin: Principal, app: FastAPI) -> None:
    response = await admin.client.post(
        "/service-accounts", json={"name": "  ", "scopes": ["case:read"]}
    )

    assert response.status_code == 422
    assert await account_count(app) == 0


async def test_service_account_creation_is_audited(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read", "case:create")

    entries = (
        await admin.client.get("/audit", params={"action": "service_account_created"})
    ).json()["items"]

    assert [(entry["target_id"], entry["details"]) for entry in entries] == [
        (account["id"], {"name": "SOAR", "scopes": ["case:read", "case:create"]})
    ]
    assert entries[0]["workspace_id"] == str(admin.workspace_id)


@pytest.mark.parametrize("role", [WorkspaceRole.EDITOR, WorkspaceRole.VIEWER])
async def test_non_admin_member_cannot_create_a_service_account(
    admin: Principal, app: FastAPI, role: WorkspaceRole
) -> None:
    async with member(app, "someone@example.com", admin.workspace_id, role) as user:
        response = await user.client.post(
            "/service-accounts", json={"name": "Mine", "scopes": ["case:read"]}
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    assert await account_count(app) == 0


async def test_workspace_admin_creates_a_service_account(
    admin: Principal, app: FastAPI
) -> None:
    async with member(
        app, "lead@example.com", admin.workspace_id, WorkspaceRole.ADMIN
    ) as lead:
        response = await lead.client.post(
            "/service-accounts", json={"name": "Mine", "scopes": ["case:read"]}
        )

    assert response.status_code == 201
    assert response.json()["created_by"] == str(lead.user_id)


async def test_service_accounts_are_listed_oldest_first(admin: Principal) -> None:
    first = await create_account(admin.client, "case:read", name="first")
    second = await create_account(admin.client, "case:create", name="second")

    response = await admin.client.get("/service-accounts")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [first["id"], second["id"]]


async def test_service_accounts_of_another_workspace_are_not_listed(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    await create_account(admin.client, "case:read", prefix=f"/workspaces/{other}")

    response = await admin.client.get("/service-accounts")

    assert response.json() == []


async def test_one_service_account_is_read(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    response = await admin.client.get(f"/service-accounts/{account['id']}")

    assert response.status_code == 200
    assert response.json() == account


@pytest.mark.parametrize("mount", ["path", "query"])
async def test_service_account_of_another_workspace_is_not_found(
    admin: Principal, app: FastAPI, mount: str
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    account = await create_account(
        admin.client, "case:read", prefix=f"/workspaces/{other}"
    )
    path = (
        f"/workspaces/{admin.workspace_id}/service-accounts/{account['id']}"
        if mount == "path"
        else f"/service-accounts/{account['id']}?workspace_id={admin.workspace_id}"
    )

    response = await admin.client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": f"Service account {account['id']} not found"}


async def test_deleting_a_service_account_deactivates_it(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    response = await admin.client.delete(f"/service-accounts/{account['id']}")

    assert response.status_code == 204
    read = await admin.client.get(f"/service-accounts/{account['id']}")
    assert read.json()["is_active"] is False


async def test_deleting_a_service_account_revokes_its_keys(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    account = await create_account(admin.client, "case:read")
    key = await create_key(admin.client, account["id"])

    await admin.client.delete(f"/service-accounts/{account['id']}")

    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert keys.json()[0]["revoked_at"] is not None
    used = await anonymous.get("/cases", headers=bearer(key["key"]))
    assert used.status_code == 401


async def test_service_account_deletion_is_audited_with_its_revoked_keys(
    admin: Principal,
) -> None:
    account = await create_account(admin.client, "case:read")
    key = await create_key(admin.client, account["id"])

    await admin.client.delete(f"/service-accounts/{account['id']}")

    deleted = (
        await admin.client.get("/audit", params={"action": "service_account_deleted"})
    ).json()["items"]
    revoked = (
        await admin.client.get("/audit", params={"action": "key_revoked"})
    ).json()["items"]
    assert [entry["details"] for entry in deleted] == [
        {"name": "SOAR", "revoked_keys": 1}
    ]
    assert [entry["target_id"] for entry in revoked] == [key["key_id"]]


async def test_deleting_a_service_account_twice_changes_nothing(
    admin: Principal,
) -> None:
    account = await create_account(admin.client, "case:read")
    await admin.client.delete(f"/service-accounts/{account['id']}")

    response = await admin.client.delete(f"/service-accounts/{account['id']}")

    assert response.status_code == 204
    deleted = (
        await admin.client.get("/audit", params={"action": "service_account_deleted"})
    ).json()["items"]
    assert len(deleted) == 1


async def test_editor_cannot_delete_a_service_account(
    admin: Principal, app: FastAPI
) -> None:
    account = await create_account(admin.client, "case:read")

    async with member(
        app, "editor@example.com", admin.workspace_id, WorkspaceRole.EDITOR
    ) as editor:
        response = await editor.client.delete(f"/service-accounts/{account['id']}")

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    read = await admin.client.get(f"/service-accounts/{account['id']}")
    assert read.json()["is_active"] is True


# Keys


async def test_issued_key_is_returned_once_with_its_prefix(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    response = await admin.client.post(
        f"/service-accounts/{account['id']}/keys", json={"name": "nightly"}
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "key_id",
        "service_account_id",
        "name",
        "prefix",
        "key",
        "created_at",
    }
    assert (body["name"], body["prefix"], body["service_account_id"]) == (
        "nightly",
        "cdk_",
        account["id"],
    )
    match = KEY_FORMAT.fullmatch(body["key"])
    assert match is not None
    assert match.group(1) == body["key_id"]


async def test_each_issued_key_is_different(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    first = await create_key(admin.client, account["id"])
    second = await create_key(admin.client, account["id"])

    assert first["key"] != second["key"]
    assert first["key_id"] != second["key_id"]


async def test_key_is_stored_only_as_a_hash(admin: Principal, app: FastAPI) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])
    secret = secret_of(issued["key"])

    async with app.state.sessionmaker() as session:
        row = await session.scalar(
            select(ApiKey).where(ApiKey.key_id == issued["key_id"])
        )
    assert row is not None

    stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert not any(secret in value or issued["key"] in value for value in stored)
    assert not any(secret[:12] in value for value in stored)
    assert row.secret_hash == hash_secret(secret)


async def test_key_listing_shows_no_secret(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])

    response = await admin.client.get(f"/service-accounts/{account['id']}/keys")

    assert response.status_code == 200
    (listed,) = response.json()
    assert set(listed) == {
        "id",
        "key_id",
        "service_account_id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    }
    assert (listed["key_id"], listed["last_used_at"], listed["revoked_at"]) == (
        issued["key_id"],
        None,
        None,
    )
    assert secret_of(issued["key"]) not in response.text


async def test_key_creation_is_audited_without_the_key(
    admin: Principal, app: FastAPI
) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])

    entries = (
        await admin.client.get("/audit", params={"action": "key_created"})
    ).json()["items"]

    assert [(entry["target_id"], entry["details"]) for entry in entries] == [
        (issued["key_id"], {"service_account_id": account["id"], "name": "nightly"})
    ]
    async with app.state.sessionmaker() as session:
        rows = list(await session.scalars(select(AuditEvent)))
    secret = secret_of(issued["key"])
    assert all(secret not in str(row.details) for row in rows)


async def test_key_needs_a_name(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    response = await admin.client.post(
        f"/service-accounts/{account['id']}/keys", json={}
    )

    assert response.status_code == 422
    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert keys.json() == []


async def test_deactivated_account_gets_no_new_key(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")
    await admin.client.delete(f"/service-accounts/{account['id']}")

    response = await admin.client.post(
        f"/service-accounts/{account['id']}/keys", json={"name": "again"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Service account {account['id']} is deactivated"
    }
    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert keys.json() == []


async def test_editor_cannot_issue_a_key(admin: Principal, app: FastAPI) -> None:
    account = await create_account(admin.client, "case:read")

    async with member(
        app, "editor@example.com", admin.workspace_id, WorkspaceRole.EDITOR
    ) as editor:
        response = await editor.client.post(
            f"/service-accounts/{account['id']}/keys", json={"name": "mine"}
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert keys.json() == []


async def test_api_key_cannot_issue_keys(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    account = await create_account(
        admin.client, "case:read", "case:create", "case:update", "case:delete"
    )
    issued = await create_key(admin.client, account["id"])

    response = await anonymous.post(
        f"/service-accounts/{account['id']}/keys",
        json={"name": "escalate"},
        headers=bearer(issued["key"]),
    )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert len(keys.json()) == 1


async def test_keys_of_an_account_in_another_workspace_are_not_found(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    account = await create_account(
        admin.client, "case:read", prefix=f"/workspaces/{other}"
    )

    listed = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    issued = await admin.client.post(
        f"/service-accounts/{account['id']}/keys", json={"name": "x"}
    )

    assert listed.status_code == 404
    assert issued.status_code == 404


async def test_admin_revokes_a_key(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])

    response = await admin.client.delete(
        f"/service-accounts/{account['id']}/keys/{issued['key_id']}"
    )

    assert response.status_code == 204
    keys = await admin.client.get(f"/service-accounts/{account['id']}/keys")
    assert keys.json()[0]["revoked_at"] is not None
    used = await anonymous.get("/cases", headers=bearer(issued["key"]))
    assert used.status_code == 401


async def test_revocation_is_audited(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])

    await admin.client.delete(
        f"/service-accounts/{account['id']}/keys/{issued['key_id']}"
    )

    entries = (
        await admin.client.get("/audit", params={"action": "key_revoked"})
    ).json()["items"]
    assert [(entry["target_id"], entry["actor_user_id"]) for entry in entries] == [
        (issued["key_id"], str(admin.user_id))
    ]


async def test_revoking_keeps_the_other_keys_working(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    account = await create_account(admin.client, "case:read")
    revoked = await create_key(admin.client, account["id"])
    kept = await create_key(admin.client, account["id"])

    await admin.client.delete(
        f"/service-accounts/{account['id']}/keys/{revoked['key_id']}"
    )

    used = await anonymous.get("/cases", headers=bearer(kept["key"]))
    assert used.status_code == 200


async def test_revoking_an_unknown_key_is_not_found(admin: Principal) -> None:
    account = await create_account(admin.client, "case:read")

    response = await admin.client.delete(
        f"/service-accounts/{account['id']}/keys/0123456789abcdef"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "API key 0123456789abcdef not found"}


async def test_key_cannot_be_revoked_through_another_account(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    owner = await create_account(admin.client, "case:read", name="owner")
    other = await create_account(admin.client, "case:read", name="other")
    issued = await create_key(admin.client, owner["id"])

    response = await admin.client.delete(
        f"/service-accounts/{other['id']}/keys/{issued['key_id']}"
    )

    assert response.status_code == 404
    used = await anonymous.get("/cases", headers=bearer(issued["key"]))
    assert used.status_code == 200


async def test_editor_cannot_revoke_a_key(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    account = await create_account(admin.client, "case:read")
    issued = await create_key(admin.client, account["id"])

    async with member(
        app, "editor@example.com", admin.workspace_id, WorkspaceRole.EDITOR
    ) as editor:
        response = await editor.client.delete(
            f"/service-accounts/{account['id']}/keys/{issued['key_id']}"
        )

    assert response.status_code == 403
    assert response.json() == MANAGE_SCOPE_ERROR
    used = await anonymous.get("/cases", headers=bearer(issued["key"]))
    assert used.status_code == 200
