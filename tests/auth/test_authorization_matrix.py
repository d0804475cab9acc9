"""The authorization matrix: every route of the API, called as every caller.

Routes are read from the application's OpenAPI document, so a new route
cannot go untested: it fails the coverage test until it declares what it
requires. Each route declares that once; one rule turns the requirement into
the expected answer for every caller. Allowed callers get the route's
documented success; denied callers get 401 or 403 with the exact refusal,
see none of the target's data, and change nothing.

The documentation routes (`/docs`, `/docs/oauth2-redirect`, `/redoc`,
`/openapi.json`) are not API routes and are not in the OpenAPI document.
"""

import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select

from casedesk.app import create_app
from casedesk.config import Settings
from casedesk.models import Case
from casedesk.workspaces.roles import WorkspaceRole
from tests.auth import (
    matrix_batch,
    matrix_comments,
    matrix_dropdowns,
    matrix_durations,
    matrix_fields,
    matrix_metrics,
    matrix_search,
    matrix_tasks,
)
from tests.auth.matrix_rules import (
    ALLOWED,
    ANYONE,
    INSTANCE_ADMIN,
    MEMBER,
    MEMBERS_READER,
    PERSON,
    Declared,
    Target,
    expected_outcome,
    nothing_to_check,
    scope,
)
from tests.auth.matrix_world import (
    LOGIN_EMAIL,
    PASSWORD,
    WORKSPACE_NAME,
    Caller,
    World,
    build_world,
    reset_password,
    session_token,
    unique,
)
from tests.conftest import new_client
from tests.factories import case_body, create_workspace, empty_database

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
WORKSPACE_PREFIX = "/workspaces/{workspace_id}"
NEW_PASSWORD = "a-rotated-matrix-passphrase"


# The target each route is called on.


async def login_form(world: World, caller: Caller) -> Target:
    """Valid credentials of an account kept for signing in."""
    return Target(form={"username": LOGIN_EMAIL, "password": PASSWORD})


async def own_fresh_session(world: World, caller: Caller) -> Target:
    """A session of the caller's own, to end without ending the standing one."""
    if caller not in world.user_ids:
        return Target()
    return Target(session=await session_token(world.app, world.user_ids[caller]))


async def own_profile(world: World, caller: Caller) -> Target:
    """New display names for the caller."""
    return Target(json={"first_name": "Matrix", "last_name": unique("Caller")})


async def own_password(world: World, caller: Caller) -> Target:
    """The caller's current password and a new one."""
    if caller in world.user_ids:
        await reset_password(world.app, world.user_ids[caller])
    return Target(json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})


async def new_user_body(world: World, caller: Caller) -> Target:
    """An account to create; a refusal must not create it."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"

    async def unchanged() -> bool:
        listed = await world.admin.get("/users")
        return email not in {user["email"] for user in listed.json()}

    return Target(
        json={"email": email, "password": NEW_PASSWORD},
        data=(email,),
        unchanged=unchanged,
    )


async def target_user(world: World, caller: Caller) -> Target:
    """The account kept as the target of the user routes."""
    return Target(params={"user_id": str(world.user_id)})


async def renamed_target_user(world: World, caller: Caller) -> Target:
    """A new first name for the target account; a refusal must not apply it."""
    name = unique("Renamed")

    async def unchanged() -> bool:
        read = await world.admin.get(f"/users/{world.user_id}")
        return bool(read.json()["first_name"] != name)

    return Target(
        params={"user_id": str(world.user_id)},
        json={"first_name": name},
        unchanged=unchanged,
    )


async def doomed_user(world: World, caller: Caller) -> Target:
    """An account of its own for this call to delete."""
    user_id, email = await world.new_user()

    async def unchanged() -> bool:
        return (await world.admin.get(f"/users/{user_id}")).status_code == 200

    return Target(
        params={"user_id": str(user_id)},
        data=(email, str(user_id)),
        unchanged=unchanged,
    )


async def new_workspace_body(world: World, caller: Caller) -> Target:
    """A workspace to create; a refusal must not create it."""
    name = unique("New workspace")

    async def unchanged() -> bool:
        listed = await world.admin.get("/workspaces")
        return name not in {workspace["name"] for workspace in listed.json()}

    return Target(json={"name": name}, data=(name,), unchanged=unchanged)


async def workspace_a_name(world: World, caller: Caller) -> Target:
    """Workspace A's own name, so that renaming keeps it recognisable."""
    return Target(json={"name": WORKSPACE_NAME})


