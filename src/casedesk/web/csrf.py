"""CSRF tokens for the pages' forms, bound to the visitor's session.

A token is the signed digest of the session cookie: only a page served to
this session can carry it, it needs no server-side state, and it stops
working when the session ends. Signing and expiry are itsdangerous's.
"""

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from casedesk.errors import Forbidden

CSRF_FIELD = "csrf_token"
# A page left open over a working day still submits; a leaked token dies.
CSRF_MAX_AGE_SECONDS = 12 * 3600
_SALT = "casedesk.web.csrf"


class CsrfRefused(Forbidden):
    """A form arrived without this session's token."""

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or did not come from casedesk; reload the "
            "page and try again"
        )


def issue_token(secret: str, session_token: str | None) -> str:
    """A token for forms on a page served to this session (or to nobody)."""
    return _signer(secret).sign(_session_digest(session_token)).decode()


def check_token(secret: str, session_token: str | None, submitted: str | None) -> None:
    """Refuse unless `submitted` was issued to this very session, recently."""
    if not submitted:
        raise CsrfRefused()

    try:
        value = _signer(secret).unsign(submitted, max_age=CSRF_MAX_AGE_SECONDS)
    except (BadSignature, SignatureExpired) as error:
        raise CsrfRefused() from error

    if not hmac.compare_digest(value, _session_digest(session_token).encode()):
        raise CsrfRefused()


def _signer(secret: str) -> TimestampSigner:
    return TimestampSigner(secret, salt=_SALT)


def _session_digest(session_token: str | None) -> str:
    # Before sign-in there is no session: the sign-in form's token is bound
    # to "no session", which a signed-in visitor's form can never reuse.
    source = session_token or "anonymous"
    return hashlib.sha256(source.encode()).hexdigest()
