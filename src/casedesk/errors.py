"""The domain error family: services raise these, one handler renders them."""

from typing import Any


class CasedeskError(Exception):
    """Base of every expected failure; carries its HTTP status and message."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        """The JSON body sent to the client."""
        return {"detail": self.message}

    def headers(self) -> dict[str, str] | None:
        """Extra response headers, if any."""
        return None


class BadRequest(CasedeskError):
    """The request is well formed but asks for something invalid."""

    status_code = 400


class NotAuthenticated(CasedeskError):
    """No valid credential came with the request."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Unauthorized")

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Cookie"}


class Forbidden(CasedeskError):
    """The caller is known but may not act here."""

    status_code = 403

    def __init__(self, message: str = "Forbidden") -> None:
        super().__init__(message)


class InsufficientScope(Forbidden):
    """The caller's role lacks a scope the route requires."""

    def __init__(self, required: list[str], missing: list[str]) -> None:
        super().__init__("You don't have permission to perform this action.")
        self.required = required
        self.missing = missing

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": "insufficient_scope",
                "message": self.message,
                "required_scopes": self.required,
                "missing_scopes": self.missing,
            }
        }


class NotFound(CasedeskError):
    """The target does not exist, or not in the caller's workspace."""

    status_code = 404


class Conflict(CasedeskError):
    """The request conflicts with the current state."""

    status_code = 409


class Unprocessable(CasedeskError):
    """Domain validation failed; rendered as a plain `detail` string."""

    status_code = 422


class PayloadTooLarge(CasedeskError):
    """The request body exceeds the configured limit."""

    status_code = 413
