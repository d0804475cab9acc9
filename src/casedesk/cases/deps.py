"""Case dependencies: services bound to the request's workspace."""

from typing import Annotated

from fastapi import Depends, Request

from casedesk.cases.listing import CaseLister
from casedesk.cases.service import CaseService
from casedesk.db.session import DbSession
from casedesk.workspaces.deps import WorkspaceContext, resolve_workspace

Workspace = Annotated[WorkspaceContext, Depends(resolve_workspace)]


def get_case_service(session: DbSession, context: Workspace) -> CaseService:
    """A case service acting in the request's workspace as its caller."""
    return CaseService(session, workspace_id=context.workspace_id, actor=context.actor)


def get_case_lister(
    request: Request, session: DbSession, context: Workspace
) -> CaseLister:
    """A lister over the request's workspace, signing cursors with the secret."""
    return CaseLister(session, request.app.state.cursor_codec, context.workspace_id)


Cases = Annotated[CaseService, Depends(get_case_service)]
Lister = Annotated[CaseLister, Depends(get_case_lister)]
