"""What each contact outcome means: the one definition every part of the product reads (pure).

    from arrears.contact.outcomes import REACHED, FAILED, is_conversation
    "promise" in REACHED            # True: the debtor was reached
    is_conversation("call", "refusal")   # True: a telephone conversation took place (Reg F 1006.14(b)(2))

The strategy's facts (failed contacts, unreachable), the guard's history, the workbench, the agency
portal and results file, a visit's check-out and the contacts feed all classify an outcome here.
What an outcome *does* (a hold, an opt-out, a promise, a contact point verified or not) is
`arrears.contact.effects`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutcomeKind:
    """One outcome word.

    reached   the debtor (or someone answering for them in their own right) was reached: ends a run
              of failed attempts, and on a call it is a telephone conversation
    failed    an attempt that reached nobody who answers for the debt: counts towards 失联 (unreachable)
    guard     the word the compliance rules count it by: right_party_contact, unanswered, wrong_party,
              delivered or failed
    """

    code: str
    reached: bool
    failed: bool
    guard: str
    label_zh: str
    label_en: str


OUTCOME_KINDS: tuple[OutcomeKind, ...] = (
    OutcomeKind("right_party_contact", True, False, "right_party_contact", "联系到本人", "right-party contact"),
    OutcomeKind("promise", True, False, "right_party_contact", "承诺还款", "promise to pay"),
    OutcomeKind("refusal", True, False, "right_party_contact", "拒绝还款", "refusal"),
    OutcomeKind("dispute", True, False, "right_party_contact", "对债务有异议", "dispute"),
    OutcomeKind("hardship_claim", True, False, "right_party_contact", "称还款困难", "hardship claim"),
    OutcomeKind("callback_requested", True, False, "right_party_contact", "要求回电", "callback requested"),
    OutcomeKind("stop_channel", True, False, "right_party_contact", "要求停用此渠道", "request to stop this channel"),
    OutcomeKind("no_answer", False, True, "unanswered", "无人接听", "no answer"),
    OutcomeKind("wrong_number", False, True, "wrong_party", "号码错误", "wrong number"),
    OutcomeKind("third_party_answered", False, True, "wrong_party", "他人接听（未告知债务）",
                "someone else answered (the debt was not disclosed)"),
    OutcomeKind("delivered", False, False, "delivered", "已送达", "delivered"),
    OutcomeKind("undelivered", False, True, "failed", "未送达", "not delivered"),
    OutcomeKind("returned_mail", False, True, "failed", "信函退回", "letter returned"),
)
BY_CODE = {kind.code: kind for kind in OUTCOME_KINDS}

REACHED: tuple[str, ...] = tuple(kind.code for kind in OUTCOME_KINDS if kind.reached)
FAILED: tuple[str, ...] = tuple(kind.code for kind in OUTCOME_KINDS if kind.failed)
GUARD_OUTCOME: dict[str, str] = {kind.code: kind.guard for kind in OUTCOME_KINDS}

# what a person may record after working an account (receipts record delivered/undelivered)
RECORDABLE: tuple[str, ...] = (
    "right_party_contact", "no_answer", "wrong_number", "third_party_answered", "promise", "refusal", "dispute",
    "hardship_claim", "callback_requested", "stop_channel",
)
# the outcomes a visit can end with: the people met at the address, or nobody
VISIT_OUTCOMES: tuple[str, ...] = ("right_party_contact", "promise", "refusal", "dispute", "hardship_claim", "no_answer")
# outcomes that are about one contact point, and need it named
NEEDS_CONTACT_POINT = frozenset({"wrong_number", "stop_channel", "returned_mail"})


def is_conversation(channel: str, outcome: str) -> bool:
    """A telephone conversation took place: a call that reached the debtor."""
    kind = BY_CODE.get(outcome)
    return channel == "call" and kind is not None and kind.reached


def label(outcome: str, language: str = "zh-hans") -> str:
    kind = BY_CODE.get(outcome)
    if kind is None:
        return outcome
    return kind.label_en if language.startswith("en") else kind.label_zh
