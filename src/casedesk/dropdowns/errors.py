"""Dropdown failures.

Validation of definitions and options answers 409, as the reference does.
"""

import uuid

from casedesk.cases.errors import DropdownDefinitionNotFound
from casedesk.errors import Conflict, NotFound, Unprocessable

__all__ = [
    "DropdownDefinitionNotFound",
    "DropdownNameEmpty",
    "DropdownNameNotSluggable",
    "DropdownNotFound",
    "DropdownOptionNotFound",
    "DropdownRefEmpty",
    "DropdownRefTaken",
    "DropdownSelectionRepeated",
    "OptionRefTaken",
]


class DropdownNotFound(NotFound):
    """No dropdown definition with this id in the workspace."""

    def __init__(self, definition_id: uuid.UUID) -> None:
        super().__init__(f"Dropdown definition {definition_id} not found")


class DropdownOptionNotFound(NotFound):
    """The option named is not an option of the dropdown named."""

    def __init__(self, option: str, definition: str) -> None:
        super().__init__(
            f"Dropdown option {option} not found for definition {definition}"
        )


class DropdownRefTaken(Conflict):
    """Another dropdown of the workspace already has this ref."""

    def __init__(self) -> None:
        super().__init__("Dropdown definition with this ref already exists")


class OptionRefTaken(Conflict):
    """Another option of the same dropdown already has this ref."""

    def __init__(self) -> None:
        super().__init__("Option with this ref already exists for this dropdown")


class DropdownNameNotSluggable(Conflict):
    """A new name without a new ref has no letter or digit to make a ref of."""

    def __init__(self) -> None:
        super().__init__("Dropdown name must produce a valid reference")


class DropdownRefEmpty(Conflict):
    """A ref given as null or white space."""

    def __init__(self) -> None:
        super().__init__("Dropdown reference cannot be empty")


class DropdownNameEmpty(Conflict):
    """A name given as null or white space."""

    def __init__(self) -> None:
        super().__init__("Dropdown name cannot be empty")


class DropdownSelectionRepeated(Unprocessable):
    """One request selects twice in the same dropdown."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"Dropdown definition '{reference}' is given more than once")
