"""The answer to a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE).

A person at the sign-in page reads the locked-out page; a caller of the JSON API gets JSON, as every
other API answer is, with the cool-off in seconds so that a client can say when to try again.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
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
