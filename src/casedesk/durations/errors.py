"""Duration failures."""

import uuid

from casedesk.errors import BadRequest, NotFound, Unprocessable


class DurationDefinitionNotFound(NotFound):
    """No duration definition with this id in the workspace."""

    def __init__(self, definition_id: uuid.UUID) -> None:
        super().__init__(f"Duration definition {definition_id} not found")


class DuplicateDurationName(BadRequest):
    """Another duration definition of the workspace has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"A duration named '{name}' already exists")


class NullAnchor(BadRequest):
    """A definition update tried to remove one of its anchors."""

    def __init__(self, which: str) -> None:
        super().__init__(
            f"{which} anchor cannot be null when updating a duration definition."
        )


class CaseDurationNotFound(NotFound):
    """No duration with this id on the case."""

    def __init__(self, duration_id: uuid.UUID) -> None:
        super().__init__(f"Case duration {duration_id} not found")


class DurationAlreadyOnCase(BadRequest):
    """The case already has a duration for the definition."""

    def __init__(self) -> None:
        super().__init__("A duration for this definition already exists on the case")


class EventNotOnCase(Unprocessable):
    """A duration names an event that is not on the case's timeline."""

    def __init__(self, event_id: uuid.UUID) -> None:
        super().__init__(f"Event {event_id} is not an event of this case")
