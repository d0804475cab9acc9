"""`/settings` leads to the first section, members."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse

from casedesk.web.context import WorkspacePage

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)


@router.get("/settings")
async def settings_home(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> RedirectResponse:
    """The settings start with the workspace's members."""
    return RedirectResponse(page.url("/settings/members"), status_code=303)
