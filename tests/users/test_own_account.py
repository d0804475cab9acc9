"""Every signed-in user changes their own names and password."""

import httpx
from fastapi import FastAPI

from casedesk.auth.passwords import MIN_PASSWORD_LENGTH
from tests.conftest import new_client
from tests.factories import Principal, sign_in
from tests.users.helpers import (
    MEMBER_EMAIL,
    MEMBER_PASSWORD,
    NEW_PASSWORD,
    add_member,
    api_key_client,
    audit_entries,
    password_works,
    session_count,
    signed_in,
)

CHANGE = {"current_password": MEMBER_PASSWORD, "new_password": NEW_PASSWORD}


# Names


async def test_user_changes_their_own_names(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.patch(
            "/users/me", json={"first_name": "Grace", "last_name": "Hopper"}
        )

    assert response.status_code == 200
    assert response.json()["first_name"] == "Grace"
    assert response.json()["last_name"] == "Hopper"
    assert response.json()["email"] == MEMBER_EMAIL


async def test_user_cannot_make_themself_an_admin(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.patch("/users/me", json={"is_superuser": True})
        me = (await member.client.get("/users/me")).json()

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
    assert me["is_superuser"] is False


async def test_api_key_has_no_own_account(app: FastAPI, admin: Principal) -> None:
    assert admin.workspace_id is not None
    async with await api_key_client(app, admin.workspace_id) as automation:
        response = await automation.patch("/users/me", json={"first_name": "Bot"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This route needs a signed-in user, not an API key"
    }


# Password


async def test_password_change_answers_no_content(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.post("/users/me/password", json=CHANGE)

    assert response.status_code == 204
    assert await password_works(app, member_id, NEW_PASSWORD)
    assert not await password_works(app, member_id, MEMBER_PASSWORD)


async def test_new_password_signs_in(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)
    async with signed_in(app, member_id) as member:
        await member.client.post("/users/me/password", json=CHANGE)

    async with new_client(app) as fresh:
        principal = await sign_in(fresh, MEMBER_EMAIL, NEW_PASSWORD)

    assert principal.user_id == member_id


async def test_wrong_current_password_is_refused(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.post(
            "/users/me/password",
            json={**CHANGE, "current_password": "not-the-password-at-all"},
        )

    assert response.status_code == 400
    assert response.json() == {"detail": "The current password is incorrect"}
    assert await password_works(app, member_id, MEMBER_PASSWORD)


async def test_wrong_current_password_signs_no_one_out(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member, signed_in(app, member_id):
        await member.client.post(
            "/users/me/password",
            json={**CHANGE, "current_password": "not-the-password-at-all"},
        )
        sessions = await session_count(app, member_id)

    assert sessions == 2


async def test_new_password_below_the_policy_is_refused(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.post(
            "/users/me/password", json={**CHANGE, "new_password": "short"}
        )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    }
    assert await password_works(app, member_id, MEMBER_PASSWORD)


async def test_new_password_equal_to_the_email_is_refused(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.post(
            "/users/me/password", json={**CHANGE, "new_password": MEMBER_EMAIL}
        )

    assert response.status_code == 422
    assert response.json() == {"detail": "Password must not be the email address"}


async def test_password_change_signs_out_other_sessions_only(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as laptop, signed_in(app, member_id) as phone:
        await laptop.client.post("/users/me/password", json=CHANGE)
        laptop_status = (await laptop.client.get("/users/me")).status_code
        phone_status = (await phone.client.get("/users/me")).status_code

    assert laptop_status == 200
    assert phone_status == 401
    assert await session_count(app, member_id) == 1


async def test_password_change_leaves_other_users_signed_in(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await member.client.post("/users/me/password", json=CHANGE)

    assert (await admin.client.get("/users/me")).status_code == 200


async def test_password_change_is_audited_without_the_passwords(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await member.client.post("/users/me/password", json=CHANGE)

    entries = await audit_entries(admin.client, "password_changed")
    assert len(entries) == 1
    assert entries[0]["actor_user_id"] == str(member_id)
    assert entries[0]["target_id"] == str(member_id)
    assert entries[0]["client_address"]
    assert entries[0]["details"] == {}


async def test_refused_password_change_is_not_audited(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await member.client.post(
            "/users/me/password", json={**CHANGE, "new_password": "short"}
        )

    assert await audit_entries(admin.client, "password_changed") == []


async def test_refused_password_body_echoes_no_password(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.post(
            "/users/me/password", json={"current_password": MEMBER_PASSWORD}
        )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "new_password"]
    assert MEMBER_PASSWORD not in response.text


async def test_anonymous_cannot_change_a_password(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post("/users/me/password", json=CHANGE)

    assert response.status_code == 401


async def test_api_key_cannot_change_a_password(app: FastAPI, admin: Principal) -> None:
    assert admin.workspace_id is not None
    async with await api_key_client(app, admin.workspace_id) as automation:
        response = await automation.post("/users/me/password", json=CHANGE)

    assert response.status_code == 403
