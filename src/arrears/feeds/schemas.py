"""The columns of each feed: names, whether required, what they hold (no Django here).

docs/feeds.md describes the same schemas for the people who send the files.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.contact.outcomes import RECORDABLE

DEFAULT_TIME_ZONE = "Asia/Shanghai"
EMERGENCY_RELATIONS = ("spouse", "parent", "sibling", "friend", "colleague")
ONLINE_CHANNEL = "online"
"""A payment the borrower made online through the lender's payment page (the portal's provider), not in the app."""
CHANNELS = ("bank_transfer", "app", "withhold", "counter", ONLINE_CHANNEL)
"""Every channel a payment may arrive through (a waiver is booked by the ledger itself, arrears.ledger.recoveries)."""
CONTACT_CHANNELS = {"call": "mobile", "sms": "mobile", "app_push": "mobile", "email": "email", "letter": "address"}
"""The channels the contacts feed reports, and the kind of contact point each uses (the app is bound to the mobile)."""
CONTACT_OUTCOMES = (*RECORDABLE, "delivered", "undelivered", "returned_mail")
"""What a person records after a contact, and what a message platform reports (arrears.contact.outcomes)."""
PARTIES = ("debtor", "third_party")
VERIFIED_COLUMNS = {"mobile_verified": "mobile", "email_verified": "email", "address_verified": "address"}
"""The loans feed's flags and the borrower's contact point each speaks of (its column, and its kind)."""
FLAG_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
"""How a flag may be written (any case); empty says nothing."""
MONEY_COLUMNS = frozenset({"principal", "amount", "promise_amount"})
"""Columns holding yuan: a file that carries them as binary floating point is refused whole."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a feed. `required`: the column must be in the file and every row must fill it."""

    name: str
    required: bool
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class FeedSchema:
    kind: str
    columns: tuple[Column, ...]
    key: str
    """The column that names a row's record: a repeat of it is the same record."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


LOANS = FeedSchema(
    kind="loans",
    key="loan_id",
    columns=(
        Column("loan_id", True, 64),
        Column("borrower_id", True, 64),
        Column("borrower_name", True, 100),
        Column("national_id", True),
        Column("time_zone", False, 64),
        Column("mobile", True),
        Column("email", False, 254),
        Column("address", False, 300),
        Column("ssn", False, 11),
        Column("state", False, 2),
        Column("zip", False, 10),
        Column("mobile_verified", False),
        Column("email_verified", False),
        Column("address_verified", False),
        Column("emergency_contact_name", False, 100),
        Column("emergency_contact_relation", False),
        Column("emergency_contact_mobile", False),
        Column("product", True, 32),
        Column("principal", True),
        Column("currency", False, 3),
        Column("term_months", True),
        Column("start_date", True),
    ),
)

US_LOANS = FeedSchema(
    kind="loans",
    key="loan_id",
    columns=tuple(
        Column(column.name, column.name in ("ssn",) or (column.required and column.name != "national_id"),
               column.max_length)
        for column in LOANS.columns
    ),
)
"""The loans feed of a US lender: an SSN (or its last 4) instead of the resident ID, whose column
it need not carry; E.164 phones; state and ZIP with the address (validation/_us_people.py)."""


def is_us(profile: str) -> bool:
    """Whether a compliance profile is a US one (us-regf, or a file named for one)."""
    return profile.lower().startswith("us")


def loans_schema(profile: str) -> FeedSchema:
    """The loans feed's columns for a lender under `profile`."""
    return US_LOANS if is_us(profile) else LOANS


PAYMENTS = FeedSchema(
    kind="payments",
    key="reference",
    columns=(
        Column("reference", True, 64),
        Column("loan_id", True, 64),
        Column("amount", True),
        Column("value_date", True),
        Column("channel", True),
        Column("reverses", False, 64),
    ),
)

SCORES = FeedSchema(
    kind="scores",
    key="loan_id",
    columns=(
        Column("loan_id", True, 64),
        Column("score", True),
        Column("scored_on", True),
    ),
)

TRANSCRIPT_MAX_LENGTH = 20_000
"""A call's transcript, optional: linted on import (arrears.feeds.transcripts)."""

CONTACTS = FeedSchema(
    kind="contacts",
    key="record_id",  # within its source: the attempt's key is feed:<source>:<record_id>
    columns=(
        Column("record_id", True, 64),
        Column("source", True, 32),
        Column("loan_id", True, 64),
        Column("channel", True),
        Column("contact", True, 300),
        Column("party", False),
        Column("attempted_at", True),
        Column("outcome", True),
        Column("promise_amount", False),
        Column("promise_date", False),
        Column("duration_seconds", False),
        Column("note", False, 1000),
        Column("recording_ref", False, 300),
        Column("recording_sha256", False),
        Column("transcript", False, TRANSCRIPT_MAX_LENGTH),
    ),
)

SCHEMAS = {schema.kind: schema for schema in (LOANS, PAYMENTS, SCORES, CONTACTS)}
