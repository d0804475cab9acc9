"""Signing in and out with the session cookie."""

import hashlib

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from casedesk.models import AccessToken, User
from tests.conftest import new_client
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, Principal, create_user


async def test_login_sets_http_only_session_cookie(
    anonymous: httpx.AsyncClient,
) -> None:
    await _bootstrap(anonymous)

    response = await anonymous.post(
        "/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )

    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("fastapiusersauth=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()


async def test_wrong_password_is_refused(anonymous: httpx.AsyncClient) -> None:
    await _bootstrap(anonymous)

    response = await anonymous.post(
        "/auth/login", data={"username": ADMIN_EMAIL, "password": "not-it-at-all"}
    )

    assert response.status_code == 400
    assert "fastapiusersauth" not in response.headers.get("set-cookie", "")
    assert (await anonymous.get("/users/me")).status_code == 401


async def test_users_me_describes_the_signed_in_user(admin: Principal) -> None:
    response = await admin.client.get("/users/me")

    assert response.status_code == 200
    me = response.json()
    assert me["email"] == ADMIN_EMAIL
    assert me["id"] == str(admin.user_id)
    assert me["is_superuser"] is True
    assert me["role"] == "admin"
    assert "hashed_password" not in me


async def test_logout_revokes_the_session_server_side(admin: Principal) -> None:
    token = admin.client.cookies["fastapiusersauth"]

    response = await admin.client.post("/auth/logout")

    assert response.status_code == 204
    async with httpx.AsyncClient(
        transport=admin.client._transport,  # noqa: SLF001 - same app
        base_url="http://testserver",
        cookies={"fastapiusersauth": token},
    ) as replay:
        assert (await replay.get("/users/me")).status_code == 401
        assert (await replay.get("/cases")).status_code == 401


async def test_session_tokens_are_stored_hashed(app: FastAPI, admin: Principal) -> None:
    token = admin.client.cookies["fastapiusersauth"]

    async with app.state.sessionmaker() as session:
        stored = list(await session.scalars(select(AccessToken.token)))

    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


async def test_inactive_user_session_stops_working(
    app: FastAPI, admin: Principal
) -> None:
    user_id = await create_user(
        app, "analyst@example.com", workspace_id=admin.workspace_id
    )
    async with new_client(app) as analyst:
        signed_in = await analyst.post(
            "/auth/login",
            data={
                "username": "analyst@example.com",
                "password": "another-long-password",
            },
        )
        assert signed_in.status_code == 204

        async with app.state.sessionmaker() as session:
            user = await session.get(User, user_id)
            assert user is not None
            user.is_active = False
            await session.commit()

        assert (await analyst.get("/cases")).status_code == 401


async def _bootstrap(client: httpx.AsyncClient) -> None:
    from casedesk.auth.bootstrap import ensure_first_admin

    app = client._transport.app  # type: ignore[attr-defined]  # noqa: SLF001
    async with app.state.sessionmaker() as session:
        await ensure_first_admin(session, app.state.settings)
