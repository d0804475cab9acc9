"""CSRF tokens: bound to one session, signed, and short-lived."""

import time

import pytest

from casedesk.web.csrf import (
    CSRF_MAX_AGE_SECONDS,
    CsrfRefused,
    check_token,
    issue_token,
)

SECRET = "a-test-secret-of-reasonable-length"


def test_a_token_works_for_its_own_session() -> None:
    token = issue_token(SECRET, "session-a")

    check_token(SECRET, "session-a", token)


@pytest.mark.parametrize(
    ("session", "secret"),
    [("session-b", SECRET), (None, SECRET), ("session-a", "another-secret-value")],
    ids=["other-session", "signed-out", "other-secret"],
)
def test_a_token_fails_anywhere_else(session: str | None, secret: str) -> None:
    token = issue_token(SECRET, "session-a")

    with pytest.raises(CsrfRefused):
        check_token(secret, session, token)


@pytest.mark.parametrize("submitted", [None, "", "garbage", "a.b.c"])
def test_missing_or_malformed_tokens_are_refused(submitted: str | None) -> None:
    with pytest.raises(CsrfRefused):
        check_token(SECRET, "session-a", submitted)


def test_an_old_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    issued_at = time.time() - CSRF_MAX_AGE_SECONDS - 5
    monkeypatch.setattr(time, "time", lambda: issued_at)
    token = issue_token(SECRET, "session-a")
    monkeypatch.undo()

    with pytest.raises(CsrfRefused):
        check_token(SECRET, "session-a", token)


def test_the_sign_in_form_token_is_useless_once_signed_in() -> None:
    anonymous_token = issue_token(SECRET, None)

    with pytest.raises(CsrfRefused):
        check_token(SECRET, "session-a", anonymous_token)
