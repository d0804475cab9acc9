"""Requests built to hurt: each gets a clear 4xx page, never a 500 or a stall."""

import httpx
import pytest
from fastapi import FastAPI

from casedesk.web.pages import queue
from tests.conftest import new_client
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, Principal, case_body
from tests.web.support import case_page_path, csrf_token, page_token, queue_path

HOSTILE_JSON = {
    "infinite": "1e999",
    "nan": "NaN",
    "surrogate": '"\\ud800"',
    "deep": "[" * 3000,
}


async def _case_with_field(client: httpx.AsyncClient, field_type: str) -> str:
    field = await client.post("/case-fields", json={"name": "raw", "type": field_type})
    assert field.status_code == 201, field.text
    created = await client.post("/cases", json=case_body())
    return str(created.json()["id"])


async def test_a_flood_of_field_filters_is_refused_cheaply(admin: Principal) -> None:
    rows = [
        pair
        for index in range(1500)
        for pair in (("cf_name", f"made_up_{index}"), ("cf_value", "1"))
    ]

    response = await admin.client.get(queue_path(admin.workspace_id), params=rows)

    assert response.status_code == 422
    assert "At most 10 custom field filters" in response.text
    assert len(response.content) < 500_000


@pytest.mark.parametrize("limit", ["²", "①", "1" + "0" * 5000])
async def test_an_odd_page_size_is_a_refusal(admin: Principal, limit: str) -> None:
    response = await admin.client.get(
        queue_path(admin.workspace_id), params={"limit": limit}
    )

    assert response.status_code == 422
    assert 'data-testid="error-filters"' in response.text


@pytest.mark.parametrize("entered", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
async def test_json_no_document_can_carry_is_refused_by_its_input(
    admin: Principal, entered: str
) -> None:
    case_id = await _case_with_field(admin.client, "JSONB")
    page = case_page_path(admin.workspace_id, case_id)

    response = await admin.client.post(
        f"{page}/fields/raw",
        data={"csrf_token": await page_token(admin.client, page), "value": entered},
    )

    assert response.status_code == 422
    assert 'data-testid="error-fields.raw"' in response.text
    stored = (await admin.client.get(f"/cases/{case_id}")).json()["fields"]
    assert [item["value"] for item in stored if item["id"] == "raw"] == [None]


@pytest.mark.parametrize("entered", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
async def test_json_defaults_and_new_cases_refuse_it_too(
    admin: Principal, entered: str
) -> None:
    client = admin.client
    field = await client.post("/case-fields", json={"name": "raw", "type": "JSONB"})
    settings = f"/ui/w/{admin.workspace_id}/settings/fields"
    new_case = f"/ui/w/{admin.workspace_id}/cases/new"

    default = await client.post(
        settings,
        data={
            "csrf_token": await page_token(client, settings),
            "name": "other",
            "type": "JSONB",
            "default": entered,
        },
    )
    created = await client.post(
        new_case,
        data={
            "csrf_token": await page_token(client, new_case),
            "summary": "Hostile JSON",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
            f"fields.{field.json()['id']}": entered,
        },
    )

    assert default.status_code == 422
    assert created.status_code == 422
    assert [item["id"] for item in (await client.get("/case-fields")).json()] == [
        "id",
        "case_id",
        "created_at",
        "updated_at",
        "raw",
    ]
    assert (await client.get("/cases")).json()["items"] == []


async def test_a_timestamp_past_the_calendar_is_the_apis_refusal(
    admin: Principal,
) -> None:
    case_id = await _case_with_field(admin.client, "TIMESTAMPTZ")
    page = case_page_path(admin.workspace_id, case_id)

    response = await admin.client.post(
        f"{page}/fields/raw",
        data={
            "csrf_token": await page_token(admin.client, page),
            "value": "9999-12-31T23:59:59-23:59",
        },
    )

    assert response.status_code == 400
    assert 'data-testid="error-fields.raw"' in response.text


async def test_non_ascii_headers_reach_no_500(admin: Principal) -> None:
    response = await admin.client.get(
        queue_path(admin.workspace_id),
        headers={"user-agent": "café/1.0".encode(), "accept-language": b"fr-\xe9"},
    )

    assert response.status_code == 200


async def test_a_non_ascii_cookie_is_sent_to_sign_in(app: FastAPI) -> None:
    async with new_client(app) as browser:
        response = await browser.get(
            "/ui/", headers={"cookie": b"fastapiusersauth=\xe9t\xe9"}
        )

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2F"


async def test_a_session_ended_elsewhere_does_not_block_signing_in(
    app: FastAPI, admin: Principal
) -> None:
    async with new_client(app) as browser:
        form = await browser.get("/ui/login")
        await browser.post(
            "/ui/login",
            data={
                "csrf_token": csrf_token(form.text),
                "email": ADMIN_EMAIL,
                "password": ADMIN_PASSWORD,
            },
        )
        token = browser.cookies.get("fastapiusersauth")
        async with new_client(app) as elsewhere:
            elsewhere.cookies.set("fastapiusersauth", token)
            assert (await elsewhere.post("/auth/logout")).status_code == 204

        redirected = await browser.get(queue_path(admin.workspace_id))
        form = await browser.get("/ui/login")
        signed_in = await browser.post(
            "/ui/login",
            data={
                "csrf_token": csrf_token(form.text),
                "email": ADMIN_EMAIL,
                "password": ADMIN_PASSWORD,
            },
        )

        assert redirected.status_code == 303
        assert 'fastapiusersauth=""' in redirected.headers["set-cookie"]
        assert signed_in.status_code == 303
        assert (await browser.get("/users/me")).status_code == 200


async def test_an_unexpected_failure_keeps_the_security_headers(
    app: FastAPI, admin: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queue, "render_queue", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies=admin.client.cookies
    ) as client:
        response = await client.get(queue_path(admin.workspace_id))

    assert response.status_code == 500
    assert "An unexpected error occurred" in response.text
    assert "a bug" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]


async def test_dot_segments_in_an_id_name_nothing_else(admin: Principal) -> None:
    client = admin.client
    account = await client.post(
        "/service-accounts", json={"name": "SOAR", "scopes": ["case:read"]}
    )
    account_id = account.json()["id"]
    settings = f"/ui/w/{admin.workspace_id}/settings/keys"
    token = await page_token(client, settings)

    response = await client.post(
        f"{settings}/accounts/{account_id}/keys/%2E%2E/revoke",
        data={"csrf_token": token},
    )

    assert response.status_code == 404
    listed = (await client.get(f"/service-accounts/{account_id}")).json()
    assert listed["is_active"] is True


async def test_a_refused_scope_is_said_in_words(
    admin: Principal, editor: Principal
) -> None:
    created = await admin.client.post("/cases", json=case_body())
    page = case_page_path(admin.workspace_id, created.json()["id"])

    response = await editor.client.post(
        f"{page}/delete", data={"csrf_token": await page_token(editor.client, page)}
    )

    assert response.status_code == 403
    assert "You don&#39;t have permission to perform this action." in response.text
