"""Coercion of custom field values, type by type, without a database."""

import math
from typing import Any

import pytest

from casedesk.fields.errors import (
    InvalidFieldDefinition,
    InvalidFieldValue,
    UnstorableFieldValue,
)
from casedesk.fields.types import FieldType
from casedesk.fields.values import (
    coerce,
    default_text,
    is_empty,
    same_value,
    stored_columns,
)


def coerced(field_type: FieldType, raw: Any, options: list[str] | None = None) -> Any:
    """The public form of `raw` for a field named `f` of the type."""
    return coerce(raw, name="f", field_type=field_type, options=options)


def refusal(
    field_type: FieldType, raw: Any, options: list[str] | None = None
) -> InvalidFieldValue:
    """The 400 error coercing `raw` raises."""
    with pytest.raises(InvalidFieldValue) as caught:
        coerced(field_type, raw, options)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, 5),
        ("5", 5),
        (5.0, 5),
        (" 7 ", 7),
        ("-12", -12),
        ("2.00", 2),
        (9007199254740993, 9007199254740993),
        (2**63 - 1, 2**63 - 1),
        (-(2**63), -(2**63)),
    ],
)
def test_integer_accepts_integral_values(raw: Any, expected: int) -> None:
    value = coerced(FieldType.INTEGER, raw)

    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (2.5, "2.5"),
        ("1.5", "1.5"),
        ("abc", "abc"),
        ("", ""),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (True, "true"),
        (False, "false"),
        (2**63, "9223372036854775808"),
        (-(2**63) - 1, "-9223372036854775809"),
        ("1e999999999", "1e999999999"),
        ("1_000", "1_000"),
        ([1], "[1]"),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_integer_refuses_anything_else(raw: Any, shown: str) -> None:
    error = refusal(FieldType.INTEGER, raw)

    assert error.status_code == 400
    assert error.message == f"Invalid integer value: '{shown}'"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.30", "1.30"),
        (0.1, "0.1"),
        (1e-7, "0.0000001"),
        ("1e-7", "0.0000001"),
        ("1E+3", "1000"),
        (42, "42"),
        (1.5, "1.5"),
        (" -0.50 ", "-0.50"),
        ("12345678901234567890.123456789", "12345678901234567890.123456789"),
    ],
)
def test_numeric_keeps_the_exact_decimal_in_plain_notation(
    raw: Any, expected: str
) -> None:
    assert coerced(FieldType.NUMERIC, raw) == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("abc", "abc"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        (math.nan, "NaN"),
        (-math.inf, "-Infinity"),
        (True, "true"),
        ("1_000", "1_000"),
        ("", ""),
        ("1e400", "1e400"),
        (["1"], '["1"]'),
    ],
)
def test_numeric_refuses_what_is_no_finite_decimal(raw: Any, shown: str) -> None:
    error = refusal(FieldType.NUMERIC, raw)

    assert error.message == f"Invalid numeric value: '{shown}'"


def test_numeric_equality_is_numeric() -> None:
    assert same_value(FieldType.NUMERIC, "1.30", "1.3")
    assert not same_value(FieldType.NUMERIC, "1.30", "1.31")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("hello", "hello"), (42, "42"), (1.5, "1.5"), (True, "true"), ("", "")],
)
def test_text_takes_any_scalar_as_text(raw: Any, expected: str) -> None:
    assert coerced(FieldType.TEXT, raw) == expected


@pytest.mark.parametrize(("raw", "kind"), [(["a", "b"], "list"), ({"a": 1}, "dict")])
def test_text_refuses_objects_and_arrays(raw: Any, kind: str) -> None:
    error = refusal(FieldType.TEXT, raw)

    assert error.message == f"Custom field 'f' expects TEXT but received {kind}."


