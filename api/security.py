"""API keys: how they are made, written and checked.

A key reads ``rk_<key id>_<secret>``. It is shown once, when created; the
database keeps only the key id, a random salt and the SHA-256 of salt and
secret (keys are 256-bit random tokens, so a slow hash adds nothing). The key
id finds the row and the secret is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "rk"


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: what is stored, and the key text to show once."""

    key_id: str
    salt: str
    digest: str
    text: str


def hash_secret(salt: str, secret: str) -> str:
    """The stored digest of a key's secret (``salt`` in hex)."""
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


def generate_key() -> NewKey:
    """A new random key: a 12-hex-digit id, a 256-bit secret and a 128-bit salt."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    return NewKey(
        key_id=key_id,
        salt=salt,
        digest=hash_secret(salt, secret),
        text=f"{KEY_PREFIX}_{key_id}_{secret}",
    )


def split_key(presented: str) -> tuple[str, str] | None:
    """The key id and secret of a presented key, or None when it is not shaped like a key."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    return parts[1], parts[2]


def secret_matches(secret: str, *, salt: str, digest: str) -> bool:
    """True when ``secret`` hashes to ``digest`` (compared in constant time)."""
    return hmac.compare_digest(digest, hash_secret(salt, secret))


__all__ = ["KEY_PREFIX", "NewKey", "generate_key", "hash_secret", "secret_matches", "split_key"]
