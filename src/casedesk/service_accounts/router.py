"""HTTP routes for service accounts and their API keys."""

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from casedesk.kit.responses import WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.service_accounts.deps import ServiceAccounts
from casedesk.service_accounts.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    ServiceAccountCreate,
    ServiceAccountRead,
)

router = APIRouter(
    prefix="/service-accounts", tags=["service accounts"], responses=WORKSPACE_ERRORS
)

ACCOUNT_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "No such service account here."}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ServiceAccountRead,
    responses={422: {"description": "Invalid body, or a scope keys cannot hold."}},
)
async def create_service_account(
    accounts: ServiceAccounts, params: ServiceAccountCreate, response: Response
) -> ServiceAccountRead:
    """Create a service account with the case scopes its keys will carry."""
    account = await accounts.create(name=params.name, scopes=list(params.scopes))
    response.headers["Location"] = (
        f"/workspaces/{account.workspace_id}/service-accounts/{account.id}"
    )
    return ServiceAccountRead.model_validate(account)


@router.get("", response_model=list[ServiceAccountRead])
async def list_service_accounts(
    accounts: ServiceAccounts,
) -> list[ServiceAccountRead]:
    """The workspace's service accounts, oldest first, deactivated ones too."""
    return [
        ServiceAccountRead.model_validate(account)
        for account in await accounts.list_accounts()
    ]


@router.get(
    "/{service_account_id}",
    response_model=ServiceAccountRead,
    responses=ACCOUNT_NOT_FOUND,
)
async def get_service_account(
    accounts: ServiceAccounts, service_account_id: uuid.UUID
) -> ServiceAccountRead:
    """One service account of the workspace."""
    return ServiceAccountRead.model_validate(await accounts.get(service_account_id))


@router.delete(
    "/{service_account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ACCOUNT_NOT_FOUND,
)
async def delete_service_account(
    accounts: ServiceAccounts, service_account_id: uuid.UUID
) -> None:
    """Deactivate a service account and revoke all its keys."""
    await accounts.deactivate(service_account_id)


@router.post(
    "/{service_account_id}/keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses={
        **ACCOUNT_NOT_FOUND,
        409: {"model": ErrorDetail, "description": "The account is deactivated."},
    },
)
async def create_api_key(
    accounts: ServiceAccounts, service_account_id: uuid.UUID, params: ApiKeyCreate
) -> ApiKeyCreated:
    """Issue a key; the answer holds the full key, which is never shown again."""
    issued = await accounts.issue_key(service_account_id, name=params.name)
    api_key = issued.api_key
    return ApiKeyCreated(
        id=api_key.id,
        key_id=api_key.key_id,
        service_account_id=api_key.service_account_id,
        name=api_key.name,
        key=issued.token,
        created_at=api_key.created_at,
    )


@router.get(
    "/{service_account_id}/keys",
    response_model=list[ApiKeyRead],
    responses=ACCOUNT_NOT_FOUND,
)
async def list_api_keys(
    accounts: ServiceAccounts, service_account_id: uuid.UUID
) -> list[ApiKeyRead]:
    """The account's keys without their secrets, revoked ones too."""
    return [
        ApiKeyRead.model_validate(api_key)
        for api_key in await accounts.list_keys(service_account_id)
    ]


@router.delete(
    "/{service_account_id}/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={404: {"model": ErrorDetail, "description": "No such key here."}},
)
async def revoke_api_key(
    accounts: ServiceAccounts, service_account_id: uuid.UUID, key_id: str
) -> None:
    """Revoke a key, named by its `key_id`; it answers 401 from then on."""
    await accounts.revoke_key(service_account_id, key_id)
