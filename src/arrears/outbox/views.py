"""The outbox's doors to the outside: signed provider callbacks, and the unsubscribe link.

Callbacks (POST, JSON, `X-Arrears-Signature` with the provider's secret):
  /outbox/callbacks/<provider>/receipt   {"message_id": "…", "status": "delivered" | "undelivered" | …}
  /outbox/callbacks/<provider>/inbound   {"from": "+8613800000001", "text": "退订"}
Unsubscribe: /outbox/unsubscribe/<signed token>/ — GET asks, POST (also RFC 8058 one-click) acts.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from arrears.channels import Receipt, Reply
from arrears.channels.signing import SIGNATURE_HEADER, verify
from arrears.errors import ArrearsError
from arrears.outbox import inbound
from arrears.outbox.content import read_unsubscribe_token

DELIVERED = frozenset({"delivered", "delivrd"})


def _error(status: int, zh: str, en: str) -> JsonResponse:
    return JsonResponse({"error": {"zh": zh, "en": en}}, status=status, json_dumps_params={"ensure_ascii": False})


def _provider_secret(name: str) -> str | None:
    from arrears.outbox.config import load_config

    try:
        provider = load_config().providers.get(name)
    except ArrearsError:
        return None
    if provider is None or provider.kind not in ("http_gateway", "webhook"):
        return None
    return str(provider.options.get("secret") or "") or None


def _signed_json(request: HttpRequest, provider: str) -> dict | JsonResponse:
    secret = _provider_secret(provider)
    if secret is None:
        return _error(404, f"未知的服务商：{provider}", f"unknown provider {provider!r}")
    if not verify(secret, request.body, request.headers.get(SIGNATURE_HEADER)):
        return _error(403, "签名无效或已过期", "the signature is missing, wrong or too old")
    try:
        data = json.loads(request.body or b"")
    except ValueError:
        return _error(400, "请求体不是 JSON", "the body is not JSON")
    if not isinstance(data, dict):
        return _error(400, "请求体须为 JSON 对象", "the body must be a JSON object")
    return data


def _at(data: dict) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(str(data["at"])) if data.get("at") else None
    except ValueError:
        return None
    return at if at is None or at.tzinfo else at.replace(tzinfo=dt.UTC)


@csrf_exempt
@require_POST
def receipt_callback(request: HttpRequest, provider: str) -> JsonResponse:
    data = _signed_json(request, provider)
    if isinstance(data, JsonResponse):
        return data
    message_id, status = str(data.get("message_id") or ""), str(data.get("status") or "").lower()
    if not message_id or not status:
        return _error(400, "缺少 message_id 或 status", "message_id and status are required")
    matched = inbound.apply_receipt(Receipt(provider, message_id, status in DELIVERED, _at(data), status))
    return JsonResponse({"matched": matched})


@csrf_exempt
@require_POST
def inbound_callback(request: HttpRequest, provider: str) -> JsonResponse:
    data = _signed_json(request, provider)
    if isinstance(data, JsonResponse):
        return data
    sender, text = str(data.get("from") or ""), data.get("text")
    if not sender or not isinstance(text, str):
        return _error(400, "缺少 from 或 text", "from and text are required")
    stopped = inbound.apply_reply(Reply(provider, str(data.get("channel") or "sms"), sender, text, _at(data)))
    return JsonResponse({"opted_out": len(stopped)})


@csrf_exempt  # mail clients post the one-click request without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    from arrears.contact.optouts import opt_out

    try:
        contact_point_id, channel = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "outbox/unsubscribe.html", {"token": token, "channel": channel})
    try:
        opt_out(contact_point_id=contact_point_id, channel=channel, source="email_unsubscribe",
                detail=request.POST.get("List-Unsubscribe", "link"))
    except ArrearsError:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "outbox/unsubscribe.html", {"done": True, "channel": channel})
