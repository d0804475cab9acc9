"""Instance admins manage accounts at /users; nobody else may."""

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI

from casedesk.auth.passwords import MIN_PASSWORD_LENGTH
from tests.conftest import new_client
from tests.factories import ADMIN_EMAIL, Principal, sign_in
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
    stored_user,
    stored_users,
    user_body,
)

ADMIN_ROUTES = [
    ("GET", "/users", None),
    ("POST", "/users", user_body()),
    ("GET", "/users/{id}", None),
    ("PATCH", "/users/{id}", {"first_name": "Changed"}),
    ("DELETE", "/users/{id}", None),
]


# Who may call


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_member_is_forbidden(
    app: FastAPI, admin: Principal, method: str, path: str, body: object
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.request(
            method, path.format(id=admin.user_id), json=body
        )

    assert response.status_code == 403
    assert response.json() == {"detail": "Forbidden"}


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_anonymous_is_unauthorized(
    anonymous: httpx.AsyncClient, method: str, path: str, body: object
) -> None:
    response = await anonymous.request(method, path.format(id=uuid.uuid4()), json=body)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


async def test_api_key_is_forbidden(app: FastAPI, admin: Principal) -> None:
    assert admin.workspace_id is not None
    async with await api_key_client(app, admin.workspace_id) as automation:
        response = await automation.get("/users")

    assert response.status_code == 403
    assert response.json() == {"detail": "Forbidden"}


async def test_member_learns_nothing_about_unknown_ids(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        response = await member.client.get(f"/users/{uuid.uuid4()}")

    assert response.status_code == 403


async def test_refused_delete_by_member_keeps_the_user(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await member.client.delete(f"/users/{admin.user_id}")

    assert await stored_user(app, admin.user_id) is not None


# Create


async def test_create_answers_the_user_and_its_location(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/users", json=user_body())

    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/users/{created['id']}"
    assert created["email"] == "new.analyst@example.com"
    assert created["first_name"] == "Ada"
    assert created["last_name"] == "Lovelace"
    assert created["is_active"] is True
    assert created["is_superuser"] is False
    assert created["role"] == "basic"
    assert "password" not in response.text
    assert NEW_PASSWORD not in response.text


async def test_create_stores_the_email_lower_case(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/users", json=user_body(email="Mixed.Case@Example.COM")
    )

    assert response.status_code == 201
    assert response.json()["email"] == "mixed.case@example.com"


async def test_create_can_make_an_instance_admin(client: httpx.AsyncClient) -> None:
    response = await client.post("/users", json=user_body(is_superuser=True))

    assert response.status_code == 201
    assert response.json()["is_superuser"] is True
    assert response.json()["role"] == "admin"


async def test_created_user_signs_in_with_the_given_password(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await client.post("/users", json=user_body())

    async with new_client(app) as fresh:
        principal = await sign_in(fresh, "new.analyst@example.com", NEW_PASSWORD)

    assert principal.email == "new.analyst@example.com"


async def test_password_is_stored_as_an_argon2_hash(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post("/users", json=user_body())

    user = await stored_user(app, uuid.UUID(response.json()["id"]))
    assert user is not None
    assert user.hashed_password.startswith("$argon2")
    assert NEW_PASSWORD not in user.hashed_password


@pytest.mark.parametrize("spelling", [MEMBER_EMAIL, MEMBER_EMAIL.upper()])
async def test_create_with_a_taken_email_conflicts(
    app: FastAPI, admin: Principal, spelling: str
) -> None:
    await add_member(app, admin)

    response = await admin.client.post("/users", json=user_body(email=spelling))

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"A user with email {MEMBER_EMAIL} already exists"
    }
    assert len((await admin.client.get("/users")).json()) == 2


async def test_create_with_a_short_password_is_refused_with_the_policy(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/users", json=user_body(password="Sh0rt!"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    }
    assert "Sh0rt!" not in response.text
    assert len((await client.get("/users")).json()) == 1


async def test_create_with_a_blank_password_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/users", json=user_body(password=" " * 12))

    assert response.status_code == 422
    assert response.json() == {"detail": "Password must not be blank"}


async def test_refused_body_never_echoes_the_password(
    client: httpx.AsyncClient,
) -> None:
    body = user_body()
    del body["email"]

    response = await client.post("/users", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
    assert NEW_PASSWORD not in response.text


async def test_password_failing_validation_is_not_echoed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/users", json=user_body(password="has-a-\u0000-in-the-middle")
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]
    assert "in-the-middle" not in response.text


async def test_create_with_an_invalid_email_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/users", json=user_body(email="not-an-address"))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]


async def test_create_refuses_unknown_keys(client: httpx.AsyncClient) -> None:
    response = await client.post("/users", json=user_body(is_verified=False))

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


async def test_create_is_audited_without_the_password(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    created = (await client.post("/users", json=user_body())).json()

    entries = await audit_entries(client, "user_created")

    assert len(entries) == 1
    entry = entries[0]
    assert entry["actor_user_id"] == str(admin.user_id)
    assert entry["target_type"] == "user"
    assert entry["target_id"] == created["id"]
    assert entry["client_address"]
    assert entry["details"] == {
        "email": "new.analyst@example.com",
        "is_superuser": False,
    }


# List and read


async def test_list_answers_every_user_by_email(app: FastAPI, admin: Principal) -> None:
    await add_member(app, admin, "zed@example.com")
    await add_member(app, admin, "bea@example.com")

    response = await admin.client.get("/users")

    assert response.status_code == 200
    emails = [user["email"] for user in response.json()]
    assert emails == [ADMIN_EMAIL, "bea@example.com", "zed@example.com"]


async def test_get_answers_one_user(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.get(f"/users/{member_id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(member_id)
    assert response.json()["email"] == MEMBER_EMAIL
    assert "hashed_password" not in response.json()


async def test_get_of_an_unknown_user_is_not_found(client: httpx.AsyncClient) -> None:
    user_id = uuid.uuid4()

    response = await client.get(f"/users/{user_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"User with ID {user_id} not found"}


# Update


async def test_update_changes_the_given_keys_only(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"first_name": "Grace", "last_name": "Hopper"}
    )

    assert response.status_code == 200
    assert response.json()["first_name"] == "Grace"
    assert response.json()["last_name"] == "Hopper"
    assert response.json()["email"] == MEMBER_EMAIL
    assert response.json()["is_active"] is True


async def test_update_lower_cases_a_new_email(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"email": "Renamed@Example.com"}
    )

    assert response.status_code == 200
    assert response.json()["email"] == "renamed@example.com"


async def test_update_to_a_taken_email_conflicts_and_changes_nothing(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}",
        json={"email": ADMIN_EMAIL.upper(), "first_name": "Not applied"},
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"A user with email {ADMIN_EMAIL} already exists"
    }
    user = await stored_user(app, member_id)
    assert user is not None
    assert (user.email, user.first_name) == (MEMBER_EMAIL, None)


async def test_update_promotes_to_instance_admin(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"is_superuser": True}
    )

    assert response.status_code == 200
    assert response.json()["role"] == "admin"


async def test_update_refuses_null_for_a_required_key(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(f"/users/{member_id}", json={"email": None})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]


async def test_update_of_an_unknown_user_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.patch(f"/users/{uuid.uuid4()}", json={"first_name": "X"})

    assert response.status_code == 404


async def test_update_sets_a_new_password(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert await password_works(app, member_id, NEW_PASSWORD)
    assert not await password_works(app, member_id, MEMBER_PASSWORD)


async def test_new_password_from_an_admin_signs_the_user_out(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await admin.client.patch(f"/users/{member_id}", json={"password": NEW_PASSWORD})
        status = (await member.client.get("/users/me")).status_code

    assert status == 401
    assert await session_count(app, member_id) == 0


async def test_update_with_a_refused_password_changes_nothing(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"password": "short", "first_name": "Not applied"}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    }
    assert await password_works(app, member_id, MEMBER_PASSWORD)
    user = await stored_user(app, member_id)
    assert user is not None
    assert user.first_name is None


async def test_update_is_audited_with_the_changed_keys(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    await admin.client.patch(
        f"/users/{member_id}",
        json={"password": NEW_PASSWORD, "first_name": "Grace", "last_name": None},
    )

    entries = await audit_entries(admin.client, "user_updated")
    assert len(entries) == 1
    assert entries[0]["actor_user_id"] == str(admin.user_id)
    assert entries[0]["target_id"] == str(member_id)
    assert entries[0]["details"] == {"fields": ["first_name", "password"]}
    assert NEW_PASSWORD not in str(entries[0])


async def test_update_changing_nothing_is_not_audited(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"email": MEMBER_EMAIL, "is_active": True}
    )

    assert response.status_code == 200
    assert await audit_entries(admin.client, "user_updated") == []


# The last instance admin


async def test_sole_admin_cannot_demote_themself(admin: Principal) -> None:
    response = await admin.client.patch(
        f"/users/{admin.user_id}", json={"is_superuser": False}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This is the last active instance admin: make another user an "
        "instance admin first"
    }
    assert (await admin.client.get("/users/me")).json()["is_superuser"] is True


async def test_admin_may_demote_themself_while_another_admin_remains(
    app: FastAPI, admin: Principal
) -> None:
    await add_member(app, admin, "second.admin@example.com", superuser=True)

    response = await admin.client.patch(
        f"/users/{admin.user_id}", json={"is_superuser": False}
    )

    assert response.status_code == 200
    assert response.json()["is_superuser"] is False


async def test_an_inactive_admin_does_not_count_as_remaining(
    app: FastAPI, admin: Principal
) -> None:
    other_id = await add_member(app, admin, "second.admin@example.com", superuser=True)
    await admin.client.patch(f"/users/{other_id}", json={"is_active": False})

    response = await admin.client.patch(
        f"/users/{admin.user_id}", json={"is_superuser": False}
    )

    assert response.status_code == 409


@pytest.mark.postgres_only
async def test_two_admins_demoting_themselves_at_once_leave_one_admin(
    app: FastAPI, admin: Principal
) -> None:
    other_id = await add_member(app, admin, "second.admin@example.com", superuser=True)

    async with signed_in(app, other_id) as other:
        responses = await asyncio.gather(
            admin.client.patch(f"/users/{admin.user_id}", json={"is_superuser": False}),
            other.client.patch(f"/users/{other_id}", json={"is_superuser": False}),
        )

    assert sorted(response.status_code for response in responses) == [200, 409]
    admins = [user for user in (await stored_users(app)) if user.is_superuser]
    assert len(admins) == 1


async def test_admin_cannot_deactivate_themself(admin: Principal) -> None:
    response = await admin.client.patch(
        f"/users/{admin.user_id}", json={"is_active": False}
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "You cannot deactivate your own account"}
    assert (await admin.client.get("/users/me")).json()["is_active"] is True


async def test_admin_cannot_delete_themself(admin: Principal) -> None:
    response = await admin.client.delete(f"/users/{admin.user_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "You cannot delete your own account"}
    assert (await admin.client.get("/users/me")).status_code == 200


async def test_admin_may_delete_another_admin(app: FastAPI, admin: Principal) -> None:
    other_id = await add_member(app, admin, "second.admin@example.com", superuser=True)

    response = await admin.client.delete(f"/users/{other_id}")

    assert response.status_code == 204
    assert await stored_user(app, other_id) is None


# Delete


async def test_delete_answers_no_content(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    response = await admin.client.delete(f"/users/{member_id}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await admin.client.get(f"/users/{member_id}")).status_code == 404


async def test_delete_of_an_unknown_user_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.delete(f"/users/{uuid.uuid4()}")

    assert response.status_code == 404


async def test_deleted_user_cannot_sign_in(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)
    await admin.client.delete(f"/users/{member_id}")

    async with new_client(app) as fresh:
        response = await fresh.post(
            "/auth/login", data={"username": MEMBER_EMAIL, "password": MEMBER_PASSWORD}
        )

    assert response.status_code == 400


async def test_delete_is_audited(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    await admin.client.delete(f"/users/{member_id}")

    entries = await audit_entries(admin.client, "user_deleted")
    assert len(entries) == 1
    assert entries[0]["actor_user_id"] == str(admin.user_id)
    assert entries[0]["target_id"] == str(member_id)
    assert entries[0]["details"] == {"email": MEMBER_EMAIL}
