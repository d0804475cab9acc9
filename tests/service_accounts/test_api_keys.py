"""Acting on cases with an API key: scopes, workspace, revocation, actors."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from casedesk.models import ApiKey, Case
from casedesk.models.base import utcnow
from tests.factories import Principal, case_body, create_workspace

UNAUTHORIZED = {"detail": "Unauthorized"}
FORBIDDEN = {"detail": "Forbidden"}


async def issue_key(
    client: httpx.AsyncClient, *scopes: str, prefix: str = ""
) -> dict[str, Any]:
    """A key of a new service account with `scopes`, and that account's id."""
    account = await client.post(
        f"{prefix}/service-accounts", json={"name": "SOAR", "scopes": list(scopes)}
    )
    assert account.status_code == 201, account.text
    key = await client.post(
        f"{prefix}/service-accounts/{account.json()['id']}/keys", json={"name": "ci"}
    )
    assert key.status_code == 201, key.text
    return dict(key.json())


def bearer(token: str) -> dict[str, str]:
    """The header that presents an API key."""
    return {"Authorization": f"Bearer {token}"}


async def case_count(app: FastAPI) -> int:
    """How many cases exist in the installation."""
    async with app.state.sessionmaker() as session:
        return len(list(await session.scalars(select(Case.id))))


