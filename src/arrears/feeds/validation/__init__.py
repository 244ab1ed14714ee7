"""The rules every feed row must pass, applied to whole columns at once (no Django here).

    checked = check_loans(raw, products={"CASH", "POS"}, today=date(2026, 3, 1))
    checked.rows      # the accepted rows, typed: fen as int64, dates as date32
    checked.rejects   # row, field, reason_zh, reason_en: one line per problem

A row breaking any rule is rejected whole; each field reports its first problem
only, so a sender sees every bad field of a row at once. `row` is the 1-based
record number in the file (a CSV header is not counted).

Payments need the ledger as well: `check_payments` applies the rules of the file
alone, `check_payments_against_ledger` those that need the loans and the payments
already recorded, handed in as Arrow tables. Scores likewise: `check_scores`, then
`check_scores_against_ledger` with the loans named and the scores already held. Contacts too:
`check_contacts`, then `check_contacts_against_ledger` with the loans, contact points and attempts
the file's rows name.
"""

from arrears.feeds.validation._common import REJECT_COLUMNS, Checked, known_time_zones, merge_rejects, rejects_table
from arrears.feeds.validation._contacts import check_contacts, check_contacts_against_ledger, empty_contacts_ledger
from arrears.feeds.validation._loans import check_loans, check_national_ids
from arrears.feeds.validation._payments import (
    LedgerView,
    check_payments,
    check_payments_against_ledger,
    empty_recorded,
)
from arrears.feeds.validation._scores import check_scores, check_scores_against_ledger, empty_held

__all__ = [
    "REJECT_COLUMNS",
    "Checked",
    "LedgerView",
    "check_contacts",
    "check_contacts_against_ledger",
    "check_loans",
    "check_national_ids",
    "check_payments",
    "check_payments_against_ledger",
    "check_scores",
    "check_scores_against_ledger",
    "empty_contacts_ledger",
    "empty_held",
    "empty_recorded",
    "known_time_zones",
    "merge_rejects",
    "rejects_table",
]
