"""The order in which pages list names: as people read them."""

import re

DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str) -> list[str | int]:
    """Order names as people read them: CWE-20 before CWE-116."""
    parts = DIGITS.split(name.casefold())
    # Digits sit at odd places, so like always meets like when comparing.
    return [int(part) if index % 2 else part for index, part in enumerate(parts)]
