"""OpenAPI descriptions of the error responses routes share."""

from typing import Any

from casedesk.kit.schemas import ErrorDetail

UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorDetail, "description": "No valid session cookie."},
}
WORKSPACE_ERRORS: dict[int | str, dict[str, Any]] = {
    **UNAUTHENTICATED,
    400: {
        "model": ErrorDetail,
        "description": "Path and query `workspace_id` disagree, or a bad cursor.",
    },
    403: {
        "description": "Not a member of the workspace, or the role lacks a scope "
        "(`insufficient_scope` body).",
    },
    404: {"model": ErrorDetail, "description": "Workspace or target not found."},
}
CASE_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "No such case in this workspace."},
}
ADMIN_ONLY: dict[int | str, dict[str, Any]] = {
    **UNAUTHENTICATED,
    403: {"model": ErrorDetail, "description": "The caller is not an admin."},
}
