"""The installation the authorization matrix runs against, and its callers.

Workspace A holds a case, a member, a service account with a key and the
callers' memberships; workspace B belongs to the outsider. Every caller is a
set of credentials: a session cookie, an API key, or nothing.
"""

import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.tokens import hash_token
from casedesk.models import AccessToken, User
from casedesk.workspaces.roles import WorkspaceRole
from tests.factories import case_body, create_user, create_workspace, hashed_password

PASSWORD = "another-long-password"
LOGIN_EMAIL = "matrix.login@example.com"
WORKSPACE_NAME = "Northwind SOC (matrix workspace A)"
OTHER_WORKSPACE_NAME = "Contoso CERT (matrix workspace B)"
CASE_SUMMARY = "Matrix target: ransom note found on FS-07"
TARGET_USER_EMAIL = "matrix.target.user@example.com"
TARGET_MEMBER_EMAIL = "matrix.target.member@example.com"
ACCOUNT_NAME = "Matrix target robot"
CASE_SCOPES = ("case:read", "case:create", "case:update", "case:delete")


class Caller(StrEnum):
    """Who calls a route in one cell of the matrix."""

    ANONYMOUS = "anonymous"
    VIEWER = "viewer"
    EDITOR = "editor"
    WORKSPACE_ADMIN = "workspace admin"
    INSTANCE_ADMIN = "instance admin"
    OUTSIDER = "admin of another workspace"
    KEY_WITH_SCOPE = "key with the scope"
    KEY_WITHOUT_SCOPE = "key without the scope"
    REVOKED_KEY = "revoked key"
    FOREIGN_KEY = "key of another workspace"


MEMBERS_OF_A = {
    Caller.VIEWER: WorkspaceRole.VIEWER,
    Caller.EDITOR: WorkspaceRole.EDITOR,
    Caller.WORKSPACE_ADMIN: WorkspaceRole.ADMIN,
}
PEOPLE = (*MEMBERS_OF_A, Caller.INSTANCE_ADMIN, Caller.OUTSIDER)
KEYS = (
    Caller.KEY_WITH_SCOPE,
    Caller.KEY_WITHOUT_SCOPE,
    Caller.REVOKED_KEY,
    Caller.FOREIGN_KEY,
)


def key_scopes_with(required: str | None) -> frozenset[str]:
    """The scopes of the key holding what a route requires.

    Exactly that scope when a key can hold it; otherwise every scope a key
    can hold, so that even the strongest key is shown refused.
    """
    if required in CASE_SCOPES:
        return frozenset({required})
    return frozenset(CASE_SCOPES)


def key_scopes_without(required: str | None) -> frozenset[str]:
    """The scopes of the key lacking what a route requires: all the others."""
    if required not in CASE_SCOPES:
        return frozenset({"case:read"})
    # An update grant implies read, so a key without read lacks update too.
    implied = {"case:update"} if required == "case:read" else set()
    return frozenset(CASE_SCOPES) - {required} - implied


def key_scope_sets() -> set[frozenset[str]]:
    """Every scope set some cell's key needs."""
    required: list[str | None] = [*CASE_SCOPES, "workspace:manage", None]
    return {key_scopes_with(scope) for scope in required} | {
        key_scopes_without(scope) for scope in required
    }


def unique(label: str) -> str:
    """A value no other cell uses, so a change can be traced to one call."""
    return f"{label} {uuid.uuid4().hex[:10]}"


