"""The profile the lender runs under: a jurisdiction with the lender's own policy on top.

Settings (or the environment): `ARREARS_PROFILE` names the jurisdiction (`cn`, the default, or
`us-regf`, or a profile file); `ARREARS_POLICY` is the path of the lender's policy file, which may
only tighten it (`compliance/profiles.py`). Every place that judges an action — the nightly plan,
"may I call now?", the worker at send time, agency placement and visits — asks here, so one
setting changes them all at once.

    profile = lender_profile()            # as configured
    profile = lender_profile("us-regf")   # another jurisdiction, the same lender policy
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from arrears.compliance.profiles import DEFAULT_PROFILE, Profile, load_profile


def _setting(name: str) -> str | None:
    from django.conf import settings

    value = getattr(settings, name, None) if settings.configured else None
    return value or os.environ.get(name) or None


def lender_profile_name() -> str:
    """The jurisdiction in force: ARREARS_PROFILE, else cn."""
    return _setting("ARREARS_PROFILE") or DEFAULT_PROFILE


def lender_policy() -> Path | None:
    """The lender's policy file, when one is configured (ARREARS_POLICY)."""
    path = _setting("ARREARS_POLICY")
    return Path(path) if path else None


def lender_profile(name: str | None = None) -> Profile:
    """The named jurisdiction (default: the one in force) with the lender's policy applied.

    Kept between calls; a change to the policy file (its modification time) is read afresh.
    """
    policy = lender_policy()
    stamp = policy.stat().st_mtime_ns if policy is not None and policy.exists() else None
    return _loaded(name or lender_profile_name(), None if policy is None else str(policy), stamp)


@functools.lru_cache(maxsize=16)
def _loaded(name: str, policy: str | None, _stamp: int | None) -> Profile:
    return load_profile(name, policy=policy)
