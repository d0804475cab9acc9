"""Reading what people type into forms where text must become JSON."""

import json
from typing import Any


class NotJson(ValueError):
    """Typed text that is not a JSON value casedesk can store."""


def parse_json_input(text: str) -> Any:
    """The JSON value typed into a form, or NotJson saying what is wrong.

    Besides malformed text this refuses what `json.loads` accepts but no JSON
    document can carry: NaN and infinities (`1e999` included), lone UTF-16
    surrogates, and nesting deep enough to exhaust the interpreter's stack.
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
        # Encoding it back catches `1e999` (read as infinity) and surrogates.
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except RecursionError as error:
        raise NotJson("Enter valid JSON: it is nested too deeply.") from error
    except UnicodeEncodeError as error:
        raise NotJson("Enter valid JSON: it holds an invalid character.") from error
    except ValueError as error:
        raise NotJson(f"Enter valid JSON ({_reason(error)}).") from error
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _reason(error: ValueError) -> str:
    message = str(error)
    if "Out of range float" in message or "NaN" in message or "inf" in message:
        return "numbers must be finite"
    return message
