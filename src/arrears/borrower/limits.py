"""The portal's own counting of tries: a sliding window per scope and key, kept as rows.

Kept apart from the staff sign-in's lockout: a borrower has no account to lock, only a loan
reference and an address to count against, and the counts must not say whether a loan exists.

    if too_many("loan", key_digest, now): refuse
    count("loan", key_digest, now)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings

WINDOW = dt.timedelta(minutes=15)
LIMITS = {
    "loan": 5,       # sign-in requests naming one loan reference (existing or not)
    "address": 20,   # sign-in requests and code tries from one client address
    "code": 10,      # code tries from one pending sign-in (a browser), whatever code it holds
    "verify": 20,    # collector-code checks from one client address
}


def key_of(scope: str, value: str) -> str:
    """The digest a try is counted by: keyed, so the table does not list loan references or addresses."""
    return hmac.new(settings.SECRET_KEY.encode(), f"portal:{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def too_many(scope: str, key: str, now: dt.datetime) -> bool:
    from arrears.borrower.models import PortalTry

    return PortalTry.objects.filter(scope=scope, key=key, at__gt=now - WINDOW).count() >= LIMITS[scope]


def count(scope: str, key: str, now: dt.datetime) -> None:
    from arrears.borrower.models import PortalTry

    PortalTry.objects.create(scope=scope, key=key, at=now)
