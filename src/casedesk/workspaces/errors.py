"""Workspace resolution failures."""

from casedesk.errors import BadRequest, NotFound, Unprocessable


class WorkspaceNotFound(NotFound):
    """The workspace id names no workspace."""

    def __init__(self) -> None:
        super().__init__("Workspace not found")


class WorkspaceIdMismatch(BadRequest):
    """The path and the query name different workspaces."""

    def __init__(self) -> None:
        super().__init__("Path and query workspace_id values must match")


class WorkspaceRequired(Unprocessable):
    """No workspace was named and the caller has no default."""

    def __init__(self) -> None:
        super().__init__("workspace_id is required")
