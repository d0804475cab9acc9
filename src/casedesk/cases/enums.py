"""Case enumerations, in their semantic order, with their numeric codes."""

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where an investigation stands (aligned with OCSF incident status)."""

    UNKNOWN = "unknown"
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    OTHER = "other"


class CasePriority(StrEnum):
    """How urgently the case needs attention."""

    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    OTHER = "other"


class CaseSeverity(StrEnum):
    """How much harm the underlying activity does (aligned with OCSF)."""

    UNKNOWN = "unknown"
    INFORMATIONAL = "informational"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    FATAL = "fatal"
    OTHER = "other"


# The codes are the published numeric identifiers; they also sort in the
# semantic order, which is why they are what the database stores.
STATUS_CODES = {
    "unknown": 0,
    "new": 1,
    "in_progress": 2,
    "on_hold": 3,
    "resolved": 4,
    "closed": 5,
    "other": 99,
}
PRIORITY_CODES = {
    "unknown": 0,
    "low": 1,
    "medium": 2,
    "high": 3,
    "critical": 4,
    "other": 99,
}
SEVERITY_CODES = {
    "unknown": 0,
    "informational": 1,
    "low": 2,
    "medium": 3,
    "high": 4,
    "critical": 5,
    "fatal": 6,
    "other": 99,
}

STATUS_DESCRIPTION = (
    "Case status: unknown 0, new 1, in_progress 2, on_hold 3, resolved 4, "
    "closed 5, other 99."
)
PRIORITY_DESCRIPTION = (
    "Urgency: unknown 0 (none assigned); low 1 (a procedure is unusable, a "
    "workaround exists); medium 2 (a non-critical function is unusable, "
    "operations disrupted, availability unaffected); high 3 (critical "
    "functionality degraded, severe availability impact, no alternative); "
    "critical 4 (critical functionality inaccessible or complete network "
    "interruption); other 99 (not normalized)."
)
SEVERITY_DESCRIPTION = (
    "Severity: unknown 0; informational 1 (no action required); low 2 (the "
    "user decides whether to act); medium 3 (action required, not serious "
    "yet); high 4 (action required immediately); critical 5 (immediate "
    "action, broad scope); fatal 6 (too late for remedial action); other 99 "
    "(not mapped)."
)


class CaseTaskStatus(StrEnum):
    """Where a task of a case stands."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    BLOCKED = "blocked"


TASK_STATUS_CODES = {"todo": 0, "in_progress": 1, "completed": 2, "blocked": 3}
