"""Metrics failures."""

from datetime import timedelta

from casedesk.errors import NotAuthenticated, NotFound, Unprocessable


class TimeRangeReversed(Unprocessable):
    """The time range starts after it ends."""

    def __init__(self) -> None:
        super().__init__("start_time must not be after end_time")


class TimeRangeTooLong(Unprocessable):
    """The time range spans more than the longest range served."""

    def __init__(self, longest: timedelta) -> None:
        super().__init__(f"The time range must not exceed {longest.days} days")


class TimeRangeOutOfBounds(Unprocessable):
    """A bound, or the default start derived from it, is not a representable time."""

    def __init__(self) -> None:
        super().__init__("The time range is out of the representable dates")


class MetricsDisabled(NotFound):
    """No metrics token is configured: the route does not exist."""

    def __init__(self) -> None:
        super().__init__("Not Found")


class MetricsTokenRequired(NotAuthenticated):
    """The request lacks the configured metrics bearer token."""

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}
