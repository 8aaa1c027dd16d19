"""Keyed hashes (HMAC-SHA256) that carry no identifier in clear.

The key comes from ``MIGSTAT_HMAC_KEY``. Without it the fixed, public
development key below is used: fine for samples and tests, never for
real data (the person keys of a real warehouse must not be computable by
anyone who reads this repository).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

DEVELOPMENT_KEY = "migstat-development-key-not-for-production"
ENV_VAR = "MIGSTAT_HMAC_KEY"


def hmac_key() -> bytes:
    return os.environ.get(ENV_VAR, DEVELOPMENT_KEY).encode("utf-8")


def keyed_hash(value: str, key: bytes | None = None, purpose: str = "") -> str:
    """Hex HMAC-SHA256 of ``purpose`` + NUL + ``value``.

    The purpose separates the uses of one key: a person key and a hashed
    national ID never coincide even for the same text.
    """
    key = hmac_key() if key is None else key
    message = f"{purpose}\0{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def keyed_hashes(values: Iterable[str], purpose: str, key: bytes | None = None) -> list[str]:
    key = hmac_key() if key is None else key
    return [keyed_hash(v, key, purpose) for v in values]


def keyed_hash_sql(expression: str, purpose: str, key: bytes | None = None) -> str:
    """A DuckDB expression equal to ``keyed_hash(<expression>, key, purpose)``.

    HMAC-SHA256 written out (RFC 2104) with DuckDB's ``sha256`` over blobs:
    sha256((K xor opad) || sha256((K xor ipad) || message)). The padded keys
    are blob literals in the query (they are not the key, but they reveal
    it: the query text is as secret as the key and must not be logged).
    """
    key = hmac_key() if key is None else key
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = bytes(b ^ 0x36 for b in key) + f"{purpose}\0".encode()
    outer = bytes(b ^ 0x5C for b in key)
    return (
        f"sha256(unhex('{outer.hex()}') || unhex(sha256(unhex('{inner.hex()}') "
        f"|| encode({expression}))))"
    )


def person_key_sql(expression: str, key: bytes | None = None) -> str:
    """``person_key`` as a DuckDB expression over ``expression``."""
    digest = keyed_hash_sql(expression, "person", key)
    return f"left({digest}, 32)"


def person_key(smallest_record_id: str, key: bytes | None = None) -> str:
    """The person key: 32 hex characters of the keyed hash of the smallest
    record id (``source_system:source_record_id``) of the person's cluster."""
    return keyed_hash(smallest_record_id, key, "person")[:32]
