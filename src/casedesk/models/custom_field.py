"""Custom case fields: a workspace's definitions and each case's values."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.db.types import JsonDocument, UTCDateTime
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

FIELD_NAME_MAX_LENGTH = 100
FIELD_DISPLAY_NAME_MAX_LENGTH = 255
# Characters of a text value that are indexed: at four bytes each, well
# within PostgreSQL's limit on a b-tree entry (about 2.7 kB).
TEXT_KEY_LENGTH = 200

# Exact on PostgreSQL. SQLite has no decimal type: there the column holds the
# nearest double, used only to filter and sort; the exact text is kept too.
SortableNumber = Numeric().with_variant(Float(), "sqlite")


class CaseField(UUIDPrimaryKey, Base):
    """A custom field of a workspace's cases; `name` is its lower-case id."""

    __tablename__ = "case_field"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(FIELD_NAME_MAX_LENGTH), nullable=False)
    # One of TEXT, INTEGER, NUMERIC, DATE, BOOLEAN, TIMESTAMPTZ, JSONB,
    # SELECT, MULTI_SELECT.
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    display_name: Mapped[str] = mapped_column(
        String(FIELD_DISPLAY_NAME_MAX_LENGTH), nullable=False
    )
    options: Mapped[list[str] | None] = mapped_column(JsonDocument)
    kind: Mapped[str | None] = mapped_column(String(16))
    required_on_closure: Mapped[bool] = mapped_column(
        Boolean, default=False, nullable=False
    )
    # The default in its public form (as `GET /cases/{id}` shows values).
    default: Mapped[Any | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )


class CaseFieldValue(Base):
    """The value of one custom field on one case.

    Each type writes one typed column, which an index on (field, column)
    makes filterable and sortable at scale: TEXT, SELECT and DATE (ISO
    `YYYY-MM-DD`) in `text_value`, whose first TEXT_KEY_LENGTH characters
    `text_key` holds again for the index (a whole long text would not fit in
    a b-tree entry); INTEGER and BOOLEAN (0/1) in
    `integer_value`; NUMERIC as its exact decimal text in `text_value` and its
    number in `numeric_value`; TIMESTAMPTZ in `timestamp_value`; JSONB and
    MULTI_SELECT in `json_value`. A row exists only for a value that is set.
    """

    __tablename__ = "case_field_value"
    __table_args__ = (
        Index("ix_case_field_value_text", "field_id", "text_key"),
        Index("ix_case_field_value_integer", "field_id", "integer_value"),
        Index("ix_case_field_value_numeric", "field_id", "numeric_value"),
        Index("ix_case_field_value_timestamp", "field_id", "timestamp_value"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_field.id", ondelete="CASCADE"), primary_key=True
    )
    text_value: Mapped[str | None] = mapped_column(Text)
    text_key: Mapped[str | None] = mapped_column(String(TEXT_KEY_LENGTH))
    integer_value: Mapped[int | None] = mapped_column(BigInteger)
    numeric_value: Mapped[Decimal | None] = mapped_column(SortableNumber)
    timestamp_value: Mapped[datetime | None] = mapped_column(UTCDateTime)
    json_value: Mapped[Any | None] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
