"""Feeds from the lender's systems: loans, payments, scores and contacts files, checked row by row, landed in bulk.

    from arrears.feeds import import_contacts, import_loans, import_payments, import_scores
    outcome = import_loans("loans.csv")
    print(outcome.summary())

The schemas, rules, rejects format and idempotency are described in docs/feeds.md.
"""

from arrears.feeds.contacts import import_contacts
from arrears.feeds.loans import import_loans
from arrears.feeds.payments import import_payments
from arrears.feeds.runs import FeedOutcome, Progress, Silent
from arrears.feeds.scores import import_scores

__all__ = ["FeedOutcome", "Progress", "Silent", "import_contacts", "import_loans", "import_payments", "import_scores"]