def test_text_over_65535_characters_is_422_naming_the_field() -> None:
    assert coerced(FieldType.TEXT, "x" * 65_535) == "x" * 65_535
    with pytest.raises(UnstorableFieldValue) as caught:
        coerced(FieldType.TEXT, "x" * 65_536)

    assert caught.value.status_code == 422
    assert caught.value.message == "Custom field 'f' is longer than 65535 characters"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("a\x00b", "must not contain NUL characters"),
        ("a\ud800b", "must be valid Unicode text"),
    ],
)
def test_text_that_no_database_stores_is_422(raw: str, reason: str) -> None:
    with pytest.raises(UnstorableFieldValue) as caught:
        coerced(FieldType.TEXT, raw)

    assert caught.value.message == f"Custom field 'f' {reason}"


def test_select_takes_an_option_compared_as_text() -> None:
    assert coerced(FieldType.SELECT, "low", ["low", "high"]) == "low"
    assert coerced(FieldType.SELECT, 1, ["1", "2"]) == "1"


def test_select_refuses_a_value_outside_its_options() -> None:
    error = refusal(FieldType.SELECT, "medium", ["low", "high"])

    assert error.message == "Value 'medium' is not in the available options"


def test_select_refuses_an_array() -> None:
    error = refusal(FieldType.SELECT, ["low"], ["low"])

    assert error.message == "Custom field 'f' expects SELECT but received list."


@pytest.mark.parametrize("options", [None, []])
def test_select_without_options_takes_any_text(options: list[str] | None) -> None:
    assert coerced(FieldType.SELECT, "anything", options) == "anything"


def test_multi_select_takes_a_list_of_options_stringified() -> None:
    assert coerced(FieldType.MULTI_SELECT, ["a", 1], ["a", "1", "b"]) == ["a", "1"]
    assert coerced(FieldType.MULTI_SELECT, [], ["a"]) == []


@pytest.mark.parametrize("raw", ["a", {"a": 1}, 1, [["a"]], [None]])
def test_multi_select_refuses_what_is_no_list_of_scalars(raw: Any) -> None:
    error = refusal(FieldType.MULTI_SELECT, raw, ["a"])

    assert error.message == "MULTI_SELECT values must be provided as a list of strings"


def test_multi_select_lists_every_unknown_choice() -> None:
    error = refusal(FieldType.MULTI_SELECT, ["a", "x", "y", "x"], ["a", "b"])

    assert error.message == "Value(s) x, y are not in the available options"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-02-29", "2024-02-29"),
        ("2024-02-29T23:30:00", "2024-02-29"),
        ("2024-02-29T23:30:00+05:00", "2024-02-29"),
        # A timestamp's date is its UTC date, as an epoch number's is.
        ("2024-01-01T23:30:00-05:00", "2024-01-02"),
        (1704169800, "2024-01-02"),
        (0, "1970-01-01"),
        (86_400.5, "1970-01-02"),
    ],
)
def test_date_takes_iso_dates_datetimes_and_epochs(raw: Any, expected: str) -> None:
    assert coerced(FieldType.DATE, raw) == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("", ""),
        ("2024-02-30", "2024-02-30"),
        ("yesterday", "yesterday"),
        (True, "true"),
        (1e20, "1e+20"),
        ({"d": 1}, '{"d": 1}'),
    ],
)
def test_date_refuses_anything_else(raw: Any, shown: str) -> None:
    error = refusal(FieldType.DATE, raw)

    assert error.status_code == 400
    assert error.message == f"Invalid date value: '{shown}'"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-01T12:34:56Z", "2024-01-01T12:34:56Z"),
        ("2024-01-01T12:34:56", "2024-01-01T12:34:56Z"),
        ("2024-01-01T14:34:56.5+02:00", "2024-01-01T12:34:56.500000Z"),
        ("2024-01-01", "2024-01-01T00:00:00Z"),
        (0, "1970-01-01T00:00:00Z"),
        (1.5, "1970-01-01T00:00:01.500000Z"),
    ],
)
def test_timestamp_is_stored_in_utc(raw: Any, expected: str) -> None:
    assert coerced(FieldType.TIMESTAMPTZ, raw) == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("", ""), ("not a time", "not a time"), (False, "false"), (["x"], '["x"]')],
)
def test_timestamp_refuses_anything_else(raw: Any, shown: str) -> None:
    error = refusal(FieldType.TIMESTAMPTZ, raw)

    assert error.message == f"Invalid timestamp value: '{shown}'"


