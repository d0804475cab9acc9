"""Request bodies for managing accounts; responses use `UserRead`."""

from typing import Annotated, Any

from pydantic import AfterValidator, EmailStr, Field, field_validator

from casedesk.kit.schemas import CHECK_TEXT, InputSchema

EMAIL_MAX_LENGTH = 320
NAME_MAX_LENGTH = 255


def _lower(email: str) -> str:
    return email.lower()


# Stored lower-case, so that one address in two spellings is one account.
Email = Annotated[EmailStr, Field(max_length=EMAIL_MAX_LENGTH), AfterValidator(_lower)]
Name = Annotated[str, Field(max_length=NAME_MAX_LENGTH), CHECK_TEXT]
# The policy (length, blankness) is checked by the service, so that a refusal
# says why in a `detail` string.
Password = Annotated[str, CHECK_TEXT]


class UserCreate(InputSchema):
    """A new account, created by an instance admin."""

    email: Email
    password: Password
    first_name: Name | None = None
    last_name: Name | None = None
    is_superuser: bool = False


class UserUpdate(InputSchema):
    """Changes to an account; only the keys given are applied."""

    email: Email | None = None
    password: Password | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None

    @field_validator("email", "password", "is_active", "is_superuser", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class ProfileUpdate(InputSchema):
    """The caller's own display names; null clears one."""

    first_name: Name | None = None
    last_name: Name | None = None


class PasswordChange(InputSchema):
    """The caller's current password and the one replacing it."""

    current_password: Password
    new_password: Password
