"""Service account dependencies: the service bound to the request's workspace."""

from typing import Annotated

from fastapi import Depends, Request

from casedesk.audit.service import client_address
from casedesk.db.session import DbSession
from casedesk.service_accounts.service import ServiceAccountService
from casedesk.workspaces.deps import WorkspaceManager


def get_service_account_service(
    request: Request, session: DbSession, context: WorkspaceManager
) -> ServiceAccountService:
    """Service account administration in the request's workspace.

    Every route using it needs `workspace:manage`; the scope is checked here.
    """
    return ServiceAccountService(
        session,
        workspace_id=context.workspace_id,
        actor=context.actor,
        client=client_address(request),
    )


ServiceAccounts = Annotated[ServiceAccountService, Depends(get_service_account_service)]
