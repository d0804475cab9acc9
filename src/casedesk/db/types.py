"""Column types that behave the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, SmallInteger
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; SQLite stores them naive, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumCode(TypeDecorator[StrEnum]):
    """A string enum stored as its small-integer code.

    Codes follow each enum's semantic order, so `ORDER BY` on the column sorts
    `low` before `high` and an ordinary index serves both filter and sort.
    Subclass it with `enum_code_type`.
    """

    impl = SmallInteger
    cache_ok = True
    enum_class: type[StrEnum]
    codes: dict[str, int]
    names: dict[int, str]

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return self.codes[str(value)]

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        if value is None:
            return None
        return self.enum_class(self.names[value])


def enum_code_type(enum_class: type[StrEnum], codes: dict[str, int]) -> type[EnumCode]:
    """A column type storing `enum_class` members as the given codes."""
    missing = {member.value for member in enum_class} - codes.keys()
    if missing:
        raise ValueError(f"no code for {sorted(missing)}")

    attributes = {
        "cache_ok": True,
        "enum_class": enum_class,
        "codes": dict(codes),
        "names": {code: name for name, code in codes.items()},
    }
    return type(f"{enum_class.__name__}Code", (EnumCode,), attributes)
