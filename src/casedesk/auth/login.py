"""`POST /auth/login` and `POST /auth/logout`: the session cookie's life."""

import re
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from fastapi_users.router.common import ErrorCode

from casedesk.audit.actions import AuditAction
from casedesk.audit.service import AuditLog, client_address
from casedesk.auth.backend import AuthBackend, SessionStrategy, UserManagerDep
from casedesk.auth.principal import (
    Actor,
    CurrentUser,
    refuse_cross_origin_write,
    session_cookie,
)
from casedesk.auth.throttle import SignInThrottle
from casedesk.db.session import DbSession
from casedesk.kit.responses import UNAUTHENTICATED
from casedesk.kit.schemas import ErrorDetail

log = structlog.get_logger(__name__)

# As long as an account email may be; more typed as a username is noise.
MAX_RECORDED_EMAIL_LENGTH = 320
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

router = APIRouter(prefix="/auth", tags=["auth"])

SIGN_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    204: {"description": "Signed in; the session cookie is set."},
    400: {
        "model": ErrorDetail,
        "description": "Wrong email or password, or the account is deactivated "
        f"(`{ErrorCode.LOGIN_BAD_CREDENTIALS.value}`).",
    },
    403: {"model": ErrorDetail, "description": "Sent from another site's page."},
    429: {
        "model": ErrorDetail,
        "description": "Too many failed attempts for the account or the client "
        "address.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        },
    },
}
SIGN_OUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **UNAUTHENTICATED,
    204: {"description": "Signed out; the session token no longer works."},
    403: {
        "model": ErrorDetail,
        "description": "Sent from another site's page, or with an API key.",
    },
}


@router.post("/login", status_code=204, responses=SIGN_IN_RESPONSES)
async def sign_in(
    request: Request,
    credentials: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    manager: UserManagerDep,
    backend: AuthBackend,
    strategy: SessionStrategy,
    throttle: SignInThrottle,
) -> Response:
    """Sign in with the form fields `username` (the email) and `password`."""
    # A foreign page could otherwise sign the browser in to the attacker's
    # account and collect what the victim then records there.
    refuse_cross_origin_write(request)
    email = credentials.username.strip().lower()
    client = client_address(request)

    wait = await throttle.retry_after(email=email, client=client)
    if wait is not None:
        log.warning("auth.sign_in_throttled", retry_after=wait)
        return JSONResponse(
            {"detail": f"Too many sign-in attempts; try again in {wait} seconds"},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )

    # Failures are answered, not raised: raising would roll back the request's
    # session and, with it, the audit entry of the failure.
    user = await manager.authenticate(credentials)
    if user is None or not user.is_active:
        await throttle.record_failure(email=email, client=client)
        AuditLog(session).record(
            AuditAction.SIGN_IN_FAILED,
            actor=Actor(),
            client=client,
            email=_recordable(email),
            reason="bad_credentials" if user is None else "inactive",
        )
        log.info("auth.sign_in_failed")
        return JSONResponse(
            {"detail": ErrorCode.LOGIN_BAD_CREDENTIALS.value}, status_code=400
        )

    await throttle.forget_account(email)
    response = await backend.login(strategy, user)
    await manager.on_after_login(user, request, response)
    AuditLog(session).record(
        AuditAction.SIGN_IN,
        actor=Actor(user_id=user.id),
        client=client,
        target_type="user",
        target_id=user.id,
    )
    log.info("auth.signed_in", user_id=str(user.id))
    return response


@router.post("/logout", status_code=204, responses=SIGN_OUT_RESPONSES)
async def sign_out(
    request: Request,
    user: CurrentUser,
    token: Annotated[str | None, Depends(session_cookie)],
    session: DbSession,
    backend: AuthBackend,
    strategy: SessionStrategy,
) -> Response:
    """End this session: its token is deleted and the cookie cleared."""
    # CurrentUser is a person only when the session cookie named them.
    assert token is not None
    response = await backend.logout(strategy, user, token)

    AuditLog(session).record(
        AuditAction.SIGN_OUT,
        actor=Actor(user_id=user.id),
        client=client_address(request),
        target_type="user",
        target_id=user.id,
    )
    log.info("auth.signed_out", user_id=str(user.id))
    return response


def _recordable(email: str) -> str | None:
    """The submitted email for the audit trail, unless it is not one.

    People do type their password into the username field; what does not look
    like an address is not recorded.
    """
    if len(email) > MAX_RECORDED_EMAIL_LENGTH or not _EMAIL_SHAPE.fullmatch(email):
        return None
    return email
