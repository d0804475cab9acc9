"""A secret a service account presents as `Authorization: Bearer`."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, CreatedAt, UUIDPrimaryKey


class ApiKey(UUIDPrimaryKey, CreatedAt, Base):
    """One issued key; only the SHA-256 digest of its secret is kept."""

    __tablename__ = "api_key"

    service_account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_account.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    # The public part of the key, looked up before the secret is compared.
    key_id: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
