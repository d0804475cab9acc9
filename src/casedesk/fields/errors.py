"""Custom field failures."""

from casedesk.errors import BadRequest, Conflict, NotFound, Unprocessable


class UnknownField(BadRequest):
    """A value names no custom field of the workspace."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Column '{name}' does not exist in table case_fields")


class ReservedField(BadRequest):
    """The name belongs to one of the fields every case has, or to internals."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Field {name} is a reserved field")


class InternalField(BadRequest):
    """The name starts with the prefix kept for internal columns."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Field {name} is reserved for internal use")


class InvalidFieldValue(BadRequest):
    """A value (or default) cannot be read as the field's type."""


class UnstorableFieldValue(Unprocessable):
    """A value of the right type that no column can keep: too long, or NUL."""


class FieldNotFound(NotFound):
    """No custom field of this name in the workspace."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Field {name} not found")


class FieldNameTaken(Conflict):
    """Another field, reserved ones included, already has the name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"A field with the name '{name}' already exists")


class InvalidFieldDefinition(Unprocessable):
    """The definition's parts do not fit together (options, default, kind)."""


class RetypeRefused(BadRequest):
    """A stored value cannot be converted to the field's new type."""

    def __init__(self, name: str, field_type: str, short_id: str, reason: str) -> None:
        super().__init__(
            f"Cannot change field '{name}' to {field_type}: the value of case "
            f"{short_id} does not convert ({reason})"
        )
