"""Comments on a case, one level of replies deep."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

COMMENT_MAX_LENGTH = 25_000


class CaseComment(UUIDPrimaryKey, Base):
    """A comment, or a reply when `parent_id` is set."""

    __tablename__ = "case_comment"
    __table_args__ = (Index("ix_case_comment_case_created", "case_id", "created_at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_comment.id", ondelete="CASCADE"), index=True
    )
    # No foreign keys: a comment keeps its author's id after they are gone.
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    service_account_id: Mapped[uuid.UUID | None] = mapped_column()
    content: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    last_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
