"""`POST /auth/login` and `/auth/logout`: contract, audit, cookie, origin."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from casedesk.models import AuditEvent, User
from tests.auth.support import app_with, client_from, post_login
from tests.factories import Principal, create_user

PASSWORD = "another-long-password"
EVIL_ORIGIN = "https://evil.example"


async def audit_entries(app: FastAPI) -> list[AuditEvent]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


async def test_sign_in_answers_204_with_the_session_cookie(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    response = await post_login(anonymous, "analyst@example.com", PASSWORD)

    assert response.status_code == 204
    assert response.content == b""
    assert response.cookies["fastapiusersauth"]
    assert (await anonymous.get("/users/me")).json()["email"] == "analyst@example.com"


async def test_sign_in_is_recorded_with_the_user_and_client_address(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    user_id = await create_user(app, "analyst@example.com", PASSWORD)

    async with client_from(app, "192.0.2.15") as client:
        await post_login(client, "analyst@example.com", PASSWORD)

    [entry] = await audit_entries(app)
    assert entry.action == "sign_in"
    assert entry.actor_user_id == user_id
    assert (entry.target_type, entry.target_id) == ("user", str(user_id))
    assert entry.client_address == "192.0.2.15"


async def test_wrong_password_answers_the_library_error(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    response = await post_login(anonymous, "analyst@example.com", "wrong-password-here")

    assert response.status_code == 400
    assert response.json() == {"detail": "LOGIN_BAD_CREDENTIALS"}
    assert "set-cookie" not in response.headers


async def test_failed_sign_in_records_the_email_lower_cased_and_no_password(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    async with client_from(app, "192.0.2.16") as client:
        await post_login(client, "Analyst@Example.COM", "wrong-password-here")

    [entry] = await audit_entries(app)
    assert entry.action == "sign_in_failed"
    assert entry.actor_user_id is None
    assert entry.client_address == "192.0.2.16"
    assert entry.details == {
        "email": "analyst@example.com",
        "reason": "bad_credentials",
    }


async def test_sign_in_to_an_unknown_account_is_recorded_as_failed(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    response = await post_login(anonymous, "nobody@example.com", PASSWORD)

    [entry] = await audit_entries(app)
    assert response.json() == {"detail": "LOGIN_BAD_CREDENTIALS"}
    assert entry.action == "sign_in_failed"
    assert entry.details["email"] == "nobody@example.com"


async def test_failed_sign_in_with_a_username_that_is_no_email_records_none(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await post_login(anonymous, "probably my password", PASSWORD)

    [entry] = await audit_entries(app)
    assert entry.action == "sign_in_failed"
    assert entry.details == {"email": None, "reason": "bad_credentials"}


async def test_deactivated_account_cannot_sign_in_with_its_password(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    user_id = await create_user(app, "former@example.com", PASSWORD)
    async with app.state.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.is_active = False
        await session.commit()

    response = await post_login(anonymous, "former@example.com", PASSWORD)

    [entry] = await audit_entries(app)
    assert response.json() == {"detail": "LOGIN_BAD_CREDENTIALS"}
    assert entry.details == {"email": "former@example.com", "reason": "inactive"}


async def test_sign_in_form_missing_the_username_is_a_422_without_the_password(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post(
        "/auth/login", data={"password": "secret-never-echoed-0451"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "username"]
    assert "secret-never-echoed-0451" not in response.text


async def test_sign_in_form_with_a_wrong_grant_type_does_not_echo_the_password(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post(
        "/auth/login",
        data={
            "username": "analyst@example.com",
            "password": "secret-never-echoed-0451",
            "grant_type": "client_credentials",
        },
    )

    assert response.status_code == 422
    assert "secret-never-echoed-0451" not in response.text


async def test_sign_in_from_a_foreign_page_is_refused(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    response = await post_login(
        anonymous, "analyst@example.com", PASSWORD, headers={"Origin": EVIL_ORIGIN}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Cross-origin request refused"}
    assert "set-cookie" not in response.headers


async def test_sign_in_from_the_public_url_page_is_accepted(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)
    public_url = app.state.settings.public_url

    response = await post_login(
        anonymous,
        "analyst@example.com",
        PASSWORD,
        headers={"Referer": f"{public_url}/docs"},
    )

    assert response.status_code == 204


async def test_session_cookie_is_not_secure_over_plain_http(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    response = await post_login(anonymous, "analyst@example.com", PASSWORD)

    attributes = _cookie_attributes(response)
    assert "httponly" in attributes
    assert attributes["samesite"] == "lax"
    assert "secure" not in attributes


async def test_session_cookie_is_secure_when_served_over_https(
    app: FastAPI, clean_database: None
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)

    async with (
        app_with(app, public_url="https://cases.example.org") as https_app,
        client_from(https_app) as client,
    ):
        response = await post_login(client, "analyst@example.com", PASSWORD)

    attributes = _cookie_attributes(response)
    assert response.status_code == 204
    assert {"secure", "httponly"} <= attributes.keys()
    assert attributes["samesite"] == "lax"


async def test_sign_out_is_recorded(app: FastAPI, admin: Principal) -> None:
    async with client_from(app, "192.0.2.17") as client:
        client.cookies.set("fastapiusersauth", admin.client.cookies["fastapiusersauth"])

        response = await client.post("/auth/logout")

    [entry] = await audit_entries(app)
    assert response.status_code == 204
    assert entry.action == "sign_out"
    assert entry.actor_user_id == admin.user_id
    assert entry.client_address == "192.0.2.17"


async def test_sign_out_clears_the_cookie(admin: Principal) -> None:
    response = await admin.client.post("/auth/logout")

    assert response.status_code == 204
    assert response.headers["set-cookie"].startswith('fastapiusersauth="";')
    assert _cookie_attributes(response)["max-age"] == "0"


async def test_signed_out_cookie_no_longer_signs_out(admin: Principal) -> None:
    token = admin.client.cookies["fastapiusersauth"]
    await admin.client.post("/auth/logout")
    admin.client.cookies.set("fastapiusersauth", token)

    response = await admin.client.post("/auth/logout")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


async def test_sign_out_without_a_session_is_unauthorized(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post("/auth/logout")

    assert response.status_code == 401


async def test_sign_out_from_a_foreign_page_keeps_the_session(
    admin: Principal,
) -> None:
    response = await admin.client.post("/auth/logout", headers={"Origin": EVIL_ORIGIN})

    assert response.status_code == 403
    assert (await admin.client.get("/users/me")).status_code == 200


async def test_signing_out_ends_only_that_session(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_user(app, "analyst@example.com", PASSWORD)
    first = (await post_login(anonymous, "analyst@example.com", PASSWORD)).cookies
    second = (await post_login(anonymous, "analyst@example.com", PASSWORD)).cookies
    anonymous.cookies.set("fastapiusersauth", first["fastapiusersauth"])

    await anonymous.post("/auth/logout")

    anonymous.cookies.set("fastapiusersauth", second["fastapiusersauth"])
    assert (await anonymous.get("/users/me")).status_code == 200
    anonymous.cookies.set("fastapiusersauth", first["fastapiusersauth"])
    assert (await anonymous.get("/users/me")).status_code == 401


def _cookie_attributes(response: httpx.Response) -> dict[str, str]:
    """The attributes of the session cookie set by a response, lower-cased."""
    header = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("fastapiusersauth=")
    )
    attributes = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value.lower()
    return attributes