async def test_read_key_lists_the_workspaces_cases(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    case = await admin.client.post("/cases", json=case_body())
    key = await issue_key(admin.client, "case:read")

    response = await anonymous.get("/cases", headers=bearer(key["key"]))

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [case.json()["id"]]


async def test_read_key_reads_one_case_and_its_events(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    case = await admin.client.post("/cases", json=case_body())
    key = await issue_key(admin.client, "case:read")

    one = await anonymous.get(f"/cases/{case.json()['id']}", headers=bearer(key["key"]))
    events = await anonymous.get(
        f"/cases/{case.json()['id']}/events", headers=bearer(key["key"])
    )

    assert one.json()["id"] == case.json()["id"]
    assert events.status_code == 200


async def test_read_key_cannot_create_a_case(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")

    response = await anonymous.post(
        "/cases", json=case_body(), headers=bearer(key["key"])
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "insufficient_scope",
            "message": "You don't have permission to perform this action.",
            "required_scopes": ["case:create"],
            "missing_scopes": ["case:create"],
        }
    }
    assert await case_count(app) == 0


@pytest.mark.parametrize(
    ("method", "scope"), [("PATCH", "case:update"), ("DELETE", "case:delete")]
)
async def test_read_key_cannot_change_or_delete_a_case(
    admin: Principal, anonymous: httpx.AsyncClient, method: str, scope: str
) -> None:
    case = await admin.client.post("/cases", json=case_body())
    key = await issue_key(admin.client, "case:read")

    response = await anonymous.request(
        method,
        f"/cases/{case.json()['id']}",
        json={"status": "closed"} if method == "PATCH" else None,
        headers=bearer(key["key"]),
    )

    assert response.status_code == 403
    assert response.json()["error"]["missing_scopes"] == [scope]
    kept = await admin.client.get(f"/cases/{case.json()['id']}")
    assert kept.json()["status"] == "new"


async def test_create_key_creates_cases_in_its_workspace(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    key = await issue_key(admin.client, "case:create", prefix=f"/workspaces/{other}")

    response = await anonymous.post(
        "/cases", json=case_body(), headers=bearer(key["key"])
    )

    assert response.status_code == 201
    assert response.headers["location"].startswith(f"/workspaces/{other}/cases/")
    in_other = await admin.client.get(f"/workspaces/{other}/cases")
    assert [item["id"] for item in in_other.json()["items"]] == [response.json()["id"]]


async def test_create_key_without_read_scope_cannot_list(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:create")

    response = await anonymous.get("/cases", headers=bearer(key["key"]))

    assert response.status_code == 403
    assert response.json()["error"]["missing_scopes"] == ["case:read"]


@pytest.mark.parametrize("mount", ["path", "query"])
async def test_key_is_forbidden_in_another_workspace(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient, mount: str
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    await admin.client.post(f"/workspaces/{other}/cases", json=case_body())
    key = await issue_key(admin.client, "case:read")
    path = (
        f"/workspaces/{other}/cases"
        if mount == "path"
        else f"/cases?workspace_id={other}"
    )

    response = await anonymous.get(path, headers=bearer(key["key"]))

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


async def test_key_cannot_create_in_another_workspace(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    key = await issue_key(admin.client, "case:read", "case:create")

    response = await anonymous.post(
        f"/workspaces/{other}/cases", json=case_body(), headers=bearer(key["key"])
    )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert await case_count(app) == 0


async def test_revoked_key_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")
    await admin.client.delete(
        f"/service-accounts/{key['service_account_id']}/keys/{key['key_id']}"
    )

    response = await anonymous.get("/cases", headers=bearer(key["key"]))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["www-authenticate"] == "Cookie"


async def test_key_of_a_deleted_service_account_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")
    await admin.client.delete(f"/service-accounts/{key['service_account_id']}")

    response = await anonymous.get("/cases", headers=bearer(key["key"]))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize(
    "token",
    [
        "cdk_garbage",
        "cdk_0123456789abcdef_" + "A" * 43,
        "cdk_0123456789abcdef",
        "cdk_",
    ],
    ids=["garbage", "unknown", "no-secret", "prefix-only"],
)
async def test_unknown_or_malformed_key_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient, token: str
) -> None:
    response = await anonymous.get("/cases", headers=bearer(token))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_key_with_a_wrong_secret_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")
    forged = f"cdk_{key['key_id']}_" + "B" * 43

    response = await anonymous.get("/cases", headers=bearer(forged))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_last_use_is_recorded(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")
    keys_path = f"/service-accounts/{key['service_account_id']}/keys"
    before = (await admin.client.get(keys_path)).json()[0]["last_used_at"]

    await anonymous.get("/cases", headers=bearer(key["key"]))

    after = (await admin.client.get(keys_path)).json()[0]["last_used_at"]
    assert before is None
    assert after is not None
    assert after >= key["created_at"]


async def test_last_use_is_refreshed_after_a_minute(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")
    long_ago = utcnow() - timedelta(hours=1)
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.key_id == key["key_id"])
            .values(last_used_at=long_ago)
        )
        await session.commit()

    await anonymous.get("/cases", headers=bearer(key["key"]))

    async with app.state.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.key_id == key["key_id"]))
    assert row is not None
    assert row.last_used_at is not None
    assert row.last_used_at > long_ago + timedelta(minutes=59)


async def test_case_created_with_a_key_names_the_service_account(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read", "case:create")
    case = await anonymous.post("/cases", json=case_body(), headers=bearer(key["key"]))

    events = await admin.client.get(f"/cases/{case.json()['id']}/events")

    (created,) = events.json()["events"]
    assert created["type"] == "case_created"
    assert created["service_account_id"] == key["service_account_id"]
    assert "user_id" not in created


async def test_update_with_a_key_names_the_service_account(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    case = await admin.client.post("/cases", json=case_body())
    key = await issue_key(admin.client, "case:update")

    response = await anonymous.patch(
        f"/cases/{case.json()['id']}",
        json={"status": "in_progress"},
        headers=bearer(key["key"]),
    )

    assert response.status_code == 204
    events = (await admin.client.get(f"/cases/{case.json()['id']}/events")).json()
    latest = events["events"][0]
    assert (latest["type"], latest["service_account_id"]) == (
        "status_changed",
        key["service_account_id"],
    )
    assert "user_id" not in latest


async def test_bearer_token_without_the_key_prefix_is_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    response = await anonymous.get("/cases", headers=bearer("tc_ws_sk_abc_def"))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_key_cannot_list_service_accounts(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read", "case:delete")

    response = await anonymous.get("/service-accounts", headers=bearer(key["key"]))

    assert response.status_code == 403
    assert response.json()["error"]["missing_scopes"] == ["workspace:manage"]
    assert key["service_account_id"] not in response.text


async def test_key_naming_an_unknown_workspace_is_forbidden(
    admin: Principal, anonymous: httpx.AsyncClient
) -> None:
    key = await issue_key(admin.client, "case:read")

    response = await anonymous.get(
        f"/workspaces/{uuid.uuid4()}/cases", headers=bearer(key["key"])
    )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
