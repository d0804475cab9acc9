"""API key format: a recognisable prefix, a public id and a secret."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

# Fixed and distinctive, so secret scanners can recognise a leaked key.
KEY_PREFIX = "cdk_"
_KEY_PATTERN = re.compile(r"^cdk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class IssuedKey:
    """A freshly generated key: the full token is shown to its owner once."""

    key_id: str
    secret_hash: str
    token: str


@dataclass(frozen=True)
class PresentedKey:
    """The parts of a well-formed key a client sent."""

    key_id: str
    secret: str


def issue_key() -> IssuedKey:
    """Generate a new key and the digest to store for it."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return IssuedKey(
        key_id=key_id,
        secret_hash=hash_secret(secret),
        token=f"{KEY_PREFIX}{key_id}_{secret}",
    )


def parse_key(token: str) -> PresentedKey | None:
    """Split a presented token, or None when it is not a well-formed key."""
    match = _KEY_PATTERN.fullmatch(token)
    if match is None:
        return None
    return PresentedKey(key_id=match.group(1), secret=match.group(2))


def hash_secret(secret: str) -> str:
    """The stored digest of a key secret (256 random bits need no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Compare a presented secret with a stored digest in constant time."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)
