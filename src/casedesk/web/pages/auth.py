"""Sign in and sign out, through the API's own `/auth` routes."""

from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casedesk.web.api import ApiClient, ApiError
from casedesk.web.context import CheckedForm, CheckedSignInForm, SignedInPage
from casedesk.web.csrf import issue_token
from casedesk.web.errors import SIGN_IN_PATH
from casedesk.web.templating import render

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/ui", include_in_schema=False)

HOME_PATH = "/ui/"
MAX_NEXT_LENGTH = 2000
WRONG_CREDENTIALS = "Wrong email or password, or the account is deactivated."


@router.get("/login", response_class=HTMLResponse)
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return _sign_in_form(request, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def sign_in(
    request: Request,
    form: CheckedSignInForm,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=MAX_NEXT_LENGTH)] = "",
) -> Response:
    """Check the credentials with the API; on success, carry its cookie over."""
    next_path = safe_next(next)
    if not email.strip() or not password:
        return _sign_in_form(
            request,
            next_path=next_path,
            email=email,
            error="Enter your email and password.",
            status_code=400,
        )

    api = ApiClient(request)
    try:
        response = await api.call(
            "POST", "/auth/login", data={"username": email, "password": password}
        )
    except ApiError as error:
        if error.status_code == 429:
            message = error.message
            headers = {"Retry-After": error.headers.get("retry-after", "60")}
        else:
            message, headers = WRONG_CREDENTIALS, None
        return _sign_in_form(
            request,
            next_path=next_path,
            email=email,
            error=message,
            status_code=error.status_code,
            headers=headers,
        )

    redirect = RedirectResponse(next_path or HOME_PATH, status_code=303)
    for value in response.headers.get_list("set-cookie"):
        redirect.headers.append("set-cookie", value)
    return redirect


@router.post("/logout")
async def sign_out(page: SignedInPage, form: CheckedForm) -> Response:
    """End the session everywhere the cookie was used, then show sign-in."""
    response = await page.api.call("POST", "/auth/logout")
    redirect = RedirectResponse(SIGN_IN_PATH, status_code=303)
    for value in response.headers.get_list("set-cookie"):
        redirect.headers.append("set-cookie", value)
    return redirect


def safe_next(value: str | None) -> str:
    """A page path to return to after sign-in; never another site."""
    if not value or len(value) > MAX_NEXT_LENGTH:
        return ""
    if not value.startswith("/ui/") or value.startswith("//") or "\\" in value:
        return ""
    if any(ord(character) < 0x20 for character in value):
        return ""
    return value


def _sign_in_form(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    secret = request.app.state.settings.secret_value()
    return render(
        request,
        "login.html",
        {
            "csrf_token": issue_token(secret, None),
            "next_path": next_path,
            "email": email,
            "error": error,
        },
        status_code=status_code,
        headers=headers,
    )
