"""Written collection notices (催收通知书) and printed letters, as PDF.

    from arrears.notices import letter_pdf, written_notice_pdf
    pdf = written_notice_pdf("L-0001", date(2026, 3, 1), profile="us-regf", language="en")
    pdf = letter_pdf(attempt)   # for a letter-channel contact attempt

See docs/notices.md.
"""

from __future__ import annotations

import datetime as dt
from arrears import clock

__all__ = ["NOTICE_TEMPLATES", "letter_pdf", "written_notice_pdf"]

NOTICE_TEMPLATES = frozenset({"written_collection_notice", "formal_demand_letter"})
"""Letter templates that are sent as the written collection notice of the attempt's loan."""


def written_notice_pdf(loan_or_external_id, as_of: dt.date, *, profile: str | None = None, language: str | None = None) -> bytes:
    """The written collection notice of one loan as of a date, as PDF bytes."""
    from arrears.messaging.service import find_loan
    from arrears.messaging.variables import current_profile, preferred_language
    from arrears.notices.content import LANGUAGES, PROFILES, written_notice
    from arrears.notices.facts import notice_facts
    from arrears.notices.pdf import render
    from arrears.errors import InputError

    loan = loan_or_external_id if not isinstance(loan_or_external_id, str) else find_loan(loan_or_external_id)
    profile = profile or current_profile()
    language = language or preferred_language(loan)
    if profile not in PROFILES:
        raise InputError(f"未知辖区 {profile!r}（可选：{', '.join(PROFILES)}）", f"Unknown profile {profile!r} (one of {', '.join(PROFILES)})")
    if language not in LANGUAGES:
        raise InputError(f"未知语言 {language!r}（可选：{', '.join(LANGUAGES)}）", f"Unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    return render(written_notice(notice_facts(loan, as_of, profile=profile, language=language)))


def letter_pdf(attempt) -> bytes:
    """The PDF for a letter-channel contact attempt.

    A collection letter (`NOTICE_TEMPLATES`) is the written notice of the attempt's loan as of the
    attempt's business date (`as_of`, else planned_for in the lender's zone, else today); any other letter is its
    approved template rendered for the account, on the lender's letterhead; an attempt that carries
    its own text (`body`) is laid out as written.
    """
    from django.utils import timezone

    as_of = getattr(attempt, "as_of", None)
    if as_of is None:
        when = attempt.planned_for or attempt.attempted_at or clock.now()
        as_of = timezone.localtime(when).date()
    if attempt.template in NOTICE_TEMPLATES:
        return written_notice_pdf(attempt.loan, as_of)
    from arrears.messaging.service import render_attempt
    from arrears.messaging.variables import current_profile
    from arrears.notices.letter import letter_document
    from arrears.notices.lender import lender_for
    from arrears.notices.pdf import render

    if getattr(attempt, "body", ""):  # a letter written for this attempt (e.g. a visit's advance notice) is sent as written
        from arrears.messaging.message import RenderedMessage
        from arrears.messaging.variables import preferred_language

        message = RenderedMessage(subject=attempt.subject, body=attempt.body, language=preferred_language(attempt.loan))
    else:
        message = render_attempt(attempt)
    return render(letter_document(message, attempt.loan, lender_for(current_profile()), as_of))
