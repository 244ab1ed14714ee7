"""The compliance guard asked about one contact, now: before a collector calls, and when the
outbox is about to send.

    decision = check_now(loan_id=42, channel="call", contact_point_id=7)
    if not decision.allowed: ...  # decision.violations carry rule ids and zh/en reasons

The account's context (history, holds, opt-outs, contact points) is read for that one debtor
and judged by `compliance.rules.decide`, the same rule definitions the nightly plan applies
set-based (`compliance.frames`); `tests/unit/test_compliance_agreement.py` shows the two agree.
"""

from arrears.guard._now import GuardSubject, check_now, subject_for, subject_from

__all__ = ["GuardSubject", "check_now", "subject_for", "subject_from"]
