"""`casedesk keys …`: issue, list and revoke API keys from the command line."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.cli.runtime import cli_session, console, fail, require_current_schema
from casedesk.config import Settings, get_settings
from casedesk.errors import CasedeskError
from casedesk.models import ApiKey, ServiceAccount
from casedesk.service_accounts.service import (
    IssuedApiKey,
    ServiceAccountService,
    find_key,
)
from casedesk.workspaces.roles import SERVICE_ACCOUNT_SCOPE_ORDER
from casedesk.workspaces.service import WorkspaceService

app = typer.Typer(help="Manage service accounts and API keys.")


@dataclass(frozen=True)
class CreatedKey:
    """A key issued from the command line, and the account that holds it."""

    account: ServiceAccount
    issued: IssuedApiKey
    new_account: bool


@app.command("create")
def create_key(
    name: Annotated[
        str, typer.Option(help="Name of the key, and of the new service account.")
    ],
    workspace: Annotated[
        uuid.UUID | None,
        typer.Option(help="Workspace of the new service account."),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="A scope of the new service account; repeat for several: "
            + ", ".join(SERVICE_ACCOUNT_SCOPE_ORDER)
            + ".",
        ),
    ] = None,
    service_account: Annotated[
        uuid.UUID | None,
        typer.Option(help="Add the key to this existing service account instead."),
    ] = None,
) -> None:
    """Issue a key, for a new service account unless one is named; shown once."""
    scopes = list(dict.fromkeys(scope or []))
    if service_account is not None and scopes:
        fail(
            "--scope cannot be combined with --service-account: the key acts with "
            "the account's scopes"
        )
    if service_account is None and workspace is None:
        fail("--workspace is required unless --service-account is given")
    if service_account is None and not scopes:
        fail("give at least one --scope: " + ", ".join(SERVICE_ACCOUNT_SCOPE_ORDER))
    unknown = [item for item in scopes if item not in SERVICE_ACCOUNT_SCOPE_ORDER]
    if unknown:
        fail(
            f"unknown scope {unknown[0]}; choose from "
            + ", ".join(SERVICE_ACCOUNT_SCOPE_ORDER)
        )
    name = name.strip()
    if not name:
        fail("--name must not be blank")
    settings = get_settings()
    require_current_schema(settings)

    try:
        created = asyncio.run(
            _create(settings, name, workspace, scopes, service_account)
        )
    except CasedeskError as error:
        fail(error.message)

    account = created.account
    verb = "Created" if created.new_account else "Using"
    console.print(
        f"{verb} service account {account.name} ({account.id}) in workspace "
        f"{account.workspace_id} with scopes {', '.join(account.scopes)}"
    )
    console.print(
        f"Issued key {created.issued.api_key.key_id}. It is shown only now; "
        "send it as `Authorization: Bearer <key>`:"
    )
    console.print(created.issued.token)


@app.command("list")
def list_keys(
    workspace: Annotated[uuid.UUID, typer.Option(help="The workspace to list.")],
) -> None:
    """Print the workspace's keys, never their secrets."""
    settings = get_settings()
    require_current_schema(settings)

    try:
        keys = asyncio.run(_list(settings, workspace))
    except CasedeskError as error:
        fail(error.message)

    if not keys:
        console.print(f"No API keys in workspace {workspace}")
    for account, api_key in keys:
        console.print(
            f"{api_key.key_id}  {api_key.name}  "
            f"account={account.name} ({account.id})  "
            f"scopes={','.join(account.scopes)}  "
            f"created={api_key.created_at:%Y-%m-%d %H:%M}  "
            f"last_used={_when(api_key)}  {_state(account, api_key)}"
        )


@app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key id `keys list` shows.")],
) -> None:
    """Revoke a key: requests presenting it answer 401 from then on."""
    settings = get_settings()
    require_current_schema(settings)

    try:
        asyncio.run(_revoke(settings, key_id))
    except CasedeskError as error:
        fail(error.message)

    console.print(f"Revoked key {key_id}")


async def _create(
    settings: Settings,
    name: str,
    workspace_id: uuid.UUID | None,
    scopes: list[str],
    account_id: uuid.UUID | None,
) -> CreatedKey:
    async with cli_session(settings) as session:
        created = await issue_key(
            session,
            name=name,
            workspace_id=workspace_id,
            scopes=scopes,
            account_id=account_id,
        )
        await session.commit()
        return created


async def _list(
    settings: Settings, workspace_id: uuid.UUID
) -> list[tuple[ServiceAccount, ApiKey]]:
    async with cli_session(settings) as session:
        await _require_workspace(session, workspace_id)
        return await _service(session, workspace_id).list_workspace_keys()


async def _revoke(settings: Settings, key_id: str) -> None:
    async with cli_session(settings) as session:
        api_key = await find_key(session, key_id)
        if api_key is None:
            raise CasedeskError(f"API key {key_id} not found")
        await _service(session, api_key.workspace_id).revoke_key(
            api_key.service_account_id, key_id
        )
        await session.commit()


async def issue_key(
    session: AsyncSession,
    *,
    name: str,
    workspace_id: uuid.UUID | None,
    scopes: list[str],
    account_id: uuid.UUID | None,
) -> CreatedKey:
    """Issue a key to a named account, or to a new one with `scopes`."""
    if account_id is None:
        assert workspace_id is not None
        await _require_workspace(session, workspace_id)
        accounts = _service(session, workspace_id)
        account = await accounts.create(name=name, scopes=scopes)
    else:
        account = await _find_account(session, account_id)
        if workspace_id is not None and workspace_id != account.workspace_id:
            raise CasedeskError(
                f"Service account {account_id} is not in workspace {workspace_id}"
            )
        accounts = _service(session, account.workspace_id)

    issued = await accounts.issue_key(account.id, name=name)
    return CreatedKey(account=account, issued=issued, new_account=account_id is None)


async def _find_account(session: AsyncSession, account_id: uuid.UUID) -> ServiceAccount:
    account = await session.get(ServiceAccount, account_id)
    if account is None:
        raise CasedeskError(f"Service account {account_id} not found")
    return account


async def _require_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    if await WorkspaceService(session).get(workspace_id) is None:
        raise CasedeskError(f"Workspace {workspace_id} does not exist")


def _service(session: AsyncSession, workspace_id: uuid.UUID) -> ServiceAccountService:
    # Changes made here are audited as casedesk's own, from no address.
    return ServiceAccountService(
        session, workspace_id=workspace_id, actor=Actor.system(), client=None
    )


def _when(api_key: ApiKey) -> str:
    if api_key.last_used_at is None:
        return "never"
    return f"{api_key.last_used_at:%Y-%m-%d %H:%M}"


def _state(account: ServiceAccount, api_key: ApiKey) -> str:
    if api_key.revoked_at is not None:
        return "revoked"
    if not account.is_active:
        return "account-deactivated"
    return "active"
