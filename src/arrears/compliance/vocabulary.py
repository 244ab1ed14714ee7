"""The guard's words: who is contacted, by which channel, with what kind of message, and what happened.

Each word is a `StrEnum`, so a value read from a table compares equal to its member.
"""

from __future__ import annotations

from enum import StrEnum


class Party(StrEnum):
    DEBTOR = "debtor"
    THIRD_PARTY = "third_party"  # 第三方: found only to locate the debtor


class Relation(StrEnum):
    """How the person reached relates to the debtor; `self` for the debtor."""

    SELF = "self"
    SPOUSE = "spouse"
    FAMILY = "family"
    EMERGENCY_CONTACT = "emergency_contact"  # 紧急联系人
    COLLEAGUE = "colleague"
    FRIEND = "friend"
    UNRELATED = "unrelated"  # 与债务无关的第三人


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    APP_PUSH = "app_push"
    LETTER = "letter"
    CALL = "call"  # human or AI voice alike
    VISIT = "visit"  # 上门催收
    LEGAL = "legal"  # a court filing or a lawyer's step


class TemplateKind(StrEnum):
    COLLECTION = "collection"
    LOCATE_ONLY = "locate_only"  # asks where the debtor is; never mentions a debt
    NOTICE = "notice"  # written notices: validation, outsourcing, visit appointment
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"


class Outcome(StrEnum):
    ANSWERED = "answered"  # picked up, person not yet identified
    RIGHT_PARTY_CONTACT = "right_party_contact"
    WRONG_PARTY = "wrong_party"
    UNANSWERED = "unanswered"  # rang out
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    NOT_CONNECTED = "not_connected"  # never reached the dialled number (out of service, network)
    DELIVERED = "delivered"  # a written or electronic message arrived
    FAILED = "failed"  # a written or electronic message did not arrive
    MET = "met"  # a visit found the person
    NOT_MET = "not_met"


class Hold(StrEnum):
    CEASE_CONTACT = "cease_contact"
    DISPUTE_OPEN = "dispute_open"
    COMPLAINT_REVIEW = "complaint_review"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    LEGAL_HOLD = "legal_hold"


CONNECTED_CALL = frozenset({Outcome.ANSWERED, Outcome.RIGHT_PARTY_CONTACT, Outcome.WRONG_PARTY})
"""A call someone picked up: an effective call (有效通话). A wrong party counts too, to be safe."""

UNANSWERED_CALL = frozenset({Outcome.UNANSWERED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.NOT_CONNECTED})
"""A call attempt nobody picked up (未接通)."""

UNCOUNTED_BY_REG_F = frozenset({Outcome.NOT_CONNECTED})
"""Reg F 1006.14(b)(3): a call that does not connect to the dialled number is not a placed call."""

ELECTRONIC = frozenset({Channel.SMS, Channel.EMAIL, Channel.APP_PUSH})

VOCABULARY: dict[str, type[StrEnum]] = {
    "party": Party,
    "relation": Relation,
    "channel": Channel,
    "template_kind": TemplateKind,
    "outcome": Outcome,
    "hold": Hold,
}


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)