async def doomed_workspace(world: World, caller: Caller) -> Target:
    """A workspace of its own, administered by the workspace admin, to delete."""
    name = unique("Doomed workspace")
    workspace_id = await create_workspace(
        world.app, name, owner_id=world.user_ids[Caller.WORKSPACE_ADMIN]
    )

    async def unchanged() -> bool:
        read = await world.admin.get(f"/workspaces/{workspace_id}")
        return read.status_code == 200

    return Target(
        params={"workspace_id": str(workspace_id)},
        data=(name, str(workspace_id)),
        unchanged=unchanged,
    )


async def new_case_body(world: World, caller: Caller) -> Target:
    """A case to create; a refusal must not create it."""
    summary = unique("New case")

    async def unchanged() -> bool:
        async with world.app.state.sessionmaker() as session:
            found = await session.scalar(select(Case.id).where(Case.summary == summary))
        return found is None

    return Target(json=case_body(summary=summary), data=(summary,), unchanged=unchanged)


async def edited_case(world: World, caller: Caller) -> Target:
    """A new description for the standing case; a refusal must not apply it."""
    description = unique("Edited description")

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/cases/{world.case_id}"))
        return bool(read.json()["description"] != description)

    return Target(json={"description": description}, unchanged=unchanged)


async def doomed_case(world: World, caller: Caller) -> Target:
    """A case of its own for this call to delete."""
    case = await world.new_case()

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/cases/{case['id']}"))
        return read.status_code == 200

    return Target(
        params={"case_id": case["id"]},
        data=(case["summary"], case["id"]),
        unchanged=unchanged,
    )


async def new_member_body(world: World, caller: Caller) -> Target:
    """A user outside workspace A to add; a refusal must not add them."""
    user_id, email = await world.new_user()

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/members/{user_id}"))
        return read.status_code == 404

    return Target(
        json={"user_id": str(user_id), "role": "viewer"},
        data=(email,),
        unchanged=unchanged,
    )


async def target_member(world: World, caller: Caller) -> Target:
    """The member kept as the target of the member routes."""
    return Target(params={"user_id": str(world.member_id)})


async def promoted_member(world: World, caller: Caller) -> Target:
    """A viewer of its own to promote; a refusal must leave them a viewer."""
    user_id, email = await world.new_user(role=WorkspaceRole.VIEWER)

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/members/{user_id}"))
        return bool(read.json()["role"] == "viewer")

    return Target(
        params={"user_id": str(user_id)},
        json={"role": "editor"},
        data=(email, str(user_id)),
        unchanged=unchanged,
    )


async def doomed_member(world: World, caller: Caller) -> Target:
    """A member of its own for this call to remove."""
    user_id, email = await world.new_user(role=WorkspaceRole.VIEWER)

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/members/{user_id}"))
        return read.status_code == 200

    return Target(
        params={"user_id": str(user_id)},
        data=(email, str(user_id)),
        unchanged=unchanged,
    )


async def new_account_body(world: World, caller: Caller) -> Target:
    """A service account to create; a refusal must not create it."""
    name = unique("New robot")

    async def unchanged() -> bool:
        listed = await world.admin.get(world.in_a("/service-accounts"))
        return name not in {account["name"] for account in listed.json()}

    return Target(
        json={"name": name, "scopes": ["case:read"]}, data=(name,), unchanged=unchanged
    )


async def doomed_account(world: World, caller: Caller) -> Target:
    """A service account of its own for this call to deactivate."""
    account = await world.new_account()

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/service-accounts/{account['id']}"))
        return bool(read.json()["is_active"])

    return Target(
        params={"service_account_id": account["id"]},
        data=(account["name"], account["id"]),
        unchanged=unchanged,
    )


async def new_key_body(world: World, caller: Caller) -> Target:
    """A key to issue for the standing account; a refusal must not issue it."""
    name = unique("New key")

    async def unchanged() -> bool:
        listed = await world.admin.get(
            world.in_a(f"/service-accounts/{world.account_id}/keys")
        )
        return name not in {key["name"] for key in listed.json()}

    return Target(json={"name": name}, data=(name,), unchanged=unchanged)


async def doomed_key(world: World, caller: Caller) -> Target:
    """A key of the standing account, of its own, for this call to revoke."""
    key = await world.new_key(world.account_id)

    async def unchanged() -> bool:
        listed = await world.admin.get(
            world.in_a(f"/service-accounts/{world.account_id}/keys")
        )
        states = {item["key_id"]: item["revoked_at"] for item in listed.json()}
        return states[key["key_id"]] is None

    return Target(
        params={"key_id": key["key_id"]},
        data=(key["key_id"], key["key"], key["name"]),
        unchanged=unchanged,
    )


