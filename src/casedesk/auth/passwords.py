"""Password hashing and the minimum password policy."""

import secrets

from fastapi_users.password import PasswordHelper

MIN_PASSWORD_LENGTH = 8

# argon2 through pwdlib, the hasher the sign-in library itself uses.
password_helper = PasswordHelper()


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None when it meets the policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if password.strip() == "":
        return "Password must not be blank"
    return None


def generate_password() -> str:
    """A random password for a generated account."""
    return secrets.token_urlsafe(18)
