"""Dropdowns: workspace-defined single-choice lists and each case's choice."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

DROPDOWN_TEXT_MAX_LENGTH = 255
DROPDOWN_ICON_MAX_LENGTH = 100
DROPDOWN_COLOR_MAX_LENGTH = 50


class DropdownDefinition(UUIDPrimaryKey, Base):
    """A dropdown of a workspace, unique there by its ref."""

    __tablename__ = "case_dropdown"
    __table_args__ = (UniqueConstraint("workspace_id", "ref"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(DROPDOWN_TEXT_MAX_LENGTH), nullable=False)
    ref: Mapped[str] = mapped_column(String(DROPDOWN_TEXT_MAX_LENGTH), nullable=False)
    icon_name: Mapped[str | None] = mapped_column(String(DROPDOWN_ICON_MAX_LENGTH))
    is_ordered: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    required_on_closure: Mapped[bool] = mapped_column(
        Boolean, default=False, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )


class DropdownOption(UUIDPrimaryKey, Base):
    """One choice of a dropdown, unique within it by its ref."""

    __tablename__ = "case_dropdown_option"
    __table_args__ = (UniqueConstraint("definition_id", "ref"),)

    definition_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_dropdown.id", ondelete="CASCADE"), nullable=False
    )
    label: Mapped[str] = mapped_column(String(DROPDOWN_TEXT_MAX_LENGTH), nullable=False)
    ref: Mapped[str] = mapped_column(String(DROPDOWN_TEXT_MAX_LENGTH), nullable=False)
    icon_name: Mapped[str | None] = mapped_column(String(DROPDOWN_ICON_MAX_LENGTH))
    color: Mapped[str | None] = mapped_column(String(DROPDOWN_COLOR_MAX_LENGTH))
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )


class CaseDropdownValue(UUIDPrimaryKey, Base):
    """A case's choice in one dropdown; no option means cleared."""

    __tablename__ = "case_dropdown_value"
    __table_args__ = (
        UniqueConstraint("case_id", "definition_id"),
        Index("ix_case_dropdown_value_choice", "definition_id", "option_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    definition_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_dropdown.id", ondelete="CASCADE"), nullable=False
    )
    option_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_dropdown_option.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