async def new_tag(world: World) -> dict[str, Any]:
    """A tag of workspace A, defined by the instance admin."""
    response = await world.admin.post(
        world.in_a("/case-tags"), json={"name": unique("Tag")[:50], "color": "red"}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def tag_ids_on_standing_case(world: World) -> set[str]:
    """The ids of the tags on workspace A's standing case."""
    listed = await world.admin.get(world.in_a(f"/cases/{world.case_id}/tags"))
    return {tag["id"] for tag in listed.json()}


async def new_tag_body(world: World, caller: Caller) -> Target:
    """A tag to define; a refusal must not define it."""
    name = unique("New tag")[:50]

    async def unchanged() -> bool:
        listed = await world.admin.get(world.in_a("/case-tags"))
        return name not in {tag["name"] for tag in listed.json()}

    return Target(json={"name": name}, data=(name,), unchanged=unchanged)


async def standing_tag(world: World, caller: Caller) -> Target:
    """A tag of workspace A to read."""
    tag = await new_tag(world)
    return Target(params={"tag_id": tag["id"]}, data=(tag["name"], tag["ref"]))


async def recoloured_tag(world: World, caller: Caller) -> Target:
    """A tag of its own to recolour; a refusal must leave its colour."""
    tag = await new_tag(world)

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/case-tags/{tag['id']}"))
        return bool(read.json()["color"] == "red")

    return Target(
        params={"tag_id": tag["id"]},
        json={"color": "blue"},
        data=(tag["name"], tag["ref"]),
        unchanged=unchanged,
    )


async def doomed_tag(world: World, caller: Caller) -> Target:
    """A tag of its own for this call to delete."""
    tag = await new_tag(world)

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/case-tags/{tag['id']}"))
        return read.status_code == 200

    return Target(
        params={"tag_id": tag["id"]},
        data=(tag["name"], tag["ref"]),
        unchanged=unchanged,
    )


async def tag_to_attach(world: World, caller: Caller) -> Target:
    """A tag of its own to attach to the standing case; a refusal must not."""
    tag = await new_tag(world)

    async def unchanged() -> bool:
        return tag["id"] not in await tag_ids_on_standing_case(world)

    return Target(
        json={"tag_id": tag["id"]}, data=(tag["name"], tag["ref"]), unchanged=unchanged
    )


async def tag_to_detach(world: World, caller: Caller) -> Target:
    """A tag of its own on the standing case for this call to detach."""
    tag = await new_tag(world)
    response = await world.admin.post(
        world.in_a(f"/cases/{world.case_id}/tags"), json={"tag_id": tag["id"]}
    )
    assert response.status_code == 201, response.text

    async def unchanged() -> bool:
        return tag["id"] in await tag_ids_on_standing_case(world)

    return Target(
        params={"tag_identifier": tag["ref"]},
        data=(tag["name"], tag["ref"]),
        unchanged=unchanged,
    )


# Keyed by the short path; a workspace-scoped route's prefixed mount
# (`/workspaces/{workspace_id}/…`) shares its declaration. The routes of the
# case record's parts are declared beside their targets, one module each.
CORE_DECLARED: dict[tuple[str, str], Declared] = {
    ("POST", "/auth/login"): Declared(ANYONE, login_form),
    ("POST", "/auth/logout"): Declared(PERSON, own_fresh_session),
    ("GET", "/health"): Declared(ANYONE),
    ("GET", "/users/me"): Declared(PERSON),
    ("PATCH", "/users/me"): Declared(PERSON, own_profile),
    ("POST", "/users/me/password"): Declared(PERSON, own_password),
    ("GET", "/users"): Declared(INSTANCE_ADMIN),
    ("POST", "/users"): Declared(INSTANCE_ADMIN, new_user_body),
    ("GET", "/users/{user_id}"): Declared(INSTANCE_ADMIN, target_user),
    ("PATCH", "/users/{user_id}"): Declared(INSTANCE_ADMIN, renamed_target_user),
    ("DELETE", "/users/{user_id}"): Declared(INSTANCE_ADMIN, doomed_user),
    ("GET", "/audit"): Declared(INSTANCE_ADMIN),
    ("GET", "/workspaces"): Declared(PERSON),
    ("POST", "/workspaces"): Declared(INSTANCE_ADMIN, new_workspace_body),
    ("GET", "/workspaces/{workspace_id}"): Declared(MEMBER),
    ("PATCH", "/workspaces/{workspace_id}"): Declared(
        scope("workspace:manage"), workspace_a_name
    ),
    ("DELETE", "/workspaces/{workspace_id}"): Declared(
        INSTANCE_ADMIN, doomed_workspace
    ),
    ("GET", "/cases"): Declared(scope("case:read")),
    ("POST", "/cases"): Declared(scope("case:create"), new_case_body),
    ("GET", "/cases/{case_id}"): Declared(scope("case:read")),
    ("PATCH", "/cases/{case_id}"): Declared(scope("case:update"), edited_case),
    ("DELETE", "/cases/{case_id}"): Declared(scope("case:delete"), doomed_case),
    ("GET", "/cases/{case_id}/events"): Declared(scope("case:read")),
    ("GET", "/cases/{case_id}/versions"): Declared(scope("case:read")),
    ("GET", "/case-tags"): Declared(scope("case:read")),
    ("POST", "/case-tags"): Declared(scope("case:create"), new_tag_body),
    ("GET", "/case-tags/{tag_id}"): Declared(scope("case:read"), standing_tag),
    ("PATCH", "/case-tags/{tag_id}"): Declared(scope("case:update"), recoloured_tag),
    ("DELETE", "/case-tags/{tag_id}"): Declared(scope("case:delete"), doomed_tag),
    ("GET", "/cases/{case_id}/tags"): Declared(scope("case:read")),
    ("POST", "/cases/{case_id}/tags"): Declared(scope("case:update"), tag_to_attach),
    ("DELETE", "/cases/{case_id}/tags/{tag_identifier}"): Declared(
        scope("case:update"), tag_to_detach
    ),
    ("GET", "/members"): Declared(MEMBERS_READER),
    ("POST", "/members"): Declared(scope("workspace:manage"), new_member_body),
    ("GET", "/members/{user_id}"): Declared(MEMBERS_READER, target_member),
    ("PATCH", "/members/{user_id}"): Declared(
        scope("workspace:manage"), promoted_member
    ),
    ("DELETE", "/members/{user_id}"): Declared(
        scope("workspace:manage"), doomed_member
    ),
    ("GET", "/service-accounts"): Declared(scope("workspace:manage")),
    ("POST", "/service-accounts"): Declared(
        scope("workspace:manage"), new_account_body
    ),
    ("GET", "/service-accounts/{service_account_id}"): Declared(
        scope("workspace:manage")
    ),
    ("DELETE", "/service-accounts/{service_account_id}"): Declared(
        scope("workspace:manage"), doomed_account
    ),
    ("GET", "/service-accounts/{service_account_id}/keys"): Declared(
        scope("workspace:manage")
    ),
    ("POST", "/service-accounts/{service_account_id}/keys"): Declared(
        scope("workspace:manage"), new_key_body
    ),
    ("DELETE", "/service-accounts/{service_account_id}/keys/{key_id}"): Declared(
        scope("workspace:manage"), doomed_key
    ),
}


DOMAIN_DECLARATIONS = (
    matrix_fields.DECLARED,
    matrix_comments.DECLARED,
    matrix_tasks.DECLARED,
    matrix_dropdowns.DECLARED,
    matrix_durations.DECLARED,
    matrix_search.DECLARED,
    matrix_batch.DECLARED,
    matrix_metrics.DECLARED,
)
DECLARED: dict[tuple[str, str], Declared] = dict(CORE_DECLARED)
for _declarations in DOMAIN_DECLARATIONS:
    assert not set(_declarations) & set(DECLARED), "a route is declared twice"
    DECLARED.update(_declarations)


# The routes, read from the application.


@dataclass(frozen=True)
class Route:
    """One operation of the API and the success status it documents."""

    method: str
    path: str
    success: int

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def api_routes(app: FastAPI) -> list[Route]:
    """Every operation in the app's OpenAPI document."""
    routes = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            documented = [
                int(code) for code in operation["responses"] if code.isdigit()
            ]
            success = min((code for code in documented if 200 <= code < 300), default=0)
            routes.append(Route(method.upper(), path, success))
    return routes


def declaration_key(route: Route) -> tuple[str, str]:
    """The `DECLARED` key of a route: its short path for a prefixed mount."""
    if route.path.startswith(f"{WORKSPACE_PREFIX}/"):
        return route.method, route.path.removeprefix(WORKSPACE_PREFIX)
    return route.method, route.path


def listed_routes() -> list[Route]:
    """The routes of an app built for listing only; it never opens its database."""
    directory = Path(tempfile.gettempdir())
    settings = Settings(
        data_dir=directory,
        database_url=f"sqlite+aiosqlite:///{directory / 'never-opened.db'}",
        secret=SecretStr("route-listing-only"),
    )
    return api_routes(create_app(settings))


ROUTES = listed_routes()
CELLS = [
    (route, caller)
    for route in ROUTES
    if declaration_key(route) in DECLARED
    for caller in Caller
]
ALLOWED_CELLS = [
    pytest.param(route, caller, id=f"{route} as {caller}")
    for route, caller in CELLS
    if expected_outcome(DECLARED[declaration_key(route)].requirement, caller) == ALLOWED
]
# Writes whose effect a refusal cannot be seen to lack: the caller has no
# account to change, or the change leaves things as they were.
NOTHING_TO_SEE = {
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("PATCH", "/users/me"),
    ("POST", "/users/me/password"),
    ("PATCH", "/workspaces/{workspace_id}"),
}
CHECKED_WRITES = [
    pytest.param(route, id=str(route))
    for route in ROUTES
    if route.method != "GET" and declaration_key(route) not in NOTHING_TO_SEE
]
DENIED_CELLS = [
    pytest.param(route, caller, id=f"{route} as {caller}")
    for route, caller in CELLS
    if expected_outcome(DECLARED[declaration_key(route)].requirement, caller) != ALLOWED
]


@pytest.fixture(scope="module")
async def world(app: FastAPI) -> AsyncIterator[World]:
    """A fresh installation with both workspaces, the targets and the callers."""
    await empty_database(app)
    async with new_client(app) as admin:
        yield await build_world(app, admin)


async def call(
    world: World, route: Route, caller: Caller, target: Target
) -> httpx.Response:
    """Send one cell's request on a client of its own, without a cookie jar."""
    requirement = DECLARED[declaration_key(route)].requirement
    values = {
        "workspace_id": str(world.workspace_id),
        "case_id": world.case_id,
        "service_account_id": world.account_id,
        "key_id": world.key_id,
        **target.params,
    }
    query = {}
    if requirement.in_workspace and "{workspace_id}" not in route.path:
        query["workspace_id"] = str(world.workspace_id)
    headers = world.credentials(caller, requirement.scope, session=target.session)

    async with new_client(world.app) as client:
        return await client.request(
            route.method,
            route.path.format(**values),
            params=query,
            headers=headers,
            json=target.json,
            data=target.form,
        )


def body_of(response: httpx.Response) -> Any:
    """The decoded JSON body, or None when there is none."""
    return response.json() if response.content else None


def leaked(text: str, data: tuple[str, ...]) -> list[str]:
    """The pieces of `data` found in `text`."""
    return [value for value in data if value in text]


# The tests.


async def test_every_route_declares_what_it_requires(app: FastAPI) -> None:
    routes = api_routes(app)

    undeclared = [
        str(route) for route in routes if declaration_key(route) not in DECLARED
    ]
    unused = set(DECLARED) - {declaration_key(route) for route in routes}
    assert undeclared == []
    assert unused == set()
    assert {str(route) for route in routes} == {str(route) for route, _ in CELLS}


async def test_prefixed_mounts_are_workspace_scoped(app: FastAPI) -> None:
    prefixed = [
        declaration_key(route)
        for route in api_routes(app)
        if route.path.startswith(f"{WORKSPACE_PREFIX}/")
    ]

    assert prefixed != []
    assert [key for key in prefixed if not DECLARED[key].requirement.in_workspace] == []


@pytest.mark.parametrize("route", CHECKED_WRITES)
async def test_change_check_sees_the_change_an_allowed_call_makes(
    world: World, route: Route
) -> None:
    target = await DECLARED[declaration_key(route)].target(world, Caller.INSTANCE_ADMIN)

    response = await call(world, route, Caller.INSTANCE_ADMIN, target)

    assert response.status_code == route.success, response.text
    assert target.unchanged is not nothing_to_check
    assert not await target.unchanged()


@pytest.mark.parametrize(("route", "caller"), ALLOWED_CELLS)
async def test_allowed_caller_gets_the_documented_success(
    world: World, route: Route, caller: Caller
) -> None:
    target = await DECLARED[declaration_key(route)].target(world, caller)

    response = await call(world, route, caller, target)

    assert response.status_code == route.success, response.text


@pytest.mark.parametrize(("route", "caller"), DENIED_CELLS)
async def test_denied_caller_is_refused_and_learns_and_changes_nothing(
    world: World, route: Route, caller: Caller
) -> None:
    declared = DECLARED[declaration_key(route)]
    expected = expected_outcome(declared.requirement, caller)
    target = await declared.target(world, caller)

    response = await call(world, route, caller, target)

    assert (response.status_code, body_of(response)) == (expected.status, expected.body)
    assert response.headers.get("WWW-Authenticate") == expected.challenge
    assert leaked(response.text, world.data + target.data) == []
    assert await target.unchanged()
