"""Rules for custom field names."""

import re

from casedesk.errors import BadRequest

RESERVED_FIELD_NAMES = frozenset({"id", "case_id", "created_at", "updated_at"})
INTERNAL_PREFIX = "__tc_"
_IDENTIFIER_START = re.compile(r"[A-Za-z_]")
_IDENTIFIER_REST = re.compile(r"[A-Za-z0-9_]*")


def check_requested_field_name(name: str) -> str:
    """Validate a name asked for in `field_ids`; return it lower-cased.

    Raises a 400 error for internal, malformed or reserved names.
    """
    lowered = name.lower()
    if lowered.startswith(INTERNAL_PREFIX):
        raise BadRequest(f"Field {name} is reserved for internal use")
    if not _IDENTIFIER_REST.fullmatch(name):
        raise BadRequest(
            "Identifier must contain only letters, numbers, and underscores"
        )
    if not name or not _IDENTIFIER_START.match(name):
        raise BadRequest("Identifier must start with a letter or underscore")
    if lowered in RESERVED_FIELD_NAMES:
        raise BadRequest(f"Field {name} is a reserved field")
    return lowered
