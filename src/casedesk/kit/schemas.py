"""Base schemas and the text types every input uses."""

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_JSON_DEPTH = 64


def _check_text(value: str) -> str:
    """Reject text no database can store: NUL and lone UTF-16 surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


def _check_json_document(value: Any) -> Any:
    """Reject runaway nesting and values PostgreSQL's jsonb cannot hold.

    Python's JSON parser accepts `NaN`, `Infinity`, `\\u0000` and lone
    surrogates such as `\\ud800`; jsonb refuses every one of them, and NaN or a
    lone surrogate read back from SQLite cannot be encoded into a response.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"must not nest deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("must not contain NaN or infinite numbers")
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


# Refuses NUL and lone surrogates. In `Annotated[str, Field(max_length=…),
# CHECK_TEXT]` it must come after the length limits: limits placed after a
# validator turn into generic `too_long` errors about "items".
CHECK_TEXT = AfterValidator(_check_text)

Text = Annotated[str, CHECK_TEXT]
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json_document)]


def bounded_text(max_length: int, *, min_length: int = 0) -> Any:
    """A storable string type with length limits counted in characters.

    mypy cannot use a call as a type; typed modules spell the alias out as
    `Annotated[str, Field(...), CHECK_TEXT]`.
    """
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), CHECK_TEXT
    ]


class Schema(BaseModel):
    """Base of response schemas: built from ORM objects or dicts."""

    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    """Base of request bodies: unknown keys are refused, not dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """The body of every error that is not a validation list."""

    detail: str
