"""Opaque, signed keyset-pagination cursors and the page envelope."""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from casedesk.errors import BadRequest

CURSOR_VERSION = 1
MAX_CURSOR_LENGTH = 8192

Direction = Literal["forward", "backward"]
T = TypeVar("T")


class InvalidCursor(BadRequest):
    """The cursor was not issued by this server or was altered."""

    def __init__(self) -> None:
        super().__init__("Invalid pagination cursor")


class UnsupportedCursorVersion(BadRequest):
    """The cursor was issued by an incompatible version."""

    def __init__(self) -> None:
        super().__init__("Unsupported pagination cursor version")


class CursorQueryMismatch(BadRequest):
    """The cursor belongs to a different query (filters or sort)."""

    def __init__(self) -> None:
        super().__init__("Pagination cursor does not match the current query")


@dataclass(frozen=True)
class CursorPosition:
    """Where a page starts: a direction and the ordering key of a boundary row."""

    direction: Direction
    inclusive: bool
    key: list[Any]


class CursorPage(BaseModel, Generic[T]):
    """One page of a keyset-paginated listing."""

    items: list[T]
    next_cursor: str | None = None
    prev_cursor: str | None = None
    has_more: bool = False
    has_previous: bool = False
    total_estimate: int | None = None


def query_fingerprint(query: dict[str, Any]) -> str:
    """A stable digest of everything that defines a listing except its limit."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class CursorCodec:
    """Signs cursors with the server secret and checks them on the way back."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"casedesk-cursor:" + secret.encode()).digest()

    def encode(self, fingerprint: str, position: CursorPosition) -> str:
        """Serialise and sign a cursor bound to one query."""
        payload = {
            "v": CURSOR_VERSION,
            "d": position.direction,
            "i": position.inclusive,
            "q": fingerprint,
            "k": position.key,
        }
        body = _b64encode(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def decode(self, cursor: str, fingerprint: str) -> CursorPosition:
        """Verify a cursor and return its position, or raise a 400 error."""
        # Compared as bytes: `compare_digest` refuses non-ASCII text with a
        # TypeError, and a client may send any characters.
        body, _, signature = cursor.partition(".")
        expected = self._sign(body).encode()
        if not body or not hmac.compare_digest(signature.encode(), expected):
            raise InvalidCursor()

        try:
            payload = json.loads(_b64decode(body))
            version = payload["v"]
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise InvalidCursor() from error
        if version != CURSOR_VERSION:
            raise UnsupportedCursorVersion()
        if payload.get("q") != fingerprint:
            raise CursorQueryMismatch()

        direction, inclusive, key = payload.get("d"), payload.get("i"), payload.get("k")
        if direction not in ("forward", "backward"):
            raise InvalidCursor()
        if not isinstance(inclusive, bool) or not isinstance(key, list):
            raise InvalidCursor()
        return CursorPosition(direction=direction, inclusive=inclusive, key=key)

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return _b64encode(digest)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
