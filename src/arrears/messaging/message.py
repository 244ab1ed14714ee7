"""What rendering a template for one contact attempt gives the outbox. Pure."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready to send.

    subject: the email subject or push title; "" for SMS.
    body: the text, ending with the opt-out line its compliance profile requires (electronic channels).
    language: "zh-hans" or "en".
    template_version: the id of the approved TemplateVersion used (for the record), or None.
    """

    subject: str
    body: str
    language: str
    template_version: int | None = None
