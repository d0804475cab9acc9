"""Workspace and membership failures."""

import uuid

from casedesk.errors import BadRequest, Conflict, NotFound, Unprocessable


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


class LastWorkspace(Conflict):
    """Deleting the only workspace would leave nowhere to work."""

    def __init__(self) -> None:
        super().__init__("The last workspace cannot be deleted")


class UserNotFound(NotFound):
    """The user to add exists nowhere in the installation."""

    def __init__(self) -> None:
        super().__init__("User not found")


class UserDeactivated(Unprocessable):
    """A deactivated account cannot be given access to a workspace."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"User {user_id} is deactivated and cannot be added")


class MemberNotFound(NotFound):
    """The user is not a member of this workspace."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"User {user_id} is not a member of this workspace")


class AlreadyMember(Conflict):
    """The user already holds a role in this workspace."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"User {user_id} is already a member of this workspace")


class LastAdmin(Conflict):
    """The change would leave the workspace without an admin."""

    def __init__(self) -> None:
        super().__init__(
            "A workspace must keep at least one admin: promote another member first"
        )
