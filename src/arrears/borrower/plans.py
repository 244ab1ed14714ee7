"""The self-serve plan: instalments or a deferral the borrower sets up in the portal, or a hardship
request. Within the lender's self-serve policy it is approved at once through the plans' own
services (the same preview and schedule the staff see); beyond it, or a hardship request, it waits
in the approval queue for a person whose limit covers it.

    policy = self_serve_policy()                          # defaults, tightened by the lender's file
    plan = propose_for_borrower(loan, "instalments", start, instalments=4, reason="…")

The lender's file may only tighten: each number is the smaller of the default and the file's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from django.conf import settings

from arrears.errors import InputError

DEFAULTS = Path(__file__).with_name("self_serve.yaml")
ROLE = "borrower"
PORTAL_USER = "borrower-portal"
KINDS = ("instalments", "deferral", "hardship")


def _numbers(path: Path) -> dict[str, int]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"无法读取自助计划政策文件 {path}：{error}", f"cannot read the self-serve policy {path}: {error}") from error
    numbers = {}
    for key in ("max_instalments", "max_deferral_months"):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or value < 0:
                raise InputError(f"{path}：{key} 应为非负整数", f"{path}: {key} must be a whole number, 0 or more")
            numbers[key] = value
    return numbers


def self_serve_policy() -> dict[str, int]:
    policy = _numbers(DEFAULTS)
    lender = getattr(settings, "ARREARS_SELF_SERVE_POLICY", None)
    if lender:
        for key, value in _numbers(Path(lender)).items():
            policy[key] = min(policy[key], value)  # only ever tighter
    return policy


def _limits(policy: dict[str, int]):
    from arrears.plans.limits import RoleLimit, read_limits

    staff = read_limits()
    own = RoleLimit(ROLE, 0, policy["max_instalments"], policy["max_deferral_months"])
    return type(staff)(by_role={**staff.by_role, ROLE: own})


def portal_user():
    """The system account a borrower's proposal is recorded under (inactive: no one signs in as it)."""
    from django.contrib.auth import get_user_model

    user, made = get_user_model().objects.get_or_create(username=PORTAL_USER, defaults={"is_active": False})
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def propose_for_borrower(loan, kind: str, start_date: dt.date, *, instalments: int = 0, deferral_months: int = 0,
                         reason: str = ""):
    from arrears.plans.services import propose

    if kind not in KINDS:
        raise InputError("请选择分期、延期或困难申请", "Choose instalments, a deferral or a hardship request")
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise InputError("说明不能超过 500 字", "The explanation may be at most 500 characters")
    policy = self_serve_policy()
    if kind == "hardship":
        # a hardship request is judged by a person: it always waits, whatever its length
        if not reason:
            raise InputError("请说明您的困难", "Tell us about your hardship")
        return propose(portal_user(), loan, "deferral", start_date, deferral_months=max(deferral_months, 1),
                       reason=f"困难申请 / hardship: {reason}", limits=_limits({**policy, "max_deferral_months": 0}),
                       roles=frozenset({ROLE}))
    return propose(portal_user(), loan, kind, start_date, instalments=instalments, deferral_months=deferral_months,
                   reason=f"借款人自助 / self-serve: {reason}" if reason else "借款人自助 / self-serve",
                   limits=_limits(policy), roles=frozenset({ROLE}))
