"""A workspace: the unit of isolation for cases and their settings."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.models.base import Base, CreatedAt, UUIDPrimaryKey


class Workspace(UUIDPrimaryKey, CreatedAt, Base):
    """A team's space; every case belongs to exactly one."""

    __tablename__ = "workspace"

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    # The last case number handed out; numbers are never reused.
    case_counter: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
