"""Measuring on a timeline, as a pure function: matching, selection, bounds."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from casedesk.durations.measure import Measurement, matches, measure
from casedesk.durations.schemas import DurationAnchor

DROPDOWN_ID = uuid.uuid4()
OPTION_ID = uuid.uuid4()
OTHER_OPTION_ID = uuid.uuid4()
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    """A timeline event as measuring reads it."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    minute: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def created_at(self) -> datetime:
        return T0 + timedelta(minutes=self.minute)


def anchor(event_type: str, selection: str = "first", **filters: Any) -> DurationAnchor:
    """A validated anchor."""
    return DurationAnchor.model_validate(
        {"event_type": event_type, "filters": filters, "selection": selection}
    )


FIELDS = anchor("fields_changed", field_ids=["Hostname", "owner"])
DROPDOWN = anchor(
    "dropdown_value_changed",
    dropdown_definition_id=str(DROPDOWN_ID),
    dropdown_option_ids=[str(OPTION_ID)],
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([{"field": "hostname", "old": None, "new": "ws-1"}], True),
        ([{"field": "notes", "new": "x"}, {"field": "owner", "new": "me"}], True),
        ([{"field": "HOSTNAME", "new": "ws-1"}], True),
        ([{"field": "notes", "new": "x"}], False),
        ([], False),
        (None, False),
        ("hostname", False),
        (["hostname"], False),
    ],
)
def test_field_filters_match_any_changed_field(changes: Any, expected: bool) -> None:
    event = Event("fields_changed", {"changes": changes})

    assert matches(FIELDS, event) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"definition_id": str(DROPDOWN_ID), "new_option_id": str(OPTION_ID)}, True),
        (
            {
                "definition_id": str(DROPDOWN_ID).upper(),
                "new_option_id": str(OPTION_ID).upper(),
            },
            True,
        ),
        (
            {"definition_id": str(DROPDOWN_ID), "new_option_id": str(OTHER_OPTION_ID)},
            False,
        ),
        ({"definition_id": str(DROPDOWN_ID), "new_option_id": None}, False),
        ({"definition_id": str(uuid.uuid4()), "new_option_id": str(OPTION_ID)}, False),
        ({"new_option_id": str(OPTION_ID)}, False),
        ({"definition_id": "junk", "new_option_id": str(OPTION_ID)}, False),
    ],
)
def test_dropdown_filters_match_definition_and_new_option(
    data: dict[str, Any], expected: bool
) -> None:
    assert matches(DROPDOWN, Event("dropdown_value_changed", data)) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Event("status_changed", {"old": "new", "new": "resolved"}), True),
        (Event("case_closed", {"old": "resolved", "new": "closed"}), True),
        (Event("case_reopened", {"old": "closed", "new": "resolved"}), True),
        (Event("status_changed", {"old": "new", "new": "in_progress"}), False),
        (Event("priority_changed", {"old": "low", "new": "resolved"}), False),
    ],
)
def test_status_anchors_match_closing_and_reopening(
    event: Event, expected: bool
) -> None:
    resolved = anchor("status_changed", new_values=["resolved", "closed"])

    assert matches(resolved, event) is expected


def test_other_anchors_match_their_own_type_only() -> None:
    closed = anchor("case_closed")

    assert matches(closed, Event("case_closed", {"new": "closed"}))
    assert not matches(closed, Event("status_changed", {"new": "closed"}))
    assert matches(
        anchor("tag_added", tag_refs=["a"]), Event("tag_added", {"tag_ref": "a"})
    )
    assert not matches(
        anchor("tag_added", tag_refs=["a"]), Event("tag_removed", {"tag_ref": "a"})
    )


def test_first_and_last_pick_the_ends_of_the_matches() -> None:
    events = [
        Event("case_created", minute=0),
        Event("tag_added", {"tag_ref": "a"}, minute=5),
        Event("tag_added", {"tag_ref": "b"}, minute=7),
        Event("tag_added", {"tag_ref": "a"}, minute=9),
    ]
    start = anchor("case_created")

    first = measure(start, anchor("tag_added", tag_refs=["a"]), events)
    last = measure(start, anchor("tag_added", "last", tag_refs=["a"]), events)

    assert first.end_event_id == events[1].id
    assert first.duration == timedelta(minutes=5)
    assert last.end_event_id == events[3].id
    assert last.duration == timedelta(minutes=9)


def test_the_end_is_looked_for_at_or_after_the_start() -> None:
    events = [
        Event("tag_added", {"tag_ref": "a"}, minute=1),
        Event("case_closed", {"new": "closed"}, minute=4),
        Event("tag_added", {"tag_ref": "a"}, minute=6),
    ]

    result = measure(
        anchor("status_changed", new_values=["closed"]),
        anchor("tag_added", tag_refs=["a"]),
        events,
    )

    assert result.end_event_id == events[2].id
    assert result.duration == timedelta(minutes=2)


def test_an_end_that_only_precedes_the_start_is_null() -> None:
    events = [Event("case_created", minute=0), Event("case_closed", minute=30)]

    result = measure(anchor("case_closed"), anchor("case_created"), events)

    assert result == Measurement(
        start_event_id=events[1].id, started_at=events[1].created_at
    )


def test_an_end_at_the_same_instant_as_the_start_counts() -> None:
    events = [Event("case_created", minute=3), Event("case_viewed", minute=3)]

    result = measure(anchor("case_created"), anchor("case_viewed"), events)

    assert result.end_event_id == events[1].id
    assert result.duration == timedelta(0)


def test_no_start_measures_nothing() -> None:
    events = [Event("case_created", minute=0), Event("case_closed", minute=30)]

    result = measure(anchor("case_viewed"), anchor("case_closed"), events)

    assert result == Measurement()
