"""Rules for custom field names."""

import re

from casedesk.errors import BadRequest

RESERVED_FIELD_NAMES = frozenset({"id", "case_id", "created_at", "updated_at"})
INTERNAL_PREFIX = "__tc_"
FIELD_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
_IDENTIFIER_START = re.compile(r"[A-Za-z_]")
_IDENTIFIER_REST = re.compile(r"[A-Za-z0-9_]*")


def is_internal(name: str) -> bool:
    """Whether the name, in any case, is kept for internal columns."""
    return name.lower().startswith(INTERNAL_PREFIX)


def is_reserved(name: str) -> bool:
    """Whether the name, in any case, is one of the fields every case has."""
    return name.lower() in RESERVED_FIELD_NAMES


def check_identifier(name: str) -> None:
    """Raise a 400 error unless `name` is a letter or `_`, then word characters."""
    if not _IDENTIFIER_REST.fullmatch(name):
        raise BadRequest(
            "Identifier must contain only letters, numbers, and underscores"
        )
    if not name or not _IDENTIFIER_START.match(name):
        raise BadRequest("Identifier must start with a letter or underscore")


def check_requested_field_name(name: str) -> str:
    """Validate a name asked for in `field_ids`; return it lower-cased.

    Raises a 400 error for internal, malformed or reserved names.
    """
    if is_internal(name):
        raise BadRequest(f"Field {name} is reserved for internal use")
    check_identifier(name)
    if is_reserved(name):
        raise BadRequest(f"Field {name} is a reserved field")
    return name.lower()
