"""Tag failures."""

import uuid

from casedesk.errors import BadRequest, NotFound, Unprocessable


class TagNotFound(NotFound):
    """No tag with this id, ref or name in the workspace."""

    def __init__(self) -> None:
        super().__init__("Tag not found")


class TagNotOnCase(NotFound):
    """The tag named is not attached to the case."""

    def __init__(self) -> None:
        super().__init__("Tag not found on case")


class DuplicateTagSlug(BadRequest):
    """Another tag of the workspace already has this slug."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"Case tag with slug '{ref}' already exists")


class CaseNotInWorkspace(NotFound):
    """The case to tag is not a case of this workspace."""

    def __init__(self, case_id: uuid.UUID) -> None:
        super().__init__(f"Case {case_id} not found in this workspace.")


class UnknownTag(Unprocessable):
    """A new case names a tag the workspace does not have."""

    def __init__(self, identifier: str) -> None:
        super().__init__(f"Unknown tag: {identifier}")
