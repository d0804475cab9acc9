"""Dropdown request and response shapes."""

import uuid
from typing import Annotated, Any

from pydantic import Field, field_validator

from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.models.dropdown import (
    DROPDOWN_COLOR_MAX_LENGTH,
    DROPDOWN_ICON_MAX_LENGTH,
    DROPDOWN_TEXT_MAX_LENGTH,
)

# The column is a 32-bit integer on PostgreSQL.
POSITION_MIN = -(2**31)
POSITION_MAX = 2**31 - 1

DropdownText = Annotated[
    str, Field(min_length=1, max_length=DROPDOWN_TEXT_MAX_LENGTH), CHECK_TEXT
]
# In updates an empty name or ref is a domain error (409), as in the reference.
DropdownTextOrEmpty = Annotated[
    str, Field(max_length=DROPDOWN_TEXT_MAX_LENGTH), CHECK_TEXT
]
IconName = Annotated[str, Field(max_length=DROPDOWN_ICON_MAX_LENGTH), CHECK_TEXT]
Color = Annotated[str, Field(max_length=DROPDOWN_COLOR_MAX_LENGTH), CHECK_TEXT]
Position = Annotated[int, Field(ge=POSITION_MIN, le=POSITION_MAX)]

# A dropdown with more options than this is not a dropdown any more.
MAX_OPTIONS = 1000


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be changed but not set to null")
    return value


class DropdownOptionCreate(InputSchema):
    """A new choice of a dropdown, unique in it by its ref."""

    label: DropdownText
    ref: DropdownText
    icon_name: IconName | None = None
    color: Color | None = None
    position: Position = 0


class DropdownOptionUpdate(InputSchema):
    """Changes to an option; keys left out keep their value."""

    label: DropdownText | None = None
    ref: DropdownText | None = None
    icon_name: IconName | None = None
    color: Color | None = None
    position: Position | None = None

    @field_validator("label", "ref", "position", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return _refuse_null(value)


class DropdownDefinitionCreate(InputSchema):
    """A new dropdown of the workspace with its first options."""

    name: DropdownText
    ref: DropdownText = Field(description="Unique in the workspace; trimmed.")
    icon_name: IconName | None = None
    is_ordered: bool = False
    required_on_closure: bool = Field(
        default=False, description="A case cannot be closed without a choice."
    )
    position: Position = 0
    options: list[DropdownOptionCreate] = Field(
        default_factory=list, max_length=MAX_OPTIONS
    )


class DropdownDefinitionUpdate(InputSchema):
    """Changes to a dropdown; a new name without a ref regenerates the ref."""

    name: DropdownTextOrEmpty | None = None
    ref: DropdownTextOrEmpty | None = Field(
        default=None, description="Trimmed; defaults to the new name's slug."
    )
    icon_name: IconName | None = None
    is_ordered: bool | None = None
    required_on_closure: bool | None = None
    position: Position | None = None

    @field_validator("is_ordered", "required_on_closure", "position", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return _refuse_null(value)


class DropdownOptionRead(Schema):
    """One choice of a dropdown."""

    id: uuid.UUID
    label: str
    ref: str
    icon_name: str | None = None
    color: str | None = None
    position: int


class DropdownDefinitionRead(Schema):
    """A dropdown with its options in display order."""

    id: uuid.UUID
    name: str
    ref: str
    icon_name: str | None = None
    is_ordered: bool
    required_on_closure: bool
    position: int
    options: list[DropdownOptionRead] = Field(default_factory=list)


class CaseDropdownValueSet(InputSchema):
    """A case's choice in one dropdown; null (or left out) clears it."""

    option_id: uuid.UUID | None = None


class CaseDropdownValueRead(Schema):
    """A case's choice in one dropdown; the option keys are null when cleared."""

    id: uuid.UUID
    definition_id: uuid.UUID
    definition_ref: str
    definition_name: str
    option_id: uuid.UUID | None = None
    option_label: str | None = None
    option_ref: str | None = None
    option_icon_name: str | None = None
    option_color: str | None = None
