"""Password hashing and the minimum password policy."""

import pytest
from fastapi import FastAPI
from fastapi_users import InvalidPasswordException
from pydantic import SecretStr
from sqlalchemy import select

from casedesk.auth.backend import UserManager
from casedesk.auth.bootstrap import ensure_first_admin
from casedesk.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    password_helper,
    password_problem,
)
from casedesk.errors import BadRequest
from casedesk.models import User

EMAIL = "alice.anderson@example.com"


async def test_stored_password_hash_is_argon2(
    app: FastAPI, clean_database: None
) -> None:
    settings = app.state.settings.model_copy(
        update={"admin_password": SecretStr("a-password-for-bootstrap")}
    )
    async with app.state.sessionmaker() as session:
        await ensure_first_admin(session, settings)

    async with app.state.sessionmaker() as session:
        stored = await session.scalar(select(User.hashed_password))

    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "a-password-for-bootstrap" not in stored
    assert password_helper.verify_and_update("a-password-for-bootstrap", stored)[0]


def test_policy_accepts_a_long_ordinary_password() -> None:
    assert password_problem("harbour lights at dusk", email=EMAIL) is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("a" * 3 + "short", "Password must be at least 12 characters long"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "Password must be at most 1024 characters"),
        (" " * 16, "Password must not be blank"),
        ("\t \n" * 5, "Password must not be blank"),
        (EMAIL, "Password must not be the email address"),
        (EMAIL.upper(), "Password must not be the email address"),
        ("alice.anderson", "Password must not be the email address"),
        ("password1234", "Password is too common"),
        ("Password1234", "Password is too common"),
        ("zzzzzzzzzzzzzzzz", "Password is too common"),
        ("abcdefghijklmn", "Password is too common"),
        ("345678901234", "Password is too common"),
    ],
    ids=[
        "too-short",
        "too-long",
        "spaces",
        "whitespace",
        "email",
        "email-upper-case",
        "email-local-part",
        "common",
        "common-capitalised",
        "one-character",
        "alphabet-run",
        "digit-run",
    ],
)
def test_policy_refuses_weak_passwords(password: str, problem: str) -> None:
    refusal = password_problem(password, email=EMAIL)

    assert refusal is not None
    assert refusal.startswith(problem)


def test_policy_minimum_is_twelve_characters() -> None:
    shortest = "k" * 5 + "7b!qwzx"

    assert len(shortest) == MIN_PASSWORD_LENGTH == 12
    assert password_problem(shortest, email=EMAIL) is None
    assert password_problem(shortest[:-1], email=EMAIL) is not None


async def test_user_manager_applies_the_policy_with_the_account_email() -> None:
    manager = UserManager(None, password_helper)  # type: ignore[arg-type]
    user = User(email=EMAIL)

    with pytest.raises(InvalidPasswordException) as refused:
        await manager.validate_password(EMAIL, user)

    assert refused.value.reason == "Password must not be the email address"


async def test_bootstrap_refuses_an_admin_password_equal_to_the_email(
    app: FastAPI, clean_database: None
) -> None:
    settings = app.state.settings.model_copy(
        update={
            "admin_email": "security.team@example.com",
            "admin_password": SecretStr("security.team@example.com"),
        }
    )

    async with app.state.sessionmaker() as session:
        with pytest.raises(BadRequest, match="must not be the email address"):
            await ensure_first_admin(session, settings)
