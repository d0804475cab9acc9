"""Workspace roles and the scopes each one grants."""

from enum import StrEnum


class WorkspaceRole(StrEnum):
    """A member's role in one workspace."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


ROLE_SCOPES: dict[WorkspaceRole, frozenset[str]] = {
    WorkspaceRole.VIEWER: frozenset({"case:read"}),
    WorkspaceRole.EDITOR: frozenset({"case:read", "case:create", "case:update"}),
    WorkspaceRole.ADMIN: frozenset(
        {"case:read", "case:create", "case:update", "case:delete", "workspace:manage"}
    ),
}

# What a service account may be given: case access, never workspace management.
SERVICE_ACCOUNT_SCOPES = frozenset(
    {"case:read", "case:create", "case:update", "case:delete"}
)


def grants(scopes: frozenset[str], required: str) -> bool:
    """Whether a scope set satisfies one required scope.

    `*` and `resource:*` are wildcards, and an update grant implies read.
    """
    resource, _, action = required.partition(":")
    candidates = {required, "*", f"{resource}:*"}
    if action == "read":
        candidates.add(f"{resource}:update")
    return not candidates.isdisjoint(scopes)
