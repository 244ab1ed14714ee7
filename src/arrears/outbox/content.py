"""What an attempt says and where it goes: the message handed to a channel."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from arrears.channels import Message

UNSUBSCRIBE_SALT = "arrears.outbox.unsubscribe"


class NoContent(Exception):
    """No approved template for the attempt yet: it waits and is tried again later."""


class ContentRefused(Exception):
    """The template cannot be rendered for this attempt (e.g. a debtor's template to a third party)."""


def unsubscribe_token(contact_point_id: int, channel: str) -> str:
    return signing.dumps({"p": contact_point_id, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The contact point and channel a link names; raises signing.BadSignature when forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["p"]), str(data["c"])


def unsubscribe_url(public_url: str, contact_point_id: int, channel: str) -> str:
    path = reverse("outbox:unsubscribe", kwargs={"token": unsubscribe_token(contact_point_id, channel)})
    return f"{public_url.rstrip('/')}{path}"


def free_text_key(attempt) -> tuple:
    """Everything an attempt's own text is rendered and linted from, besides the profile: attempts
    equal here render the same (`messaging.render_free_text`)."""
    return attempt.body, attempt.subject or "", attempt.channel, attempt.party, attempt.segment


def rendered(attempt, *, seen: dict | None = None) -> tuple[str, str, str]:
    """(subject, body, language): the attempt's own text when it has one (linted, with its opt-out
    line), else its template's. `seen`: what earlier attempts of the same batch rendered to (see
    `free_text_key`), so one text sent to many is linted once per batch."""
    if seen is not None and attempt.body:
        key = free_text_key(attempt)
        if key not in seen:
            try:
                seen[key] = rendered(attempt)
            except (NoContent, ContentRefused) as error:
                seen[key] = error
        if isinstance(seen[key], Exception):
            raise seen[key]
        return seen[key]
    from arrears.messaging import NoApprovedTemplate, TemplateError, render_attempt, render_free_text

    try:
        result = render_free_text(attempt) if attempt.body else render_attempt(attempt)
    except NoApprovedTemplate as error:
        raise NoContent(error.bilingual()) from error
    except TemplateError as error:
        raise ContentRefused(error.bilingual()) from error
    return result.subject, result.body, result.language


def letter(attempt) -> bytes:
    from arrears.messaging import NoApprovedTemplate, TemplateError
    from arrears.notices import letter_pdf

    try:
        return letter_pdf(attempt)
    except NoApprovedTemplate as error:
        raise NoContent(error.bilingual()) from error
    except TemplateError as error:
        raise ContentRefused(error.bilingual()) from error


def message_for(attempt, *, public_url: str, seen: dict | None = None) -> Message:
    point = attempt.contact_point
    extra = {"batch": (attempt.as_of or attempt.created_at.date()).isoformat(), "recipient": attempt.loan.borrower.name}
    if attempt.channel == "letter":
        subject, body, language = attempt.subject, "", "zh-hans"
        extra["pdf"] = letter(attempt)
    else:
        subject, body, language = rendered(attempt, seen=seen)
    return Message(
        key=attempt.idempotency_key,
        channel=attempt.channel,
        to=point.value if point is not None else "",
        subject=subject,
        body=body,
        language=language,
        unsubscribe_url=unsubscribe_url(public_url, point.pk, attempt.channel) if point is not None and attempt.channel == "email" else None,
        attempt_id=attempt.pk,
        extra=extra,
    )
