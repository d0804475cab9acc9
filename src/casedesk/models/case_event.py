"""One entry of a case's timeline."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument, UTCDateTime
from casedesk.models.base import Base, utcnow

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Sequence = BigInteger().with_variant(Integer(), "sqlite")


class CaseEvent(Base):
    """Something that happened to a case, who did it, and the details."""

    __tablename__ = "case_event"
    __table_args__ = (
        Index("ix_case_event_case_seq", "case_id", "seq"),
        # Case metrics read a workspace's events of one type in a time range.
        Index(
            "ix_case_event_workspace_type_created", "workspace_id", "type", "created_at"
        ),
    )

    # Insertion order breaks ties between events of the same instant.
    seq: Mapped[int] = mapped_column(Sequence, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    # No foreign keys: the timeline keeps the actor's id after they are gone.
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    service_account_id: Mapped[uuid.UUID | None] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(
        JsonDocument, default=dict, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
