"""A person who signs in to casedesk."""

import uuid
from datetime import datetime
from typing import Any

from fastapi_users_db_sqlalchemy import SQLAlchemyBaseUserTableUUID
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument, UTCDateTime
from casedesk.models.base import Base, utcnow


class User(SQLAlchemyBaseUserTableUUID, Base):
    """An account: email, hashed password, flags and display details."""

    __tablename__ = "user"

    # The same UUID storage as every other table, so foreign keys match on
    # SQLite too (the library default stores hyphenated text there).
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)

    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    settings: Mapped[dict[str, Any]] = mapped_column(
        JsonDocument, default=dict, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
