"""The security audit trail: sign-ins, keys, memberships and roles."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument, UTCDateTime
from casedesk.models.base import Base, utcnow

Sequence = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    """Who did what to access control, when, and from where."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_workspace_seq", "workspace_id", "seq"),)

    seq: Mapped[int] = mapped_column(Sequence, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    # Actors and targets are kept as plain ids: the trail outlives them.
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_service_account_id: Mapped[uuid.UUID | None] = mapped_column()
    workspace_id: Mapped[uuid.UUID | None] = mapped_column()
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(255))
    client_address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(
        JsonDocument, default=dict, nullable=False
    )
    occurred_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
