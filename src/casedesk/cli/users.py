"""`casedesk users …`: manage accounts from the command line."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError

from casedesk.auth.principal import Actor
from casedesk.cli.runtime import cli_session, console, fail, require_current_schema
from casedesk.config import Settings, get_settings
from casedesk.errors import CasedeskError
from casedesk.models import User
from casedesk.users.schemas import Email, UserCreate
from casedesk.users.service import UserService
from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.schemas import MemberCreate
from casedesk.workspaces.service import MemberService, WorkspaceService

app = typer.Typer(help="Manage user accounts.")

EMAIL = TypeAdapter(Email)


@dataclass(frozen=True)
class WorkspaceGrant:
    """Where a new user is to be added, and with which role."""

    workspace_id: uuid.UUID
    role: WorkspaceRole


@app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="Email address, stored lower-case.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="The password. Better left out: it is then asked for, hidden, "
            "instead of showing in the process list and the shell history.",
        ),
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Make the user an instance admin.")
    ] = False,
    workspace: Annotated[
        uuid.UUID | None, typer.Option(help="A workspace to add the user to.")
    ] = None,
    role: Annotated[
        WorkspaceRole | None,
        typer.Option(help="The user's role in --workspace (default: viewer)."),
    ] = None,
) -> None:
    """Create an account; the password is asked for twice unless given."""
    if role is not None and workspace is None:
        fail("--role needs --workspace")
    try:
        email = EMAIL.validate_python(email)
    except ValidationError:
        fail(f"{email} is not a valid email address")
    settings = get_settings()
    require_current_schema(settings)

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        params = UserCreate(email=email, password=password, is_superuser=admin)
    except ValidationError as error:
        # Never print the error itself: it quotes the refused input.
        fail("; ".join(f"{item['loc'][0]}: {item['msg']}" for item in error.errors()))
    membership = None
    if workspace is not None:
        membership = WorkspaceGrant(workspace, role or WorkspaceRole.VIEWER)

    try:
        user = asyncio.run(_create(settings, params, membership))
    except CasedeskError as error:
        fail(error.message)

    kind = "instance admin" if user.is_superuser else "user"
    console.print(f"Created {kind} {user.email} with id {user.id}")
    if membership is not None:
        console.print(
            f"Added to workspace {membership.workspace_id} as {membership.role.value}"
        )


@app.command("list")
def list_users() -> None:
    """Print every account: id, email, instance role and state."""
    settings = get_settings()
    require_current_schema(settings)

    users = asyncio.run(_list(settings))
    for user in users:
        kind = "admin" if user.is_superuser else "basic"
        state = "active" if user.is_active else "inactive"
        console.print(f"{user.id}  {user.email}  {kind}  {state}")


async def _create(
    settings: Settings, params: UserCreate, membership: WorkspaceGrant | None
) -> User:
    actor = Actor.system()
    async with cli_session(settings) as session:
        if membership is not None:
            found = await WorkspaceService(session).get(membership.workspace_id)
            if found is None:
                raise CasedeskError(
                    f"Workspace {membership.workspace_id} does not exist"
                )

        user = await UserService(session, actor=actor).create(params)
        if membership is not None:
            members = MemberService(
                session,
                workspace_id=membership.workspace_id,
                actor=actor,
                client=None,
            )
            await members.add(MemberCreate(user_id=user.id, role=membership.role))
        await session.commit()
        return user


async def _list(settings: Settings) -> list[User]:
    async with cli_session(settings) as session:
        return await UserService(session, actor=Actor.system()).list()
