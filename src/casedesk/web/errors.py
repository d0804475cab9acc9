"""Page-level failures and their HTML answers (registered with the API's)."""

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.web.api import ApiError, describe
from casedesk.web.templating import render

UI_PREFIX = "/ui"
SIGN_IN_PATH = f"{UI_PREFIX}/login"


class SignInRequired(Exception):
    """The visitor has no live session; they are sent to the sign-in page."""


class PageNotFound(Exception):
    """What the page names does not exist here, or is not the visitor's."""


def is_page_request(request: Request) -> bool:
    """Whether a request was for a page rather than the API."""
    path = request.url.path
    return path == UI_PREFIX or path.startswith(f"{UI_PREFIX}/")


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Send the visitor to sign in, and back here afterwards (GET only).

    A session cookie the visitor still holds is dead by now: it is cleared.
    """
    target = SIGN_IN_PATH
    if request.method == "GET" and request.url.path != SIGN_IN_PATH:
        back = request.url.path
        if request.url.query:
            back = f"{back}?{request.url.query}"
        target = f"{SIGN_IN_PATH}?next={quote(back, safe='')}"
    response = RedirectResponse(target, status_code=303)
    if SESSION_COOKIE_NAME in request.cookies:
        response.delete_cookie(SESSION_COOKIE_NAME, httponly=True, samesite="lax")
    return response


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A page saying what went wrong, in words the visitor can act on."""
    return render(
        request,
        "error.html",
        {"status_code": status_code, "message": message},
        status_code=status_code,
    )


async def render_page_error(request: Request, error: Exception) -> Response:
    """The HTML answer to an error raised while serving a page."""
    if isinstance(error, SignInRequired):
        return sign_in_redirect(request)
    if isinstance(error, PageNotFound):
        return error_page(request, 404, "There is nothing here, or not for you.")
    assert isinstance(error, ApiError)
    if error.status_code == 401:
        return sign_in_redirect(request)
    if error.status_code == 404:
        return error_page(request, 404, describe(error.detail))
    return error_page(request, error.status_code, error.message)
