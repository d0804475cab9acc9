"""The types and kinds a custom field can have."""

from enum import StrEnum


class FieldType(StrEnum):
    """The type of a custom field, as given when defining it."""

    TEXT = "TEXT"
    INTEGER = "INTEGER"
    NUMERIC = "NUMERIC"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"
    TIMESTAMPTZ = "TIMESTAMPTZ"
    JSONB = "JSONB"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"


class FieldReadType(StrEnum):
    """The type a field is listed with; `UUID` only on reserved fields."""

    TEXT = "TEXT"
    INTEGER = "INTEGER"
    NUMERIC = "NUMERIC"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"
    TIMESTAMPTZ = "TIMESTAMPTZ"
    JSONB = "JSONB"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    UUID = "UUID"


class FieldKind(StrEnum):
    """A presentation hint; each kind fits exactly one type."""

    LONG_TEXT = "LONG_TEXT"
    URL = "URL"


KIND_TYPES = {FieldKind.LONG_TEXT: FieldType.TEXT, FieldKind.URL: FieldType.JSONB}
OPTION_TYPES = frozenset({FieldType.SELECT, FieldType.MULTI_SELECT})
