"""Durations: the time between two kinds of timeline event, per case."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Interval, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument, UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

DURATION_NAME_MAX_LENGTH = 255
DURATION_DESCRIPTION_MAX_LENGTH = 1024


class DurationDefinition(UUIDPrimaryKey, Base):
    """What a workspace measures: from a start anchor to an end anchor."""

    __tablename__ = "case_duration_definition"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(DURATION_NAME_MAX_LENGTH), nullable=False)
    description: Mapped[str | None] = mapped_column(
        String(DURATION_DESCRIPTION_MAX_LENGTH)
    )
    # Each anchor: {"event_type", "filters": {...}, "selection": first|last}.
    start_anchor: Mapped[dict[str, Any]] = mapped_column(JsonDocument, nullable=False)
    end_anchor: Mapped[dict[str, Any]] = mapped_column(JsonDocument, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )


class CaseDuration(UUIDPrimaryKey, Base):
    """A definition measured on one case."""

    __tablename__ = "case_duration"
    __table_args__ = (UniqueConstraint("case_id", "definition_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    definition_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_duration_definition.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    # Event ids have no foreign keys: a measurement outlives nothing it names.
    start_event_id: Mapped[uuid.UUID | None] = mapped_column()
    end_event_id: Mapped[uuid.UUID | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration: Mapped[timedelta | None] = mapped_column(Interval)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
