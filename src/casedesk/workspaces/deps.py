"""Resolve the workspace a request acts in, and check the caller's scopes."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError, WithJsonSchema

from casedesk.audit.service import client_address
from casedesk.auth.principal import Actor, CurrentPrincipal, Principal
from casedesk.db.session import DbSession
from casedesk.errors import Forbidden, InsufficientScope
from casedesk.workspaces.errors import (
    WorkspaceIdMismatch,
    WorkspaceNotFound,
    WorkspaceRequired,
)
from casedesk.workspaces.roles import ROLE_SCOPES, WorkspaceRole, grants
from casedesk.workspaces.service import MemberService, WorkspaceService

_UUID_ADAPTER = TypeAdapter(uuid.UUID)

# A workspace id taken as text and parsed by `_parse_workspace_id`, documented
# as a UUID.
UUIDText = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]


@dataclass(frozen=True)
class WorkspaceContext:
    """Who is acting, in which workspace, with which scopes."""

    workspace_id: uuid.UUID
    principal: Principal
    role: WorkspaceRole | None
    scopes: frozenset[str]

    @property
    def actor(self) -> Actor:
        """The identity recorded as the actor of events."""
        return self.principal.actor


async def validate_path_workspace_id(
    workspace_id: Annotated[
        uuid.UUID, Path(description="The workspace the request acts in.")
    ],
) -> None:
    """Declare and validate `{workspace_id}` on the workspace-prefixed mount."""


async def resolve_workspace(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    query_value: Annotated[
        UUIDText | None,
        Query(
            alias="workspace_id",
            description="Workspace to act in; defaults to the caller's first "
            "workspace. Must equal the path value when both are given.",
        ),
    ] = None,
) -> WorkspaceContext:
    """The workspace named by path or query, or the caller's default one."""
    path_workspace_id = _parse_workspace_id(
        request.path_params.get("workspace_id"), "path"
    )
    query_workspace_id = _parse_workspace_id(query_value, "query")
    if (
        path_workspace_id is not None
        and query_workspace_id is not None
        and path_workspace_id != query_workspace_id
    ):
        raise WorkspaceIdMismatch()

    target = path_workspace_id or query_workspace_id
    return await _context_for(session, principal, target)


async def resolve_path_workspace(
    session: DbSession,
    principal: CurrentPrincipal,
    workspace_id: Annotated[uuid.UUID, Path(description="The workspace's id.")],
) -> WorkspaceContext:
    """The workspace named by the path of a `/workspaces/{workspace_id}` route."""
    return await _context_for(session, principal, workspace_id)


async def _context_for(
    session: DbSession, principal: Principal, target: uuid.UUID | None
) -> WorkspaceContext:
    if principal.service_account is not None:
        return _service_account_context(principal, target)

    assert principal.user is not None
    user = principal.user
    workspaces = WorkspaceService(session)
    if target is None:
        target = await workspaces.default_workspace_id(user.id)
        if target is None:
            raise WorkspaceRequired()

    workspace = await workspaces.get(target)
    if workspace is None:
        raise WorkspaceNotFound()

    # Instance admins act as admin in every workspace, member or not.
    role = await workspaces.role_of(user.id, workspace.id)
    if user.is_superuser:
        role = WorkspaceRole.ADMIN
    if role is None:
        raise Forbidden()

    return WorkspaceContext(
        workspace_id=workspace.id,
        principal=principal,
        role=role,
        scopes=ROLE_SCOPES[role],
    )


def _service_account_context(
    principal: Principal, target: uuid.UUID | None
) -> WorkspaceContext:
    """A key acts only in its own workspace, with exactly its scopes."""
    account = principal.service_account
    assert account is not None
    if target is not None and target != account.workspace_id:
        raise Forbidden()
    return WorkspaceContext(
        workspace_id=account.workspace_id,
        principal=principal,
        role=None,
        scopes=frozenset(account.scopes),
    )


def _parse_workspace_id(value: str | None, location: str) -> uuid.UUID | None:
    # Both values are parsed here rather than by FastAPI: a dependency shared
    # by several others reports its own validation errors once per use, and
    # is still called after the path dependency refused the path value.
    if value is None:
        return None
    try:
        return _UUID_ADAPTER.validate_python(value)
    except ValidationError as error:
        raise RequestValidationError(
            [
                {**detail, "loc": (location, "workspace_id")}
                for detail in error.errors(include_url=False)
            ]
        ) from error


def require_scope(
    scope: str,
    resolver: Callable[..., Awaitable[WorkspaceContext]] = resolve_workspace,
) -> Callable[[WorkspaceContext], Awaitable[WorkspaceContext]]:
    """A dependency resolving the workspace and demanding one scope in it."""

    async def check_scope(
        context: Annotated[WorkspaceContext, Depends(resolver)],
    ) -> WorkspaceContext:
        if not grants(context.scopes, scope):
            raise InsufficientScope(required=[scope], missing=[scope])
        return context

    return check_scope


CaseReader = Annotated[WorkspaceContext, Depends(require_scope("case:read"))]
CaseCreator = Annotated[WorkspaceContext, Depends(require_scope("case:create"))]
CaseUpdater = Annotated[WorkspaceContext, Depends(require_scope("case:update"))]
CaseDeleter = Annotated[WorkspaceContext, Depends(require_scope("case:delete"))]
WorkspaceManager = Annotated[
    WorkspaceContext, Depends(require_scope("workspace:manage"))
]

# The `/workspaces/{workspace_id}` routes themselves: the path names the
# workspace, and there is no `workspace_id` query parameter.
PathWorkspace = Annotated[WorkspaceContext, Depends(resolve_path_workspace)]
PathWorkspaceManager = Annotated[
    WorkspaceContext,
    Depends(require_scope("workspace:manage", resolve_path_workspace)),
]
CurrentWorkspace = Annotated[WorkspaceContext, Depends(resolve_workspace)]


def get_member_service(
    request: Request, session: DbSession, context: CurrentWorkspace
) -> MemberService:
    """Membership administration in the request's workspace, as its caller."""
    return MemberService(
        session,
        workspace_id=context.workspace_id,
        actor=context.actor,
        client=client_address(request),
    )


Members = Annotated[MemberService, Depends(get_member_service)]
