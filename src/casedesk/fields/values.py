"""Custom field values: from request JSON to public value to columns, and back.

A value has three forms. The *raw* form is whatever JSON a client sent. The
*public* form is the normalized value responses show and events record (an
INTEGER is an int, a NUMERIC a plain-notation decimal string keeping its
scale, a DATE `YYYY-MM-DD`, a TIMESTAMPTZ an ISO 8601 UTC string). The
*stored* form is the typed columns of a `CaseFieldValue` row; a field's
default is kept in its public form.
"""

import json
import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from casedesk.fields.errors import (
    InvalidFieldDefinition,
    InvalidFieldValue,
    UnstorableFieldValue,
)
from casedesk.fields.types import FieldType
from casedesk.kit.schemas import _check_json_document, _check_text
from casedesk.models import CaseFieldValue
from casedesk.models.custom_field import TEXT_KEY_LENGTH

TEXT_MAX_LENGTH = 65_535
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Digits a NUMERIC may have before and after its point. Beyond 1e300 the
# double SQLite sorts by would overflow to infinity.
NUMERIC_MAX_DIGITS = 300
# Longest rendering of a refused value quoted in an error message.
SHOWN_MAX_LENGTH = 100
VALUE_COLUMNS = (
    "text_value",
    "text_key",
    "integer_value",
    "numeric_value",
    "timestamp_value",
    "json_value",
)

# Plain or scientific decimal notation, nothing else: `Decimal()` alone would
# also take `NaN`, `Infinity` and `1_000`.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TYPE_WORDS = {
    FieldType.INTEGER: "integer",
    FieldType.NUMERIC: "numeric",
    FieldType.DATE: "date",
    FieldType.TIMESTAMPTZ: "timestamp",
    FieldType.BOOLEAN: "boolean",
}


def coerce(
    raw: Any,
    *,
    name: str,
    field_type: FieldType,
    options: list[str] | None,
    for_default: bool = False,
) -> Any:
    """The public form of `raw` (not None) as a value of the field.

    Raises InvalidFieldValue (400) for a value of the wrong type,
    UnstorableFieldValue (422) for one too long or holding NUL, and, for a
    default only, InvalidFieldDefinition (422) for one outside the options.
    """
    if field_type in _TYPE_WORDS:
        return _coerce_scalar(raw, field_type, for_default=for_default)
    if field_type in (FieldType.TEXT, FieldType.SELECT):
        text = _as_text(raw, name=name, field_type=field_type)
        if field_type == FieldType.SELECT and options and text not in options:
            prefix = "Default value" if for_default else "Value"
            error = InvalidFieldDefinition if for_default else InvalidFieldValue
            raise error(f"{prefix} '{_shown(text)}' is not in the available options")
        return text
    if field_type == FieldType.MULTI_SELECT:
        return _coerce_choices(raw, name=name, options=options, for_default=for_default)
    return _checked_json(raw, name=name)


def stored_columns(field_type: FieldType, public: Any) -> dict[str, Any]:
    """Every value column of a row holding `public`; the unused ones None."""
    columns: dict[str, Any] = dict.fromkeys(VALUE_COLUMNS)
    if field_type in (FieldType.TEXT, FieldType.SELECT, FieldType.DATE):
        columns["text_value"] = public
        columns["text_key"] = public[:TEXT_KEY_LENGTH]
    elif field_type == FieldType.INTEGER:
        columns["integer_value"] = public
    elif field_type == FieldType.BOOLEAN:
        columns["integer_value"] = int(public)
    elif field_type == FieldType.NUMERIC:
        columns["text_value"] = public
        columns["numeric_value"] = Decimal(public)
    elif field_type == FieldType.TIMESTAMPTZ:
        columns["timestamp_value"] = datetime.fromisoformat(public)
    else:
        columns["json_value"] = public
    return columns


def public_value(field_type: FieldType, row: CaseFieldValue) -> Any:
    """The public form of a stored value."""
    if field_type in (
        FieldType.TEXT,
        FieldType.SELECT,
        FieldType.DATE,
        FieldType.NUMERIC,
    ):
        return row.text_value
    if field_type == FieldType.INTEGER:
        return row.integer_value
    if field_type == FieldType.BOOLEAN:
        return None if row.integer_value is None else bool(row.integer_value)
    if field_type == FieldType.TIMESTAMPTZ:
        stamp = row.timestamp_value
        return None if stamp is None else format_timestamp(stamp)
    return row.json_value


def same_value(field_type: FieldType, left: Any, right: Any) -> bool:
    """Whether two public values are equal: `1.30` equals `1.3`, `1` not `true`."""
    if left is None or right is None:
        return left is None and right is None
    if field_type == FieldType.NUMERIC:
        return Decimal(left) == Decimal(right)
    if field_type in (FieldType.JSONB, FieldType.MULTI_SELECT):
        return _canonical_json(left) == _canonical_json(right)
    return bool(left == right)


