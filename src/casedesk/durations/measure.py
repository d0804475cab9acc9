"""Measuring a duration on a timeline: which events anchor it, and how long."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from casedesk.durations.schemas import (
    DurationAnchor,
    DurationAnchorFilters,
    DurationAnchorSelection,
)
from casedesk.events.enums import CaseEventType

# Closing and reopening are status changes recorded under their own names.
STATUS_CHANGE_TYPES = frozenset(
    {
        CaseEventType.STATUS_CHANGED.value,
        CaseEventType.CASE_CLOSED.value,
        CaseEventType.CASE_REOPENED.value,
    }
)


class TimelineEvent(Protocol):
    """What measuring reads of a case event."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def type(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Measurement:
    """A duration as measured: its anchoring events, times and length."""

    start_event_id: uuid.UUID | None = None
    end_event_id: uuid.UUID | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration: timedelta | None = None


def event_types_of(anchor: DurationAnchor) -> frozenset[str]:
    """The event types an anchor can match."""
    if anchor.event_type is CaseEventType.STATUS_CHANGED:
        return STATUS_CHANGE_TYPES
    return frozenset({anchor.event_type.value})


def matches(anchor: DurationAnchor, event: TimelineEvent) -> bool:
    """Whether the event is of the anchor's type and passes its filters."""
    if event.type not in event_types_of(anchor):
        return False
    return _passes(anchor.filters, event.data)


def measure(
    start: DurationAnchor, end: DurationAnchor, events: Sequence[TimelineEvent]
) -> Measurement:
    """Measure one definition on a timeline ordered oldest first.

    The end is looked for only at or after the start, so an end anchor whose
    events all precede the start leaves the end and the duration null; no
    start leaves everything null.
    """
    start_event = _select(start, [event for event in events if matches(start, event)])
    if start_event is None:
        return Measurement()

    ends = [
        event
        for event in events
        if event.created_at >= start_event.created_at and matches(end, event)
    ]
    end_event = _select(end, ends)
    if end_event is None:
        return Measurement(
            start_event_id=start_event.id, started_at=start_event.created_at
        )

    return Measurement(
        start_event_id=start_event.id,
        end_event_id=end_event.id,
        started_at=start_event.created_at,
        ended_at=end_event.created_at,
        duration=end_event.created_at - start_event.created_at,
    )


def _select(
    anchor: DurationAnchor, candidates: list[TimelineEvent]
) -> TimelineEvent | None:
    if not candidates:
        return None
    if anchor.selection is DurationAnchorSelection.LAST:
        return candidates[-1]
    return candidates[0]


def _passes(filters: DurationAnchorFilters, data: dict[str, Any]) -> bool:
    if filters.new_values and data.get("new") not in filters.new_values:
        return False

    if filters.tag_refs and data.get("tag_ref") not in filters.tag_refs:
        return False

    if filters.field_ids:
        changes = data.get("changes")
        changed = {
            str(change.get("field")).lower()
            for change in (changes if isinstance(changes, list) else [])
            if isinstance(change, dict)
        }
        if changed.isdisjoint(filters.field_ids):
            return False

    definition_id = filters.dropdown_definition_id
    if definition_id is not None and _uuid(data.get("definition_id")) != definition_id:
        return False

    options = filters.dropdown_option_ids
    return not options or _uuid(data.get("new_option_id")) in options


def _uuid(value: Any) -> uuid.UUID | None:
    # Event data holds ids as strings; compare them as ids, whatever the case.
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
