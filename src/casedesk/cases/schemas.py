"""Case request and response shapes."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import (
    PRIORITY_DESCRIPTION,
    SEVERITY_DESCRIPTION,
    STATUS_DESCRIPTION,
    CasePriority,
    CaseSeverity,
    CaseStatus,
)
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, JsonObject, Schema, Text
from casedesk.models.case import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH
from casedesk.models.tag import TAG_REF_MAX_LENGTH


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain more than white space")
    return value


Summary = Annotated[
    str,
    Field(min_length=1, max_length=SUMMARY_MAX_LENGTH),
    CHECK_TEXT,
    AfterValidator(_not_blank),
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), CHECK_TEXT]
Ref = Annotated[str, Field(min_length=1, max_length=255), CHECK_TEXT]


class DropdownValueInput(InputSchema):
    """A dropdown selection: one definition, and one option or none to clear."""

    definition_id: uuid.UUID | None = None
    definition_ref: Ref | None = None
    option_id: uuid.UUID | None = None
    option_ref: Ref | None = None

    @model_validator(mode="after")
    def _one_definition_at_most_one_option(self) -> Self:
        if (self.definition_id is None) == (self.definition_ref is None):
            raise ValueError("give exactly one of definition_id or definition_ref")
        if self.option_id is not None and self.option_ref is not None:
            raise ValueError("give at most one of option_id or option_ref")
        return self


# More keys than a workspace could sensibly define are refused up front.
MAX_FIELD_VALUES = 500
MAX_DROPDOWN_SELECTIONS = 100
FieldValues = Annotated[
    dict[Text, Any],
    Field(
        max_length=MAX_FIELD_VALUES,
        description="Custom field values by field name; null clears one.",
    ),
]
DropdownSelections = Annotated[
    list[DropdownValueInput], Field(max_length=MAX_DROPDOWN_SELECTIONS)
]


MAX_TAGS_ON_CREATE = 100
TagIdentifier = Annotated[
    str, Field(min_length=1, max_length=TAG_REF_MAX_LENGTH), CHECK_TEXT
]


class CaseCreate(InputSchema):
    """A new case."""

    summary: Summary
    description: Description
    status: CaseStatus = Field(description=STATUS_DESCRIPTION)
    priority: CasePriority = Field(description=PRIORITY_DESCRIPTION)
    severity: CaseSeverity = Field(description=SEVERITY_DESCRIPTION)
    fields: FieldValues | None = None
    dropdown_values: DropdownSelections | None = None
    assignee_id: uuid.UUID | None = None
    payload: JsonObject | None = Field(
        default=None, description="The source record, e.g. the alert, as JSON."
    )
    tags: list[TagIdentifier] | None = Field(
        default=None,
        max_length=MAX_TAGS_ON_CREATE,
        description="Tags to attach, by id, ref or name; an unknown tag is 422 "
        "and nothing is created. Part of the case: no `tag_added` events.",
    )


class CaseUpdate(InputSchema):
    """Changes to a case; keys left out keep their value.

    `status`, `priority`, `severity`, `fields` and `dropdown_values` set to null
    are ignored; `assignee_id: null` unassigns; `payload: null` clears it.
    """

    summary: Summary | None = None
    description: Description | None = None
    status: CaseStatus | None = Field(default=None, description=STATUS_DESCRIPTION)
    priority: CasePriority | None = Field(
        default=None, description=PRIORITY_DESCRIPTION
    )
    severity: CaseSeverity | None = Field(
        default=None, description=SEVERITY_DESCRIPTION
    )
    fields: FieldValues | None = None
    dropdown_values: DropdownSelections | None = None
    assignee_id: uuid.UUID | None = None
    payload: JsonObject | None = None

    @field_validator("summary", "description", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be changed but not set to null")
        return value


class CaseTagRead(Schema):
    """A tag on a case."""

    id: uuid.UUID
    name: str
    ref: str
    color: str | None = None


class CaseReadMinimal(Schema):
    """A case as it appears in lists and search results."""

    id: uuid.UUID
    short_id: str
    created_at: datetime
    updated_at: datetime
    summary: str
    status: CaseStatus
    priority: CasePriority
    severity: CaseSeverity
    assignee: UserRead | None = None
    tags: list[CaseTagRead] = Field(default_factory=list)
    dropdown_values: list[dict[str, Any]] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    durations: list[dict[str, Any]] | None = None
    field_values: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    num_tasks_completed: int = 0
    num_tasks_total: int = 0


class CaseRead(Schema):
    """A single case with everything recorded on it."""

    id: uuid.UUID
    short_id: str
    created_at: datetime
    updated_at: datetime
    summary: str
    status: CaseStatus
    priority: CasePriority
    severity: CaseSeverity
    description: str
    fields: list[dict[str, Any]] = Field(default_factory=list)
    assignee: UserRead | None = None
    payload: dict[str, Any] | None = None
    tags: list[CaseTagRead] = Field(default_factory=list)
    dropdown_values: list[dict[str, Any]] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    num_tasks_completed: int = 0
    num_tasks_total: int = 0