@dataclass
class World:
    """Workspace A with its targets, workspace B, and every caller's credential."""

    app: FastAPI
    admin: httpx.AsyncClient
    workspace_id: uuid.UUID
    other_workspace_id: uuid.UUID
    case_id: str
    member_id: uuid.UUID
    user_id: uuid.UUID
    account_id: str
    key_id: str
    user_ids: dict[Caller, uuid.UUID]
    sessions: dict[Caller, str]
    keys: dict[frozenset[str], str]
    revoked_key: str
    foreign_key: str
    data: tuple[str, ...]

    def in_a(self, path: str) -> str:
        """`path` on workspace A's prefixed mount."""
        return f"/workspaces/{self.workspace_id}{path}"

    def credentials(
        self, caller: Caller, required: str | None, *, session: str | None = None
    ) -> dict[str, str]:
        """The headers `caller` sends to a route requiring `required`."""
        if caller in self.sessions:
            return {
                "Cookie": f"{SESSION_COOKIE_NAME}={session or self.sessions[caller]}"
            }
        tokens = {
            Caller.KEY_WITH_SCOPE: self.keys[key_scopes_with(required)],
            Caller.KEY_WITHOUT_SCOPE: self.keys[key_scopes_without(required)],
            Caller.REVOKED_KEY: self.revoked_key,
            Caller.FOREIGN_KEY: self.foreign_key,
        }
        if caller in tokens:
            return {"Authorization": f"Bearer {tokens[caller]}"}
        return {}

    async def new_case(self) -> dict[str, Any]:
        """A case of workspace A, created by the instance admin."""
        response = await self.admin.post(
            self.in_a("/cases"), json=case_body(summary=unique("Doomed case"))
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def new_user(
        self, *, role: WorkspaceRole | None = None
    ) -> tuple[uuid.UUID, str]:
        """A user, a member of workspace A when given a role; id and email."""
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        user_id = await create_user(
            self.app,
            email,
            PASSWORD,
            workspace_id=self.workspace_id if role else None,
            role=role or WorkspaceRole.VIEWER,
        )
        return user_id, email

    async def new_account(self) -> dict[str, Any]:
        """A service account of workspace A."""
        response = await self.admin.post(
            self.in_a("/service-accounts"),
            json={"name": unique("Doomed robot"), "scopes": ["case:read"]},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def new_key(self, account_id: str) -> dict[str, Any]:
        """A key of one of workspace A's service accounts, as issued."""
        response = await self.admin.post(
            self.in_a(f"/service-accounts/{account_id}/keys"),
            json={"name": unique("Doomed key")},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


async def session_token(app: FastAPI, user_id: uuid.UUID) -> str:
    """A new session cookie value for the user (no password check)."""
    token = secrets.token_urlsafe(32)
    async with app.state.sessionmaker() as session:
        session.add(AccessToken(token=hash_token(token), user_id=user_id))
        await session.commit()
    return token


async def reset_password(app: FastAPI, user_id: uuid.UUID) -> None:
    """Give the user `PASSWORD` again, whatever an earlier cell changed it to."""
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(hashed_password=hashed_password(PASSWORD))
        )
        await session.commit()


async def build_world(app: FastAPI, admin: httpx.AsyncClient) -> World:
    """Create both workspaces, the targets and the callers on an empty database."""
    workspace_id = await create_workspace(app, WORKSPACE_NAME)
    other_workspace_id = await create_workspace(app, OTHER_WORKSPACE_NAME)
    user_ids = {
        Caller.INSTANCE_ADMIN: await create_user(
            app, "matrix.instance.admin@example.com", PASSWORD, superuser=True
        ),
        Caller.OUTSIDER: await create_user(
            app,
            "matrix.outsider@example.com",
            PASSWORD,
            workspace_id=other_workspace_id,
            role=WorkspaceRole.ADMIN,
        ),
    }
    for caller, role in MEMBERS_OF_A.items():
        user_ids[caller] = await create_user(
            app,
            f"matrix.{caller.value.replace(' ', '.')}@example.com",
            PASSWORD,
            workspace_id=workspace_id,
            role=role,
        )
    sessions = {caller: await session_token(app, user_ids[caller]) for caller in PEOPLE}
    admin.cookies.set(SESSION_COOKIE_NAME, sessions[Caller.INSTANCE_ADMIN])

    await create_user(app, LOGIN_EMAIL, PASSWORD)
    user_id = await create_user(app, TARGET_USER_EMAIL, PASSWORD)
    member_id = await create_user(
        app,
        TARGET_MEMBER_EMAIL,
        PASSWORD,
        workspace_id=workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    prefix = f"/workspaces/{workspace_id}"
    case = await _created(admin, f"{prefix}/cases", case_body(summary=CASE_SUMMARY))
    account = await _created(
        admin,
        f"{prefix}/service-accounts",
        {"name": ACCOUNT_NAME, "scopes": ["case:read"]},
    )
    key = await _created(
        admin,
        f"{prefix}/service-accounts/{account['id']}/keys",
        {"name": "Matrix target key"},
    )

    keys = {
        scopes: (await _issue(admin, workspace_id, scopes))["key"]
        for scopes in key_scope_sets()
    }
    revoked = await _issue(admin, workspace_id, frozenset(CASE_SCOPES))
    response = await admin.delete(
        f"{prefix}/service-accounts/{revoked['service_account_id']}"
        f"/keys/{revoked['key_id']}"
    )
    assert response.status_code == 204, response.text
    foreign = await _issue(admin, other_workspace_id, frozenset(CASE_SCOPES))

    users = await admin.get("/users")
    assert users.status_code == 200, users.text
    emails = [user["email"] for user in users.json()]
    return World(
        app=app,
        admin=admin,
        workspace_id=workspace_id,
        other_workspace_id=other_workspace_id,
        case_id=case["id"],
        member_id=member_id,
        user_id=user_id,
        account_id=account["id"],
        key_id=key["key_id"],
        user_ids=user_ids,
        sessions=sessions,
        keys=keys,
        revoked_key=revoked["key"],
        foreign_key=foreign["key"],
        data=(
            WORKSPACE_NAME,
            OTHER_WORKSPACE_NAME,
            str(workspace_id),
            str(other_workspace_id),
            CASE_SUMMARY,
            case["id"],
            TARGET_USER_EMAIL,
            str(user_id),
            TARGET_MEMBER_EMAIL,
            str(member_id),
            ACCOUNT_NAME,
            account["id"],
            key["key_id"],
            key["key"],
            *emails,
            *(str(user) for user in user_ids.values()),
            *sessions.values(),
            *keys.values(),
            revoked["key"],
            foreign["key"],
        ),
    )


async def _created(
    client: httpx.AsyncClient, url: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(url, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _issue(
    admin: httpx.AsyncClient, workspace_id: uuid.UUID, scopes: frozenset[str]
) -> dict[str, Any]:
    """A key of a new service account holding `scopes`, as issued."""
    prefix = f"/workspaces/{workspace_id}/service-accounts"
    account = await _created(
        admin, prefix, {"name": unique("Matrix robot"), "scopes": sorted(scopes)}
    )
    return await _created(
        admin, f"{prefix}/{account['id']}/keys", {"name": unique("Matrix key")}
    )
