"""Who is looking at a page, in which workspace, allowed to do what."""

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from starlette.datastructures import FormData

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.principal import refuse_cross_origin_write
from casedesk.web.api import ApiClient, ApiError, workspace_path
from casedesk.web.csrf import CSRF_FIELD, check_token, issue_token
from casedesk.web.errors import PageNotFound, SignInRequired
from casedesk.workspaces.roles import ROLE_SCOPES, WorkspaceRole, grants


@dataclass
class Page:
    """Everything every page needs: the visitor, their workspaces, the API."""

    request: Request
    api: ApiClient
    me: dict[str, Any]
    workspaces: list[dict[str, Any]]
    csrf_token: str
    workspace: dict[str, Any] | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def workspace_id(self) -> uuid.UUID:
        """The current workspace's id (pages under `/ui/w/{id}/` only)."""
        assert self.workspace is not None
        return uuid.UUID(self.workspace["id"])

    @property
    def is_instance_admin(self) -> bool:
        """Whether the visitor administers the whole installation."""
        return bool(self.me.get("is_superuser"))

    def can(self, scope: str) -> bool:
        """Whether the visitor's role here grants `scope`: shows its controls."""
        return grants(self.scopes, scope)

    def api_path(self, path: str) -> str:
        """The API path of a route in the current workspace."""
        return workspace_path(self.workspace_id, path)

    def url(self, path: str = "") -> str:
        """A page path in the current workspace, e.g. `url('/cases')`."""
        return f"/ui/w/{self.workspace_id}{path}"

    def display_name(self, user: dict[str, Any] | None) -> str:
        """How a person is shown: their name, else their email."""
        if not user:
            return ""
        names = [user.get("first_name"), user.get("last_name")]
        full = " ".join(str(name) for name in names if name)
        return full or str(user.get("email", ""))


async def signed_in_page(request: Request) -> Page:
    """The page context of a signed-in visitor, or a redirect to sign in."""
    api = ApiClient(request)
    if not api.session_token:
        raise SignInRequired()

    try:
        me = await api.get("/users/me")
        workspaces = await api.get("/workspaces")
    except ApiError as error:
        if error.status_code in (401, 403):
            raise SignInRequired() from error
        raise

    secret = request.app.state.settings.secret_value()
    return Page(
        request=request,
        api=api,
        me=me,
        workspaces=workspaces,
        csrf_token=issue_token(secret, api.session_token),
    )


async def workspace_page(
    page: Annotated[Page, Depends(signed_in_page)],
    workspace_id: Annotated[uuid.UUID, Path()],
) -> Page:
    """The page context inside one of the visitor's workspaces."""
    workspace = next(
        (item for item in page.workspaces if item["id"] == str(workspace_id)), None
    )
    if workspace is None and page.is_instance_admin:
        # Instance admins act as admin in every workspace, member or not.
        found = await page.api.get(f"/workspaces/{workspace_id}")
        workspace = {**found, "role": WorkspaceRole.ADMIN.value}
    if workspace is None:
        raise PageNotFound()

    page.workspace = workspace
    page.scopes = ROLE_SCOPES[WorkspaceRole(workspace["role"])]
    return page


async def checked_form(request: Request) -> FormData:
    """A posted form, refused unless it came from one of this session's pages."""
    return await _form_for_session(request, request.cookies.get(SESSION_COOKIE_NAME))


async def checked_sign_in_form(request: Request) -> FormData:
    """The sign-in form, which was served to nobody's session.

    A browser may still hold the cookie of a session that ended elsewhere
    (signed out on another tab, revoked by an admin); it must not stop the
    person from signing in again.
    """
    return await _form_for_session(request, None)


async def _form_for_session(request: Request, session_token: str | None) -> FormData:
    refuse_cross_origin_write(request)
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    secret = request.app.state.settings.secret_value()
    check_token(
        secret, session_token, submitted if isinstance(submitted, str) else None
    )
    return form


SignedInPage = Annotated[Page, Depends(signed_in_page)]
WorkspacePage = Annotated[Page, Depends(workspace_page)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
CheckedSignInForm = Annotated[FormData, Depends(checked_sign_in_form)]


# Settings pages (custom fields, dropdowns, durations).
MANAGE_REFUSED = "You don't have permission to perform this action."


async def managing_page(page: WorkspacePage) -> Page:
    """A workspace page for those who manage the workspace; 403 for others."""
    if not page.can("workspace:manage"):
        raise ApiError(403, MANAGE_REFUSED, {})
    return page


ManagingPage = Annotated[Page, Depends(managing_page)]