def test_boolean_takes_only_json_booleans() -> None:
    assert coerced(FieldType.BOOLEAN, True) is True
    assert coerced(FieldType.BOOLEAN, False) is False


@pytest.mark.parametrize(("raw", "shown"), [("yes", "yes"), (1, "1"), ("true", "true")])
def test_boolean_refuses_anything_else(raw: Any, shown: str) -> None:
    error = refusal(FieldType.BOOLEAN, raw)

    assert error.message == f"Invalid boolean value: '{shown}'"


@pytest.mark.parametrize("raw", [{"a": [1, None]}, [1, "x"], "text", 3, True])
def test_jsonb_takes_any_json(raw: Any) -> None:
    assert coerced(FieldType.JSONB, raw) == raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"a": "x\x00"}, "must not contain NUL characters"),
        (["\ud800"], "must be valid Unicode text"),
        ({"n": math.nan}, "must not contain NaN or infinite numbers"),
    ],
)
def test_jsonb_that_postgresql_cannot_store_is_422(raw: Any, reason: str) -> None:
    with pytest.raises(UnstorableFieldValue) as caught:
        coerced(FieldType.JSONB, raw)

    assert caught.value.message == f"Custom field 'f' {reason}"


def test_jsonb_equality_tells_true_from_one() -> None:
    assert not same_value(FieldType.JSONB, [1], [True])
    assert same_value(FieldType.JSONB, {"a": 1, "b": 2}, {"b": 2, "a": 1})


def test_a_default_of_the_wrong_type_names_it_a_default() -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        coerce(
            "abc",
            name="f",
            field_type=FieldType.INTEGER,
            options=None,
            for_default=True,
        )

    assert caught.value.message == "Invalid integer default value: 'abc'"


def test_a_select_default_outside_the_options_is_422() -> None:
    with pytest.raises(InvalidFieldDefinition) as caught:
        coerce(
            "x", name="f", field_type=FieldType.SELECT, options=["a"], for_default=True
        )

    assert caught.value.status_code == 422


@pytest.mark.parametrize(
    ("field_type", "default", "text"),
    [
        (FieldType.INTEGER, 5, "5"),
        (FieldType.TEXT, "abc", "abc"),
        (FieldType.BOOLEAN, True, "true"),
        (FieldType.BOOLEAN, False, "false"),
        (FieldType.NUMERIC, "1.30", "1.30"),
        (FieldType.JSONB, {"a": 1}, '{"a": 1}'),
        (FieldType.MULTI_SELECT, ["a"], '["a"]'),
        (FieldType.DATE, None, None),
    ],
)
def test_defaults_are_listed_as_text(
    field_type: FieldType, default: Any, text: str | None
) -> None:
    assert default_text(field_type, default) == text


@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_empty_values(value: Any) -> None:
    assert is_empty(value)


@pytest.mark.parametrize("value", [0, False, "x", [0], {"a": None}, "0.0"])
def test_filled_values(value: Any) -> None:
    assert not is_empty(value)


def test_each_type_writes_its_column() -> None:
    assert stored_columns(FieldType.BOOLEAN, True)["integer_value"] == 1
    numeric = stored_columns(FieldType.NUMERIC, "1.30")
    assert numeric["text_value"] == "1.30"
    assert str(numeric["numeric_value"]) == "1.30"
    assert stored_columns(FieldType.MULTI_SELECT, ["a"])["json_value"] == ["a"]
    assert stored_columns(FieldType.DATE, "2024-01-01")["text_value"] == "2024-01-01"
