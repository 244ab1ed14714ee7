"""Reading what comes back: stop requests and SMPP delivery receipts (pure)."""

from __future__ import annotations

import re
import unicodedata

STOP_WORDS = frozenset({"stop", "td", "退订", "unsubscribe", "取消"})


def is_stop_request(text: str) -> bool:
    """A reply that asks to stop the channel: STOP, TD, 退订 (any case, spaces and punctuation around).

    >>> is_stop_request("  Stop ") and is_stop_request("退订。") and not is_stop_request("I will stop by")
    True
    """
    normalised = unicodedata.normalize("NFKC", text).strip().casefold()
    normalised = normalised.strip(" \t\r\n.,!?;:。，！？；：、\"'“”‘’")
    return normalised in STOP_WORDS


_RECEIPT_FIELD = re.compile(r"(id|sub|dlvrd|submit date|done date|stat|err):(\S+)", re.IGNORECASE)


def parse_smpp_receipt(text: str) -> tuple[str, str] | None:
    """The message id and final state of an SMPP 3.4 delivery receipt (Appendix B's text form),
    or None when the text is not one.

    >>> parse_smpp_receipt("id:abc sub:001 dlvrd:001 submit date:2603011000 done date:2603011001 stat:DELIVRD err:000")
    ('abc', 'DELIVRD')
    """
    fields = {name.lower(): value for name, value in _RECEIPT_FIELD.findall(text)}
    if "id" not in fields or "stat" not in fields:
        return None
    return fields["id"], fields["stat"].upper()


DELIVERED_STATES = frozenset({"DELIVRD"})
FINAL_UNDELIVERED_STATES = frozenset({"UNDELIV", "EXPIRED", "REJECTD", "DELETED", "UNKNOWN"})
