"""Case tags: a workspace's tag definitions and the links to its cases."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

TAG_NAME_MAX_LENGTH = 50
TAG_REF_MAX_LENGTH = 100
TAG_COLOR_MAX_LENGTH = 50


class CaseTag(UUIDPrimaryKey, Base):
    """A tag definition, unique in its workspace by its slug."""

    __tablename__ = "case_tag"
    __table_args__ = (UniqueConstraint("workspace_id", "ref"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(TAG_NAME_MAX_LENGTH), nullable=False)
    ref: Mapped[str] = mapped_column(String(TAG_REF_MAX_LENGTH), nullable=False)
    color: Mapped[str | None] = mapped_column(String(TAG_COLOR_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )


class CaseTagLink(Base):
    """A tag attached to a case."""

    __tablename__ = "case_tag_link"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
