"""Verification codes a borrower checks on the public page, kept only as keyed digests.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 40 bits;
the page is rate-limited, so guessing one is hopeless. It is stored as HMAC-SHA256 under the
site's secret: the digest finds the visit in one indexed lookup, and a copy of the table
without the secret reveals no code.

    code = new_code()
    digest = code_digest(code, key=b"secret")
    code_digest(" abcd-efgh ", key=b"secret") == code_digest("ABCDEFGH", key=b"secret")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
LIFETIME = dt.timedelta(hours=2)
"""A code outlives the doorstep conversation but not the day: issued at the door, it expires."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """As read out to a borrower: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def normalised(text: str) -> str | None:
    """What the borrower typed, upper-cased without spaces or dashes; None if it cannot be a code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_digest(code: str, *, key: bytes) -> str:
    cleaned = normalised(code)
    if cleaned is None:
        raise ValueError("not a verification code")
    return hmac.new(key, cleaned.encode("ascii"), hashlib.sha256).hexdigest()


def expiry(issued_at: dt.datetime, visit_ends_at: dt.datetime) -> dt.datetime:
    """A code lives LIFETIME from issue, and never past the end of the visit's window."""
    return min(issued_at + LIFETIME, visit_ends_at)
