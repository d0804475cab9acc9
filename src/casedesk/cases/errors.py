"""Case failures."""

import json
import uuid

from casedesk.errors import NotFound, Unprocessable


class CaseNotFound(NotFound):
    """No case with this id in the workspace."""

    def __init__(self, case_id: uuid.UUID) -> None:
        super().__init__(f"Case with ID {case_id} not found")


class DropdownDefinitionNotFound(NotFound):
    """A dropdown selection names no dropdown definition of the workspace."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"Dropdown definition '{reference}' not found")


class AssigneeNotMember(Unprocessable):
    """The assignee is not a member of the case's workspace."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(
            f"Assignee {user_id} is not a member of this workspace and cannot be "
            "assigned"
        )


class AssigneeInactive(Unprocessable):
    """The assignee's account is deactivated."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"Assignee {user_id} is deactivated and cannot be assigned")


class ClosureRequirementsNotMet(Unprocessable):
    """Closing or resolving would leave required fields or dropdowns empty.

    The `detail` is a string holding JSON, as compatible clients parse it.
    """

    def __init__(self, missing_fields: list[str], missing_dropdowns: list[str]) -> None:
        super().__init__(
            json.dumps(
                {
                    "code": "closure_requirements_not_met",
                    "missing_fields": missing_fields,
                    "missing_dropdowns": missing_dropdowns,
                }
            )
        )
        self.missing_fields = missing_fields
        self.missing_dropdowns = missing_dropdowns
