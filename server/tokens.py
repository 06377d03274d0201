"""Bearer tokens and one-time codes: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def new_sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
