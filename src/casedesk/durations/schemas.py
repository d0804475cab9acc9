"""Duration request and response shapes, and the rules anchors obey."""

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.events.enums import CaseEventType
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.models.custom_field import FIELD_NAME_MAX_LENGTH
from casedesk.models.duration import (
    DURATION_DESCRIPTION_MAX_LENGTH,
    DURATION_NAME_MAX_LENGTH,
)
from casedesk.models.tag import TAG_REF_MAX_LENGTH

MAX_FILTER_VALUES = 100
# Durations are stored as an interval; SQLite keeps one as a date after 1970,
# so a bound well inside year 9999 keeps both databases able to hold it.
MAX_DURATION = timedelta(days=36_500)

# The filter each event type needs; every other filter is refused on it.
REQUIRED_FILTERS: dict[CaseEventType, tuple[str, ...]] = {
    CaseEventType.PRIORITY_CHANGED: ("new_values",),
    CaseEventType.SEVERITY_CHANGED: ("new_values",),
    CaseEventType.STATUS_CHANGED: ("new_values",),
    CaseEventType.TAG_ADDED: ("tag_refs",),
    CaseEventType.TAG_REMOVED: ("tag_refs",),
    CaseEventType.FIELDS_CHANGED: ("field_ids",),
    CaseEventType.DROPDOWN_VALUE_CHANGED: (
        "dropdown_definition_id",
        "dropdown_option_ids",
    ),
}
# The values `new_values` may name, by event type.
NEW_VALUE_CHOICES: dict[CaseEventType, frozenset[str]] = {
    CaseEventType.PRIORITY_CHANGED: frozenset(CasePriority),
    CaseEventType.SEVERITY_CHANGED: frozenset(CaseSeverity),
    CaseEventType.STATUS_CHANGED: frozenset(CaseStatus),
}
FILTER_NAMES = (
    "new_values",
    "tag_refs",
    "field_ids",
    "dropdown_definition_id",
    "dropdown_option_ids",
)


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("must be a time between years 1 and 9999 in UTC") from error


def _bounded(value: timedelta) -> timedelta:
    if value < timedelta(0):
        raise ValueError("must not be negative")
    if value > MAX_DURATION:
        raise ValueError(f"must be at most {MAX_DURATION.days} days")
    return value


NewValue = Annotated[str, Field(min_length=1, max_length=255), CHECK_TEXT]
TagRef = Annotated[str, Field(min_length=1, max_length=TAG_REF_MAX_LENGTH), CHECK_TEXT]
# Field names are stored in lower case, so filters name them that way too.
FieldId = Annotated[
    str,
    Field(min_length=1, max_length=FIELD_NAME_MAX_LENGTH),
    CHECK_TEXT,
    AfterValidator(str.lower),
]
DurationName = Annotated[
    str, Field(min_length=1, max_length=DURATION_NAME_MAX_LENGTH), CHECK_TEXT
]
DurationDescription = Annotated[
    str, Field(max_length=DURATION_DESCRIPTION_MAX_LENGTH), CHECK_TEXT
]
UTCTimestamp = Annotated[AwareDatetime, AfterValidator(_in_utc)]
Elapsed = Annotated[timedelta, AfterValidator(_bounded)]


class DurationAnchorSelection(StrEnum):
    """Which of the matching events anchors a duration."""

    FIRST = "first"
    LAST = "last"


class DurationAnchorFilters(InputSchema):
    """What a matching event's details must hold; empty filters match all."""

    new_values: list[NewValue] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="The event's `new` value is one of these.",
    )
    tag_refs: list[TagRef] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="The event's `tag_ref` is one of these.",
    )
    field_ids: list[FieldId] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="One of the event's `changes` is to one of these fields.",
    )
    dropdown_definition_id: uuid.UUID | None = Field(
        default=None, description="The event's dropdown `definition_id`."
    )
    dropdown_option_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="The event's `new_option_id` is one of these.",
    )

    def given(self) -> set[str]:
        """The names of the filters that hold a value."""
        return {name for name in FILTER_NAMES if getattr(self, name)}


class DurationAnchor(InputSchema):
    """One end of a duration: the kind of event, its filters, which match."""

    event_type: CaseEventType
    filters: DurationAnchorFilters = Field(default_factory=DurationAnchorFilters)
    selection: DurationAnchorSelection = DurationAnchorSelection.FIRST

    @model_validator(mode="after")
    def _filters_fit_the_event_type(self) -> "DurationAnchor":
        required = REQUIRED_FILTERS.get(self.event_type, ())
        given = self.filters.given()
        refused = sorted(given - set(required))
        if refused:
            raise ValueError(
                f"{self.event_type.value} anchors take no {', '.join(refused)} filter"
            )

        missing = [name for name in required if name not in given]
        if missing:
            raise ValueError(
                f"{self.event_type.value} anchors require the "
                f"{' and '.join(missing)} filter"
            )

        choices = NEW_VALUE_CHOICES.get(self.event_type)
        unknown = [v for v in self.filters.new_values if choices and v not in choices]
        if unknown:
            raise ValueError(
                f"{self.event_type.value} anchors cannot match new value "
                f"{unknown[0]!r}; expected one of {', '.join(sorted(choices or ()))}"
            )
        return self


class DurationDefinitionCreate(InputSchema):
    """A new duration definition."""

    name: DurationName
    description: DurationDescription | None = None
    start_anchor: DurationAnchor
    end_anchor: DurationAnchor


class DurationDefinitionUpdate(InputSchema):
    """Changes to a duration definition; anchors cannot be removed."""

    name: DurationName | None = None
    description: DurationDescription | None = None
    start_anchor: DurationAnchor | None = None
    end_anchor: DurationAnchor | None = None


class DurationDefinitionRead(Schema):
    """A duration definition of the workspace."""

    id: uuid.UUID
    name: str
    description: str | None = None
    start_anchor: DurationAnchor
    end_anchor: DurationAnchor


class CaseDurationRead(Schema):
    """A definition measured on one case; `duration` is ISO 8601."""

    id: uuid.UUID
    case_id: uuid.UUID
    definition_id: uuid.UUID
    start_event_id: uuid.UUID | None = None
    end_event_id: uuid.UUID | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration: timedelta | None = None


class CaseDurationCreate(InputSchema):
    """A duration recorded by hand; the next event on the case recomputes it."""

    definition_id: uuid.UUID
    start_event_id: uuid.UUID | None = None
    end_event_id: uuid.UUID | None = None
    started_at: UTCTimestamp | None = None
    ended_at: UTCTimestamp | None = None
    duration: Elapsed | None = None


class CaseDurationUpdate(InputSchema):
    """Changes to a case's duration; `null` clears a value."""

    definition_id: uuid.UUID | None = None
    start_event_id: uuid.UUID | None = None
    end_event_id: uuid.UUID | None = None
    started_at: UTCTimestamp | None = None
    ended_at: UTCTimestamp | None = None
    duration: Elapsed | None = None
