"""Response schemas of the case metrics."""

from datetime import datetime

from pydantic import Field

from casedesk.cases.enums import CasePriority, CaseSeverity
from casedesk.kit.schemas import Schema


class DurationStatistics(Schema):
    """How long a milestone took, over the cases that reached it in the range."""

    count: int = Field(description="Cases that reached the milestone in the range.")
    mean_seconds: float | None = Field(
        description="Mean time from the case's creation; null when count is 0."
    )
    median_seconds: float | None = Field(
        description="Median time (the mean of the two middle values for an even "
        "count); null when count is 0."
    )


class DurationMetric(DurationStatistics):
    """A milestone's statistics overall and per current severity and priority."""

    by_severity: dict[CaseSeverity, DurationStatistics] = Field(
        description="Keyed by the severities present, in their semantic order."
    )
    by_priority: dict[CasePriority, DurationStatistics] = Field(
        description="Keyed by the priorities present, in their semantic order."
    )


class CaseMetricsRead(Schema):
    """Case flow and timings over a time range, computed from the timelines."""

    start_time: datetime = Field(description="Start of the range (inclusive, UTC).")
    end_time: datetime = Field(description="End of the range (inclusive, UTC).")
    opened: int = Field(description="Cases created in the range.")
    closed: int = Field(
        description="Cases with at least one `case_closed` event in the range."
    )
    time_to_first_status_change: DurationMetric = Field(
        description="Creation to the case's first status event (`status_changed`, "
        "`case_closed` or `case_reopened`), for cases whose first one is in the "
        "range."
    )
    time_to_resolution: DurationMetric = Field(
        description="Creation to the first status event whose new status is "
        "`resolved` or `closed`, for cases whose first one is in the range."
    )
    time_to_close: DurationMetric = Field(
        description="Creation to the first `case_closed` event, for cases whose "
        "first one is in the range."
    )
