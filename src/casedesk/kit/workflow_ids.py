"""Workflow ids in the forms clients send and the short form responses show.

A workflow is named by its UUID. Responses show the short form `wf_` followed
by the UUID's 128-bit integer in 22 base62 digits (`0-9a-zA-Z`, left-padded
with `0`). Requests may also give the plain UUID or the legacy form `wf-`
followed by 32 hex digits.
"""

import re
import uuid
from typing import Annotated, Any

from pydantic import PlainValidator, TypeAdapter, ValidationError, WithJsonSchema

BASE62_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
SHORT_PREFIX = "wf_"
LEGACY_PREFIX = "wf-"
SHORT_DIGITS = 22

_DIGIT_VALUES = {digit: value for value, digit in enumerate(BASE62_ALPHABET)}
_SHORT_FORM = re.compile(rf"wf_[0-9a-zA-Z]{{{SHORT_DIGITS}}}")
_LEGACY_FORM = re.compile(r"wf-[0-9a-fA-F]{32}")
_UUID_BITS = 128
# Pydantic's UUID parser, stricter than `uuid.UUID(…)`, which lets `int()`
# accept stray spaces, signs and underscores among the digits.
_UUID_ADAPTER = TypeAdapter(uuid.UUID)


def encode_workflow_id(workflow_id: uuid.UUID) -> str:
    """The short form of a workflow id: `wf_` and 22 base62 digits."""
    number = workflow_id.int
    digits = []
    while number:
        number, remainder = divmod(number, len(BASE62_ALPHABET))
        digits.append(BASE62_ALPHABET[remainder])
    encoded = "".join(reversed(digits)).rjust(SHORT_DIGITS, BASE62_ALPHABET[0])
    return SHORT_PREFIX + encoded


def decode_workflow_id(text: str) -> uuid.UUID:
    """The UUID named by a short, legacy or plain workflow id; ValueError if none."""
    if _SHORT_FORM.fullmatch(text):
        number = 0
        for digit in text.removeprefix(SHORT_PREFIX):
            number = number * len(BASE62_ALPHABET) + _DIGIT_VALUES[digit]
        # 22 base62 digits hold more than 128 bits; the excess names no UUID.
        if number >> _UUID_BITS:
            raise ValueError("the short workflow id is out of range")
        return uuid.UUID(int=number)

    if _LEGACY_FORM.fullmatch(text):
        return uuid.UUID(hex=text.removeprefix(LEGACY_PREFIX))

    try:
        return _UUID_ADAPTER.validate_python(text)
    except ValidationError:
        raise ValueError(
            "must be a workflow id: a UUID, wf_ and 22 base62 characters, "
            "or wf- and 32 hex digits"
        ) from None


def _parse_workflow_id(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a workflow id string")
    return decode_workflow_id(value)


# A workflow id in a request body, in any accepted form, validated to its UUID.
WorkflowIdInput = Annotated[
    uuid.UUID,
    PlainValidator(_parse_workflow_id),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A workflow id: `wf_` and 22 base62 characters, a "
            "UUID, or `wf-` and 32 hex digits.",
            "examples": ["wf_02XA4nBzobodm9c7hxFJpz"],
        }
    ),
]
