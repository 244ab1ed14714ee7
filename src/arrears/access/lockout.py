"""When a sign-in is locked out, and the answer then (django-axes' AXES_HANDLER and AXES_LOCKOUT_CALLABLE).

Failed sign-ins within the cool-off are counted three ways, each with its own limit:
- per user name and address: AXES_FAILURE_LIMIT (5);
- per user name, whatever the address: ARREARS_LOCKOUT_USER_LIMIT (10), against a guesser who
  rotates addresses;
- per address, whatever the user name: ARREARS_LOCKOUT_ADDRESS_LIMIT (30), against one address
  trying many names, high enough for an office behind one address.
An IPv6 address counts as its /64 (access/addresses.py). django-axes has one limit for all its
lockout parameters, so `LimitsHandler` scales each count to it.

A person at the sign-in page reads the locked-out page; a caller of the JSON API gets JSON, as every
other API answer is, with the cool-off in seconds so that a client can say when to try again; both
carry Retry-After.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render

LOCKED_ZH = "登录失败次数过多，账户已暂时锁定。请稍后再试，或请管理员解锁。"
LOCKED_EN = "Too many failed sign-in attempts: the account is locked for now. Try again later, or ask an administrator to unlock it."


def locked_out(request, original_response=None, credentials=None):
    status = settings.AXES_HTTP_RESPONSE_CODE
    cool_off = get_cool_off(request)
    if request.path.startswith("/api/"):
        answer = {"error": {"zh": LOCKED_ZH, "en": LOCKED_EN}}
        if cool_off:
            answer["retry_after_seconds"] = int(cool_off.total_seconds())
        response = JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def limit_of(parameter) -> int:
    """The limit of one entry of AXES_LOCKOUT_PARAMETERS."""
    if parameter == "username":
        return settings.ARREARS_LOCKOUT_USER_LIMIT
    if parameter == "ip_address":
        return settings.ARREARS_LOCKOUT_ADDRESS_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LimitsHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout parameter: the failures of each
    parameter, scaled so that reaching its own limit reaches axes' single one."""

    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        worst = 0
        # axes builds one query per AXES_LOCKOUT_PARAMETERS entry, in that order
        for parameter, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials),
                                       strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures * limit // limit_of(parameter))
        return worst
