"""User account failures."""

import uuid

from casedesk.errors import BadRequest, Conflict, NotFound, Unprocessable


class UserNotFound(NotFound):
    """No user with this id."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"User with ID {user_id} not found")


class EmailTaken(Conflict):
    """Another account already uses this email address, in any letter case."""

    def __init__(self, email: str) -> None:
        super().__init__(f"A user with email {email} already exists")


class PasswordRefused(Unprocessable):
    """A new password does not meet the password policy."""


class WrongCurrentPassword(BadRequest):
    """The current password given to change it is not the account's."""

    def __init__(self) -> None:
        super().__init__("The current password is incorrect")


class CannotRemoveSelf(Conflict):
    """An admin tried to delete or deactivate their own account."""

    def __init__(self, verb: str) -> None:
        super().__init__(f"You cannot {verb} your own account")


class LastInstanceAdmin(Conflict):
    """The change would leave the installation without an active admin."""

    def __init__(self) -> None:
        super().__init__(
            "This is the last active instance admin: make another user an "
            "instance admin first"
        )