def is_empty(value: Any) -> bool:
    """Whether a value leaves a field unfilled: null, blank text, `[]`, `{}`."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def default_text(field_type: FieldType, default: Any) -> str | None:
    """A default as the listing shows it: always text, e.g. 5 → `"5"`."""
    if default is None:
        return None
    if field_type in (FieldType.JSONB, FieldType.MULTI_SELECT):
        return json.dumps(default)
    if isinstance(default, bool):
        return "true" if default else "false"
    return str(default)


def format_timestamp(stamp: datetime) -> str:
    """ISO 8601 in UTC with `Z`, microseconds only when present."""
    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _coerce_scalar(raw: Any, field_type: FieldType, *, for_default: bool) -> Any:
    converters = {
        FieldType.INTEGER: _to_integer,
        FieldType.NUMERIC: _to_numeric,
        FieldType.DATE: _to_date,
        FieldType.TIMESTAMPTZ: _to_timestamp,
        FieldType.BOOLEAN: _to_boolean,
    }
    converted = converters[field_type](raw)
    if converted is None:
        what = "default value" if for_default else "value"
        raise InvalidFieldValue(
            f"Invalid {_TYPE_WORDS[field_type]} {what}: '{_shown(raw)}'"
        )
    return converted


def _to_integer(raw: Any) -> int | None:
    number: int | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            number = int(raw)
    elif isinstance(raw, str):
        decimal = _parse_decimal(raw)
        # The exponent check keeps `1e999999999` from becoming a huge int.
        if (
            decimal is not None
            and decimal.adjusted() < 20
            and decimal == decimal.to_integral_value()
        ):
            number = int(decimal)

    if number is None or not INT64_MIN <= number <= INT64_MAX:
        return None
    return number


def _to_numeric(raw: Any) -> str | None:
    decimal: Decimal | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        decimal = Decimal(raw)
    elif isinstance(raw, float):
        # repr is the shortest text that reads back as this double, so the
        # JSON number 0.1 is the decimal 0.1, not 0.1000000000000000055…
        decimal = Decimal(repr(raw)) if math.isfinite(raw) else None
    elif isinstance(raw, str):
        decimal = _parse_decimal(raw)

    if decimal is None:
        return None
    exponent = decimal.as_tuple().exponent
    assert isinstance(exponent, int)  # finite decimals only
    if decimal.adjusted() >= NUMERIC_MAX_DIGITS or -exponent > NUMERIC_MAX_DIGITS:
        return None
    return format(decimal, "f")


def _to_date(raw: Any) -> str | None:
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
        # A timestamp names an instant: its date is the UTC date, as for an
        # epoch number (naive timestamps are UTC).
        try:
            parsed = datetime.fromisoformat(raw)
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC)
            return parsed.date().isoformat()
        except (ValueError, OverflowError):
            return None

    stamp = _from_epoch(raw)
    return None if stamp is None else stamp.date().isoformat()


def _to_timestamp(raw: Any) -> str | None:
    if not isinstance(raw, str):
        stamp = _from_epoch(raw)
        return None if stamp is None else format_timestamp(stamp)

    try:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return format_timestamp(parsed.astimezone(UTC))
    except (ValueError, OverflowError):
        return None


def _to_boolean(raw: Any) -> bool | None:
    return raw if isinstance(raw, bool) else None


def _from_epoch(raw: Any) -> datetime | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        return datetime.fromtimestamp(raw, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _parse_decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not _DECIMAL_TEXT.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _as_text(raw: Any, *, name: str, field_type: FieldType) -> str:
    if isinstance(raw, dict | list):
        received = "dict" if isinstance(raw, dict) else "list"
        raise InvalidFieldValue(
            f"Custom field '{name}' expects {field_type} but received {received}."
        )

    text = raw if isinstance(raw, str) else json.dumps(raw)
    if len(text) > TEXT_MAX_LENGTH:
        raise UnstorableFieldValue(
            f"Custom field '{name}' is longer than {TEXT_MAX_LENGTH} characters"
        )
    try:
        _check_text(text)
    except ValueError as error:
        raise UnstorableFieldValue(f"Custom field '{name}' {error}") from error
    return text


def _coerce_choices(
    raw: Any, *, name: str, options: list[str] | None, for_default: bool
) -> list[str]:
    if not isinstance(raw, list) or any(
        item is None or isinstance(item, dict | list) for item in raw
    ):
        raise InvalidFieldValue(
            "MULTI_SELECT values must be provided as a list of strings"
        )

    chosen = [
        _as_text(item, name=name, field_type=FieldType.MULTI_SELECT) for item in raw
    ]
    allowed = options or []
    unknown = list(dict.fromkeys(item for item in chosen if item not in allowed))
    if allowed and unknown:
        listed = _shown(", ".join(unknown))
        if for_default:
            raise InvalidFieldDefinition(
                f"Default value(s) {listed} are not in the available options"
            )
        raise InvalidFieldValue(f"Value(s) {listed} are not in the available options")
    return chosen


def _checked_json(raw: Any, *, name: str) -> Any:
    try:
        return _check_json_document(raw)
    except ValueError as error:
        raise UnstorableFieldValue(f"Custom field '{name}' {error}") from error


def _shown(raw: Any) -> str:
    """A refused value as error messages quote it: text as is, the rest as JSON."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    if len(text) > SHOWN_MAX_LENGTH:
        return text[:SHOWN_MAX_LENGTH] + "…"
    return text


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
