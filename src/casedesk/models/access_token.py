"""A signed-in session, stored by the hash of its cookie value."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, utcnow


class AccessToken(Base):
    """One session token; deleting the row signs the session out."""

    __tablename__ = "access_token"

    # SHA-256 hex of the cookie value: a leaked table grants no session.
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False, index=True
    )
