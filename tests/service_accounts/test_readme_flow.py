"""The README's walk-through: a second team, an editor, a read-only key."""

import httpx
from fastapi import FastAPI

from tests.conftest import new_client
from tests.factories import Principal, case_body, sign_in

EDITOR_EMAIL = "dana@example.com"
EDITOR_PASSWORD = "purple-otter-lantern"


async def test_readme_flow_gives_a_read_only_key_that_cannot_create(
    admin: Principal, app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    workspace = await admin.client.post("/workspaces", json={"name": "Blue team"})
    assert workspace.status_code == 201, workspace.text
    base = workspace.headers["location"]
    user = await admin.client.post(
        "/users", json={"email": EDITOR_EMAIL, "password": EDITOR_PASSWORD}
    )
    assert user.status_code == 201, user.text
    invited = await admin.client.post(
        f"{base}/members", json={"email": EDITOR_EMAIL, "role": "editor"}
    )
    assert invited.status_code == 201, invited.text
    async with new_client(app) as client:
        editor = await sign_in(client, EDITOR_EMAIL, EDITOR_PASSWORD)
        case = await editor.client.post(f"{base}/cases", json=case_body())
    assert case.status_code == 201, case.text
    account = await admin.client.post(
        f"{base}/service-accounts", json={"name": "SOAR", "scopes": ["case:read"]}
    )
    issued = await admin.client.post(
        f"{base}/service-accounts/{account.json()['id']}/keys",
        json={"name": "nightly sync"},
    )
    key = {"Authorization": f"Bearer {issued.json()['key']}"}

    listed = await anonymous.get("/cases", headers=key)
    refused = await anonymous.post("/cases", json=case_body(), headers=key)

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [case.json()["id"]]
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert refused.json()["error"]["missing_scopes"] == ["case:create"]
