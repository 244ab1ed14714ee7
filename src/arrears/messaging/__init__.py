"""Versioned, bilingual message templates, rendered from an account and linted before approval.

    from arrears.messaging import render_attempt
    message = render_attempt(attempt)   # RenderedMessage(subject, body, language, template_version)

See docs/messaging.md.
"""

from __future__ import annotations

from arrears.messaging.errors import ApprovalRefused, NoApprovedTemplate, TemplateError
from arrears.messaging.message import RenderedMessage

__all__ = ["ApprovalRefused", "NoApprovedTemplate", "RenderedMessage", "TemplateError", "render_attempt", "render_free_text"]


def render_free_text(attempt) -> RenderedMessage:
    """An attempt's own text, linted and with its opt-out line; raises TemplateError on a finding."""
    from arrears.messaging.service import render_free_text as render

    return render(attempt)


def render_attempt(attempt) -> RenderedMessage:
    """The message for a contact.ContactAttempt; raises NoApprovedTemplate when none is in force."""
    from arrears.messaging.service import render_attempt as render

    return render(attempt)
