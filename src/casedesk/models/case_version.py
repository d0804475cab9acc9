"""The history of a case's summary and description."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow


class CaseTextVersion(UUIDPrimaryKey, Base):
    """One version of a case's summary or description, never changed."""

    __tablename__ = "case_text_version"
    __table_args__ = (UniqueConstraint("case_id", "field", "version"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    # `summary` or `description`.
    field: Mapped[str] = mapped_column(String(16), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # No foreign keys: the history keeps its authors' ids after they are gone.
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    service_account_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
