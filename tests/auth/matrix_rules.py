"""What a matrix route requires, and the one rule deciding each cell.

Shared by the matrix test and the per-domain declaration modules
(`matrix_<domain>.py`), each of which exports a `DECLARED` mapping.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from casedesk.workspaces.roles import WorkspaceRole
from tests.auth.matrix_world import (
    KEYS,
    MEMBERS_OF_A,
    Caller,
    World,
    key_scopes_with,
    key_scopes_without,
)

# The roles as the issue defines them; instance admins act as admin anywhere.
ROLE_SCOPES = {
    WorkspaceRole.VIEWER: frozenset({"case:read"}),
    WorkspaceRole.EDITOR: frozenset({"case:read", "case:create", "case:update"}),
    WorkspaceRole.ADMIN: frozenset(
        {"case:read", "case:create", "case:update", "case:delete", "workspace:manage"}
    ),
}
ROLES_IN_A = {**MEMBERS_OF_A, Caller.INSTANCE_ADMIN: WorkspaceRole.ADMIN}
KEYS_OF_A = (Caller.KEY_WITH_SCOPE, Caller.KEY_WITHOUT_SCOPE)


# What routes require, and the one rule deciding each cell.


class Check(StrEnum):
    """One condition a route puts on its caller."""

    SIGNED_IN = "a valid session or key"
    PERSON = "a signed-in user, not an API key"
    INSTANCE_ADMIN = "an instance admin"
    IN_WORKSPACE = "access to workspace A"
    SCOPE = "the route's scope in workspace A"
    # No caller's session or key is the operator's `CASEDESK_METRICS_TOKEN`,
    # and the matrix's app sets none, which disables the route: 404 for all.
    METRICS_TOKEN = "the operator's metrics token, unset in the matrix's app"


@dataclass(frozen=True)
class Requirement:
    """What a route demands, declared once: checks in the order the app runs them."""

    checks: tuple[Check, ...] = ()
    scope: str | None = None
    # The `detail` refusing an API key on a route for people.
    people_only: str = "This route needs a signed-in user, not an API key"

    @property
    def in_workspace(self) -> bool:
        """Whether the route acts in a workspace (and has a prefixed mount)."""
        return Check.IN_WORKSPACE in self.checks


ANYONE = Requirement()
PERSON = Requirement((Check.SIGNED_IN, Check.PERSON))
INSTANCE_ADMIN = Requirement((Check.SIGNED_IN, Check.INSTANCE_ADMIN))
MEMBER = Requirement((Check.SIGNED_IN, Check.PERSON, Check.IN_WORKSPACE))
METRICS_SCRAPER = Requirement((Check.METRICS_TOKEN,))
MEMBERS_READER = Requirement(
    (Check.SIGNED_IN, Check.IN_WORKSPACE, Check.SCOPE, Check.PERSON),
    scope="case:read",
    people_only="Members are listed to signed-in users only",
)


def scope(name: str) -> Requirement:
    """A workspace-scoped route needing `name` in workspace A."""
    return Requirement((Check.SIGNED_IN, Check.IN_WORKSPACE, Check.SCOPE), scope=name)


@dataclass(frozen=True)
class Outcome:
    """The answer a cell expects: the route's success, or a refusal."""

    status: int | None
    body: dict[str, Any] | None = None
    challenge: str | None = None


ALLOWED = Outcome(None)
UNAUTHORIZED = Outcome(401, {"detail": "Unauthorized"}, challenge="Cookie")
FORBIDDEN = Outcome(403, {"detail": "Forbidden"})
DISABLED = Outcome(404, {"detail": "Not Found"})


def insufficient_scope(name: str) -> Outcome:
    """The reference's refusal for a role or key lacking `name`."""
    return Outcome(
        403,
        {
            "error": {
                "code": "insufficient_scope",
                "message": "You don't have permission to perform this action.",
                "required_scopes": [name],
                "missing_scopes": [name],
            }
        },
    )


def scopes_in_workspace_a(caller: Caller, required: str | None) -> frozenset[str]:
    """What the caller may do in workspace A."""
    if caller in ROLES_IN_A:
        return ROLE_SCOPES[ROLES_IN_A[caller]]
    if caller is Caller.KEY_WITH_SCOPE:
        return key_scopes_with(required)
    if caller is Caller.KEY_WITHOUT_SCOPE:
        return key_scopes_without(required)
    return frozenset()


def refusal(check: Check, requirement: Requirement, caller: Caller) -> Outcome | None:
    """How `caller` is refused by one check, or None when it passes."""
    scope_name = requirement.scope or ""
    failed = {
        Check.SIGNED_IN: caller in (Caller.ANONYMOUS, Caller.REVOKED_KEY),
        Check.PERSON: caller in KEYS,
        Check.INSTANCE_ADMIN: caller is not Caller.INSTANCE_ADMIN,
        Check.IN_WORKSPACE: caller not in (*ROLES_IN_A, *KEYS_OF_A),
        Check.SCOPE: scope_name not in scopes_in_workspace_a(caller, scope_name),
        Check.METRICS_TOKEN: True,
    }[check]
    refusals = {
        Check.SIGNED_IN: UNAUTHORIZED,
        Check.PERSON: Outcome(403, {"detail": requirement.people_only}),
        Check.INSTANCE_ADMIN: FORBIDDEN,
        Check.IN_WORKSPACE: FORBIDDEN,
        Check.SCOPE: insufficient_scope(scope_name),
        Check.METRICS_TOKEN: DISABLED,
    }
    return refusals[check] if failed else None


def expected_outcome(requirement: Requirement, caller: Caller) -> Outcome:
    """The rule: the first check the caller fails refuses it; else it succeeds."""
    for check in requirement.checks:
        refused = refusal(check, requirement, caller)
        if refused is not None:
            return refused
    return ALLOWED


async def nothing_to_check() -> bool:
    return True


@dataclass
class Target:
    """Path values, body, and what a refusal must neither show nor change."""

    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None
    data: tuple[str, ...] = ()
    session: str | None = None
    unchanged: Callable[[], Awaitable[bool]] = nothing_to_check


TargetBuilder = Callable[[World, Caller], Awaitable[Target]]


async def standing_targets(world: World, caller: Caller) -> Target:
    """Workspace A's case, service account and key, which no cell destroys."""
    return Target()


@dataclass(frozen=True)
class Declared:
    """A route's requirement and the target it is called on."""

    requirement: Requirement
    target: TargetBuilder = standing_targets
