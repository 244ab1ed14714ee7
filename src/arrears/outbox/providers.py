"""Channel objects built from the configuration."""

from __future__ import annotations

from pathlib import Path

from arrears.channels import Channel, Message
from arrears.channels.http_gateway import HttpGatewayChannel
from arrears.channels.letter import LetterChannel
from arrears.channels.smpp import SmppChannel
from arrears.channels.smtp import SmtpChannel
from arrears.channels.webhook import WebhookChannel
from arrears.outbox.config import ProviderConfig


def _prepared_pdf(message: Message) -> bytes:
    """The letter's PDF, made by the outbox (arrears.notices.letter_pdf) before the send."""
    return message.extra["pdf"]


def build_channel(provider: ProviderConfig, channel: str) -> Channel:
    o = provider.options
    if provider.kind == "smpp":
        return SmppChannel(
            name=provider.name, host=o["host"], port=int(o["port"]), system_id=o["system_id"], password=o["password"],
            source_addr=str(o.get("source_addr", "")), timeout=float(o.get("timeout", 10)),
        )
    if provider.kind == "http_gateway":
        return HttpGatewayChannel(
            name=provider.name, url=o["url"], secret=o["secret"], sender=str(o.get("sender", "")),
            timeout=float(o.get("timeout", 10)),
        )
    if provider.kind == "smtp":
        return SmtpChannel(
            name=provider.name, host=o["host"], port=int(o["port"]), sender=o["sender"],
            domain=o.get("domain", "arrears.invalid"), username=o.get("username", ""), password=o.get("password", ""),
            starttls=bool(o.get("starttls", False)), timeout=float(o.get("timeout", 10)), sessions=int(o.get("sessions", 1)),
        )
    if provider.kind == "webhook":
        return WebhookChannel(name=provider.name, url=o["url"], secret=o["secret"], timeout=float(o.get("timeout", 10)))
    if provider.kind == "letter":
        from django.conf import settings

        directory = Path(o.get("directory") or Path(settings.VAR_DIR) / "print")
        return LetterChannel(name=provider.name, directory=directory, render_pdf=_prepared_pdf)
    raise ValueError(f"unknown provider kind {provider.kind!r}")
