"""Signing in and out through the pages, and what unauthenticated visitors see."""

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import new_client
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, Principal, create_user
from tests.web.support import csrf_token


@pytest.fixture
async def first_admin(app: FastAPI, admin: Principal) -> Principal:
    """The first admin exists (with a known password) and has a workspace."""
    return admin


async def test_root_leads_to_the_interface(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/")

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/"


async def test_a_visitor_without_session_is_sent_to_sign_in(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/ui/w/00000000-0000-0000-0000-000000000001")

    assert response.status_code == 303
    assert response.headers["location"] == (
        "/ui/login?next=%2Fui%2Fw%2F00000000-0000-0000-0000-000000000001"
    )


async def test_sign_in_sets_the_api_session_cookie(
    app: FastAPI, first_admin: Principal
) -> None:
    async with new_client(app) as browser:
        form = await browser.get("/ui/login?next=/ui/")
        response = await browser.post(
            "/ui/login",
            data={
                "csrf_token": csrf_token(form.text),
                "email": ADMIN_EMAIL,
                "password": ADMIN_PASSWORD,
                "next": "/ui/",
            },
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/ui/"
        assert browser.cookies.get("fastapiusersauth")
        me = await browser.get("/users/me")
        assert me.json()["email"] == ADMIN_EMAIL
        home = await browser.get("/ui/")
        assert home.status_code == 303
        assert home.headers["location"] == f"/ui/w/{first_admin.workspace_id}/cases"


async def test_wrong_password_says_so_and_sets_no_cookie(
    app: FastAPI, first_admin: Principal
) -> None:
    async with new_client(app) as browser:
        form = await browser.get("/ui/login")
        response = await browser.post(
            "/ui/login",
            data={
                "csrf_token": csrf_token(form.text),
                "email": ADMIN_EMAIL,
                "password": "not-the-password",
            },
        )

        assert response.status_code == 400
        assert "Wrong email or password" in response.text
        assert browser.cookies.get("fastapiusersauth") is None


async def test_repeated_failures_are_throttled_with_a_message(
    app: FastAPI, first_admin: Principal
) -> None:
    await create_user(app, "locked@example.com", "a-long-enough-password")
    statuses = []
    async with new_client(app) as browser:
        for _ in range(12):
            form = await browser.get("/ui/login")
            response = await browser.post(
                "/ui/login",
                data={
                    "csrf_token": csrf_token(form.text),
                    "email": "locked@example.com",
                    "password": "wrong-password-here",
                },
            )
            statuses.append(response.status_code)

        assert statuses[0] == 400
        assert statuses[-1] == 429
        assert "Too many sign-in attempts" in response.text
        assert int(response.headers["retry-after"]) > 0


async def test_sign_in_without_the_form_token_is_refused(
    app: FastAPI, first_admin: Principal
) -> None:
    async with new_client(app) as browser:
        response = await browser.post(
            "/ui/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )

        assert response.status_code == 403
        assert "did not come from casedesk" in response.text
        assert browser.cookies.get("fastapiusersauth") is None


@pytest.mark.parametrize(
    "next_value",
    ["https://evil.example/", "//evil.example/", "/ui\\@evil", "/auth/logout"],
)
async def test_sign_in_never_returns_to_another_site(
    app: FastAPI, first_admin: Principal, next_value: str
) -> None:
    async with new_client(app) as browser:
        form = await browser.get("/ui/login")
        response = await browser.post(
            "/ui/login",
            data={
                "csrf_token": csrf_token(form.text),
                "email": ADMIN_EMAIL,
                "password": ADMIN_PASSWORD,
                "next": next_value,
            },
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/ui/"


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    home = await client.get("/ui/", follow_redirects=True)
    token = csrf_token(home.text)

    response = await client.post("/ui/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login"
    assert (await client.get("/users/me")).status_code == 401


async def test_sign_out_with_a_forged_token_keeps_the_session(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/ui/logout", data={"csrf_token": "forged.token"})

    assert response.status_code == 403
    assert (await client.get("/users/me")).status_code == 200


async def test_pages_carry_a_policy_without_inline_script(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/ui/login")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text
    assert response.headers["x-frame-options"] == "DENY"


async def test_unknown_page_is_an_html_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/ui/no-such-page")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_api_errors_stay_json(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/no-such-route")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
