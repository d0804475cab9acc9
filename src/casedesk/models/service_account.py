"""A non-human member of a workspace that acts through API keys."""

import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument
from casedesk.models.base import Base, CreatedAt, UUIDPrimaryKey


class ServiceAccount(UUIDPrimaryKey, CreatedAt, Base):
    """An automation identity with exactly the scopes given to it."""

    __tablename__ = "service_account"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    scopes: Mapped[list[Any]] = mapped_column(JsonDocument, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
