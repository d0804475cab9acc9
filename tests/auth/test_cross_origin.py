"""Cookie-authenticated writes sent from another site's page are refused."""

import uuid

import httpx
import pytest
from fastapi import FastAPI

from casedesk.auth.api_keys import issue_key
from casedesk.models import ApiKey, ServiceAccount
from casedesk.workspaces.roles import SERVICE_ACCOUNT_SCOPES
from tests.conftest import new_client
from tests.factories import Principal, case_body, create_cases

EVIL_ORIGIN = "https://evil.example"
REFUSED = {"detail": "Cross-origin request refused"}


async def create_key(app: FastAPI, workspace_id: uuid.UUID) -> str:
    """A key with every case scope in the workspace; returns its token."""
    issued = issue_key()
    async with app.state.sessionmaker() as session:
        account = ServiceAccount(
            workspace_id=workspace_id,
            name="automation",
            scopes=sorted(SERVICE_ACCOUNT_SCOPES),
            is_active=True,
        )
        session.add(account)
        await session.flush()
        session.add(
            ApiKey(
                service_account_id=account.id,
                workspace_id=workspace_id,
                key_id=issued.key_id,
                secret_hash=issued.secret_hash,
                name="ci",
            )
        )
        await session.commit()
    return issued.token


async def test_cookie_post_from_a_foreign_origin_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/cases", json=case_body(), headers={"Origin": EVIL_ORIGIN}
    )

    assert response.status_code == 403
    assert response.json() == REFUSED
    assert (await client.get("/cases")).json()["items"] == []


async def test_cookie_patch_from_a_foreign_origin_is_refused(
    client: httpx.AsyncClient,
) -> None:
    [case] = await create_cases(client, 1)

    response = await client.patch(
        f"/cases/{case['id']}",
        json={"summary": "Changed from elsewhere"},
        headers={"Origin": EVIL_ORIGIN},
    )

    assert response.status_code == 403
    assert response.json() == REFUSED
    assert (await client.get(f"/cases/{case['id']}")).json()["summary"] == (
        case["summary"]
    )


async def test_cookie_delete_from_a_foreign_origin_is_refused(
    client: httpx.AsyncClient,
) -> None:
    [case] = await create_cases(client, 1)

    response = await client.delete(
        f"/cases/{case['id']}", headers={"Origin": EVIL_ORIGIN}
    )

    assert response.status_code == 403
    assert (await client.get(f"/cases/{case['id']}")).status_code == 200


async def test_cookie_write_with_a_foreign_referer_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/cases", json=case_body(), headers={"Referer": f"{EVIL_ORIGIN}/page"}
    )

    assert response.status_code == 403
    assert response.json() == REFUSED


async def test_cookie_write_from_an_opaque_origin_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/cases", json=case_body(), headers={"Origin": "null"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "http://127.0.0.1:8000"},
        {"Referer": "http://127.0.0.1:8000/docs"},
        {},
    ],
    ids=["own-host", "public-url", "public-url-referer", "no-origin"],
)
async def test_cookie_write_from_casedesk_or_a_script_is_accepted(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/cases", json=case_body(), headers=headers)

    assert response.status_code == 201


async def test_cookie_read_from_a_foreign_origin_is_answered(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/cases", headers={"Origin": EVIL_ORIGIN})

    assert response.status_code == 200


async def test_bearer_key_write_is_not_checked_for_origin(
    app: FastAPI, admin: Principal
) -> None:
    token = await create_key(app, admin.workspace_id)
    async with new_client(app) as automation:
        response = await automation.post(
            "/cases",
            json=case_body(),
            headers={"Authorization": f"Bearer {token}", "Origin": EVIL_ORIGIN},
        )

    assert response.status_code == 201
