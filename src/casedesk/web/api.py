"""Call casedesk's own HTTP API in process, as the visitor of a page."""

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from fastapi import Request

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.kit.middleware import REQUEST_ID_HEADER

log = structlog.get_logger(__name__)

INTERNAL_BASE_URL = "http://casedesk.internal"
INTERNAL_TIMEOUT_SECONDS = 30.0
# Browsers' identities travel on so the API's audit trail and sign-in
# throttle see the visitor, not the page layer.
FORWARDED_HEADERS = ("user-agent", "accept-language")

Params = Mapping[str, Any] | list[tuple[str, Any]] | None
# Answers refusing what a form sent, shown next to its inputs; any other
# refusal (401, 403, 404 of the page's own record…) is a page of its own.
INPUT_REFUSALS = frozenset({400, 409, 422})
# A form naming another record (a member's email, a tag) may also be told
# that record does not exist.
REFERENCE_REFUSALS = INPUT_REFUSALS | {404}


@dataclass
class ApiError(Exception):
    """The API refused a call a page made; pages turn it into HTML."""

    status_code: int
    detail: Any
    headers: Mapping[str, str]

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"

    @property
    def message(self) -> str:
        """A sentence for a person: the API's own words where it has them."""
        return describe(self.detail)

    def field_errors(self) -> dict[str, str]:
        """422 items keyed by the body field they name (`status`, `fields.x`)."""
        errors: dict[str, str] = {}
        if not isinstance(self.detail, list):
            return errors
        for item in self.detail:
            if not isinstance(item, dict):
                continue
            location = [str(part) for part in item.get("loc", [])]
            if location and location[0] in ("body", "query", "path"):
                location = location[1:]
            key = ".".join(location) or "form"
            errors.setdefault(key, _sentence(str(item.get("msg", "Invalid value"))))
        return errors


class ApiClient:
    """One page request's calls to the API, authenticated by its cookie."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.session_token = request.cookies.get(SESSION_COOKIE_NAME)
        # GET answers within one page request: a page's parts ask for the
        # same lists (members, tags); any write empties it.
        self._read_cache: dict[tuple[str, str], Any] = {}

    def _client(self) -> httpx.AsyncClient:
        peer = self.request.client
        transport = httpx.ASGITransport(
            app=self.request.app,
            raise_app_exceptions=False,
            client=(peer.host, peer.port) if peer else ("127.0.0.1", 0),
        )
        # Header values pass on as the bytes the browser sent: Starlette reads
        # them as latin-1, and httpx would refuse non-ASCII text.
        headers: dict[bytes, bytes] = {
            name.encode(): value.encode("latin-1")
            for name in FORWARDED_HEADERS
            if (value := self.request.headers.get(name)) is not None
        }
        request_id = getattr(self.request.state, "request_id", None)
        if request_id:
            headers[REQUEST_ID_HEADER.encode()] = request_id.encode("latin-1")
        if self.session_token:
            cookie = f"{SESSION_COOKIE_NAME}={self.session_token}"
            headers[b"cookie"] = cookie.encode("latin-1")
        return httpx.AsyncClient(
            transport=transport,
            base_url=INTERNAL_BASE_URL,
            headers=headers,
            timeout=INTERNAL_TIMEOUT_SECONDS,
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; any status at or above 400 raises `ApiError`."""
        if any(segment in (".", "..") for segment in path.split("/")):
            # Ids typed into page URLs are interpolated into API paths; a dot
            # segment would make the call name another resource.
            raise ApiError(status_code=404, detail="Not Found", headers={})
        if method != "GET":
            self._read_cache.clear()
        async with self._client() as client:
            response = await client.request(
                method, path, params=params, json=json, data=data
            )

        # The API's request-log middleware unbinds the id it bound; the page
        # request it ran inside still needs it for its own log lines.
        request_id = getattr(self.request.state, "request_id", None)
        if request_id:
            structlog.contextvars.bind_contextvars(request_id=request_id)

        if response.status_code >= 400:
            raise ApiError(
                status_code=response.status_code,
                detail=_detail_of(response),
                headers=dict(response.headers),
            )
        return response

    async def get(self, path: str, params: Params = None) -> Any:
        """GET a JSON document (asked once per page request)."""
        key = (path, repr(params))
        if key not in self._read_cache:
            response = await self.call("GET", path, params=params)
            self._read_cache[key] = response.json()
        return copy.deepcopy(self._read_cache[key])

    async def post(self, path: str, json: Any = None) -> Any:
        """POST a JSON body; the decoded answer, or None when it has none."""
        return _json_or_none(await self.call("POST", path, json=json))

    async def patch(self, path: str, json: Any) -> Any:
        """PATCH with a JSON body."""
        return _json_or_none(await self.call("PATCH", path, json=json))

    async def put(self, path: str, json: Any) -> Any:
        """PUT a JSON body."""
        return _json_or_none(await self.call("PUT", path, json=json))

    async def delete(self, path: str) -> None:
        """DELETE a resource."""
        await self.call("DELETE", path)


def workspace_path(workspace_id: uuid.UUID, path: str) -> str:
    """The API path of a workspace-scoped route, e.g. `/cases/{id}`."""
    return f"/workspaces/{workspace_id}{path}"


def describe(detail: Any) -> str:
    """Turn an API error body's `detail` into one readable sentence."""
    if isinstance(detail, str):
        return _sentence(detail)
    if isinstance(detail, dict):
        message = detail.get("message") or detail.get("detail") or detail.get("code")
        return _sentence(str(message or "The request was refused"))
    if isinstance(detail, list) and detail:
        first = detail[0]
        if isinstance(first, dict):
            location = [
                str(part)
                for part in first.get("loc", [])
                if part not in ("body", "query", "path")
            ]
            message = _sentence(str(first.get("msg", "Invalid value")))
            return f"{'.'.join(location)}: {message}" if location else message
    return "The request was refused."


def _sentence(text: str) -> str:
    # Pydantic prefixes the messages of custom validators.
    text = text.strip().removeprefix("Value error, ")
    if not text:
        return "The request was refused."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _detail_of(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        return body["detail"]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        # A refused scope: `{"error": {"code": …, "message": …}}`.
        return body["error"]
    return body


def _json_or_none(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    return response.json()
