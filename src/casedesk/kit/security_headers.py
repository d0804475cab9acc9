"""Security headers on every response, stricter for the API than for its docs."""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The API serves JSON only: nothing may load, run or frame it.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
# /docs and /redoc load Swagger UI and ReDoc (scripts, styles, fonts) from a
# CDN and run an inline script; this policy restricts nothing they need to
# load, only framing, <base>, plugins and form posts, which they never use.
DOCS_CONTENT_SECURITY_POLICY = (
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
# The web interface: its own scripts, styles and images only; no inline
# script or style, no plugins, no framing, forms post back to casedesk.
UI_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
    "data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
UI_PATH_PREFIX = "/ui/"
UI_STATIC_PREFIX = "/ui/static/"
HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600

COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": (
        "camera=(), geolocation=(), microphone=(), payment=(), usb=()"
    ),
}


class SecurityHeadersMiddleware:
    """Add browser hardening headers unless a route already set its own."""

    def __init__(
        self, app: ASGIApp, *, docs_paths: Iterable[str | None], https: bool
    ) -> None:
        self.app = app
        self.docs_paths = frozenset(path for path in docs_paths if path)
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = self._headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers_for(self, path: str) -> dict[str, str]:
        return security_headers(path, docs_paths=self.docs_paths, https=self.https)


def security_headers(
    path: str, *, docs_paths: frozenset[str] = frozenset(), https: bool
) -> dict[str, str]:
    """The hardening headers of a response to `path`.

    Also used by the 500 handler, which Starlette runs outside every
    middleware, this one included.
    """
    headers = dict(COMMON_HEADERS)
    if path in docs_paths:
        headers["content-security-policy"] = DOCS_CONTENT_SECURITY_POLICY
    elif path.startswith(UI_STATIC_PREFIX):
        headers["content-security-policy"] = UI_CONTENT_SECURITY_POLICY
        headers["cache-control"] = "no-cache"
    elif path.startswith(UI_PATH_PREFIX) or path in ("/", "/ui"):
        headers["content-security-policy"] = UI_CONTENT_SECURITY_POLICY
        headers["cache-control"] = "no-store"
    else:
        headers["content-security-policy"] = API_CONTENT_SECURITY_POLICY
        # Answers carry cases and accounts: no browser or proxy keeps them.
        headers["cache-control"] = "no-store"
    if https:
        headers["strict-transport-security"] = f"max-age={HSTS_MAX_AGE_SECONDS}"
    return headers
