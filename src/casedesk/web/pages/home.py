"""Where `/` and `/ui/` lead: the queue of the visitor's first workspace."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casedesk.web.context import SignedInPage, WorkspacePage
from casedesk.web.templating import render

root_router = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/ui", include_in_schema=False)


@root_router.get("/")
async def root() -> RedirectResponse:
    """The service's front door is the web interface."""
    return RedirectResponse("/ui/", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def home(page: SignedInPage) -> Response:
    """The first workspace's queue, or a page saying there is none yet."""
    if page.workspaces:
        first = page.workspaces[0]["id"]
        return RedirectResponse(f"/ui/w/{first}/cases", status_code=303)
    return render(page.request, "no_workspace.html", {"page": page})


@router.get("/w/{workspace_id}", response_class=HTMLResponse)
async def workspace_home(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """A workspace's address leads to its queue."""
    return RedirectResponse(page.url("/cases"), status_code=303)
