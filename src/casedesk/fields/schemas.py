"""Custom field request and response shapes."""

from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from casedesk.fields.names import FIELD_NAME_PATTERN
from casedesk.fields.types import (
    KIND_TYPES,
    OPTION_TYPES,
    FieldKind,
    FieldReadType,
    FieldType,
)
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.models.custom_field import (
    FIELD_DISPLAY_NAME_MAX_LENGTH,
    FIELD_NAME_MAX_LENGTH,
)

OPTION_MAX_LENGTH = 255
OPTIONS_MAX_COUNT = 1000


def _trimmed_distinct(options: list[str]) -> list[str]:
    trimmed = [option.strip() for option in options]
    if any(not option for option in trimmed):
        raise ValueError("option labels must not be empty")
    if len(set(trimmed)) != len(trimmed):
        raise ValueError("option labels must be unique")
    return trimmed


FieldName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=FIELD_NAME_MAX_LENGTH,
        pattern=FIELD_NAME_PATTERN,
        description="Letters, digits and `_`, not starting with a digit; "
        "stored lower-cased.",
    ),
]
DisplayName = Annotated[
    str, Field(min_length=1, max_length=FIELD_DISPLAY_NAME_MAX_LENGTH), CHECK_TEXT
]
Options = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=OPTION_MAX_LENGTH), CHECK_TEXT]],
    Field(max_length=OPTIONS_MAX_COUNT),
    AfterValidator(_trimmed_distinct),
]


def check_options_fit(field_type: FieldType, options: list[str] | None) -> None:
    """Raise ValueError unless SELECT types have options and the others none."""
    if field_type in OPTION_TYPES and not options:
        raise ValueError(f"{field_type} fields need at least one option")
    if field_type not in OPTION_TYPES and options:
        raise ValueError(f"{field_type} fields take no options")


class CaseFieldCreate(InputSchema):
    """A new custom field of the workspace's cases."""

    name: FieldName
    type: FieldType
    display_name: DisplayName | None = Field(
        default=None, description="Shown instead of the name; defaults to it."
    )
    default: Any = Field(
        default=None, description="Stored on new cases that do not give a value."
    )
    options: Options | None = Field(
        default=None, description="The choices of a SELECT or MULTI_SELECT field."
    )
    kind: FieldKind | None = Field(
        default=None, description="`LONG_TEXT` for TEXT, `URL` for JSONB."
    )
    required_on_closure: bool = Field(
        default=False, description="Cases cannot be closed while it is empty."
    )
    nullable: bool = Field(
        default=True, description="Accepted and ignored: fields are always nullable."
    )

    @model_validator(mode="after")
    def _parts_fit(self) -> Self:
        if self.kind is not None and KIND_TYPES[self.kind] != self.type:
            raise ValueError(
                f"Case field kind {self.kind} requires type {KIND_TYPES[self.kind]}"
            )
        check_options_fit(self.type, self.options)
        return self


class CaseFieldUpdate(InputSchema):
    """Changes to a custom field; keys left out keep their value."""

    name: FieldName | None = Field(default=None, description="A new name.")
    type: FieldType | None = Field(
        default=None, description="A new type; every stored value is converted."
    )
    display_name: DisplayName | None = Field(
        default=None, description="A new display name; null resets it to the name."
    )
    default: Any = Field(default=None, description="A new default; null drops it.")
    options: Options | None = Field(
        default=None, description="Replaces the options; `[]` clears them."
    )
    required_on_closure: bool | None = None
    nullable: bool | None = Field(default=None, description="Accepted and ignored.")
    is_index: bool | None = Field(default=None, description="Accepted and ignored.")

    @model_validator(mode="before")
    @classmethod
    def _no_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" in data:
            raise ValueError("Case field kind can only be set when creating a field")
        return data


class CaseFieldReadMinimal(Schema):
    """A field as listed: reserved ones first, then the custom ones."""

    id: str = Field(description="The field's name.")
    display_name: str
    type: FieldReadType
    description: str = ""
    nullable: bool
    default: str | None = Field(description="The default, as text.")
    reserved: bool
    options: list[str] | None = None
    kind: FieldKind | None = None
    required_on_closure: bool = False


class CaseFieldRead(CaseFieldReadMinimal):
    """A field with its value on one case."""

    value: Any = None
