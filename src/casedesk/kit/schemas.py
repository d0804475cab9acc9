"""Base schemas and the text types every input uses."""

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_JSON_DEPTH = 64


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _check_json_document(value: Any) -> Any:
    """Reject NUL characters and runaway nesting anywhere in a JSON value."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"must not nest deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            _reject_nul(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _reject_nul(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


Text = Annotated[str, AfterValidator(_reject_nul)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json_document)]


def bounded_text(max_length: int, *, min_length: int = 0) -> Any:
    """A NUL-free string type with length limits counted in characters."""
    return Annotated[Text, Field(min_length=min_length, max_length=max_length)]


class Schema(BaseModel):
    """Base of response schemas: built from ORM objects or dicts."""

    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    """Base of request bodies: unknown keys are refused, not dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """The body of every error that is not a validation list."""

    detail: str
