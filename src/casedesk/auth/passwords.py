"""Password hashing and the minimum password policy."""

import secrets

from fastapi_users.password import PasswordHelper

# Twelve, as OWASP ASVS asks of user-chosen passwords; length is what makes a
# password hard to guess, so there are no composition rules.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

# Common passwords long enough to pass the length rule, and runs of keys.
_COMMON_PASSWORDS = frozenset(
    {
        "111111111111",
        "123456789012",
        "1q2w3e4r5t6y",
        "administrator",
        "changeme1234",
        "iloveyou1234",
        "letmein12345",
        "password1234",
        "password123!",
        "passwordpassword",
        "qwerty123456",
        "qwertyuiop123",
        "welcome12345",
    }
)
_RUNS = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjkl")

# argon2 through pwdlib, the hasher the sign-in library itself uses.
password_helper = PasswordHelper()


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why a new password is refused, or None when it meets the policy."""
    folded = password.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be at most {MAX_PASSWORD_LENGTH} characters long"
    if folded == "":
        return "Password must not be blank"
    if email is not None and folded in _email_forms(email):
        return "Password must not be the email address"
    if folded in _COMMON_PASSWORDS or len(set(folded)) == 1:
        return "Password is too common"
    if any(folded in run for run in _RUNS):
        return "Password is too common"
    return None


def generate_password() -> str:
    """A random password for a generated account."""
    return secrets.token_urlsafe(18)


def _email_forms(email: str) -> set[str]:
    address = email.strip().lower()
    return {address, address.partition("@")[0]}
