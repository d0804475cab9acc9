"""Workspace roles and the scopes each one grants."""

from enum import StrEnum
from typing import Literal, get_args


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
ServiceAccountScope = Literal["case:read", "case:create", "case:update", "case:delete"]
SERVICE_ACCOUNT_SCOPE_ORDER: tuple[str, ...] = get_args(ServiceAccountScope)
SERVICE_ACCOUNT_SCOPES = frozenset(SERVICE_ACCOUNT_SCOPE_ORDER)


def grants(scopes: frozenset[str], required: str) -> bool:
    """Whether a scope set satisfies one required scope.

    `*` and `resource:*` are wildcards, and an update grant implies read.
    """
    resource, _, action = required.partition(":")
    candidates = {required, "*", f"{resource}:*"}
    if action == "read":
        candidates.add(f"{resource}:update")
    return not candidates.isdisjoint(scopes)
