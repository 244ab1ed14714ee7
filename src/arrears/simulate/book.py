"""A synthetic loan book: loans and their payments in the import feed schemas, made from a seed.

    options = BookOptions(loans=20_000, seed=7)
    for chunk in iter_book(options):   # 50,000 loans at a time, so memory stays flat
        ...
    book = generate_book(options)      # everything at once, for tests and small books

The same options give the same book: every chunk draws from its own random stream, spawned from
the seed by the chunk's number, and the name pools come from Faker seeded with the same seed. The
verified flags draw from a second stream of each chunk, so the other columns are the same with or
without them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from arrears.errors import InputError
from arrears.ledger.schedule import add_months
from arrears.simulate.behaviour import Channel, assign_behaviours, plan_payments
from arrears.simulate.due import day_number, due_grid
from arrears.simulate.payments import NOT_A_REVERSAL, OrderedPayments, add_bounces
from arrears.simulate.people import NamePools, generate_people
from arrears.simulate.products import ProductProfile, draw_loan_terms, product_profiles
from arrears.simulate.text import numbered_text, yuan_text
from arrears.simulate.us_people import USNamePools, generate_us_people

CHUNK_LOANS = 50_000
LOOKBACK_DAYS = 300
"""The oldest loans started this many days before the book's start date."""
REPEAT_BORROWER_SHARE = 0.06
"""Loans taken by a borrower who already has another loan in the book."""
YOUNGEST_AGE, OLDEST_AGE = 20, 60
ADDRESS_VERIFIED_SHARE = 0.6
"""Borrowers whose address the lender verified (its own visit or a document); their mobile it always
knows from onboarding, their email it does not say."""
VERIFIED_STREAM = 1
"""The spawn key, after the chunk's number, of the stream the verified flags draw from."""
MAX_LOANS = 100_000_000
MAX_DAYS = 3_650

LOANS_SCHEMA = pa.schema(
    [
        ("loan_id", pa.string()),
        ("borrower_id", pa.string()),
        ("borrower_name", pa.string()),
        ("national_id", pa.string()),
        ("time_zone", pa.string()),
        ("mobile", pa.string()),
        ("email", pa.string()),
        ("address", pa.string()),
        ("mobile_verified", pa.bool_()),
        ("email_verified", pa.bool_()),
        ("address_verified", pa.bool_()),
        ("emergency_contact_name", pa.string()),
        ("emergency_contact_relation", pa.string()),
        ("emergency_contact_mobile", pa.string()),
        ("product", pa.string()),
        ("principal", pa.string()),
        ("term_months", pa.int32()),
        ("start_date", pa.date32()),
        ("ssn", pa.string()),
        ("state", pa.string()),
        ("zip", pa.string()),
        ("currency", pa.string()),
    ]
)
"""The loans feed's columns; a Chinese book leaves the US ones (ssn, state, zip) and the currency empty."""

PROFILES = ("cn", "us-regf")
YUAN_PER_DOLLAR = 7
"""A US book's principals are the Chinese products' amounts in dollars, rounded to $10."""

PAYMENTS_SCHEMA = pa.schema(
    [
        ("reference", pa.string()),
        ("loan_id", pa.string()),
        ("amount", pa.string()),
        ("value_date", pa.date32()),
        ("channel", pa.string()),
        ("reverses", pa.string()),
    ]
)

CHANNEL_NAMES = pa.array([channel.name.lower() for channel in Channel], type=pa.string())


@dataclass(frozen=True, slots=True)
class BookOptions:
    """What book to make: how many loans, from which seed, and over which days.

    Loans start between `start` − 300 days and the horizon end, `start` + `days`; payments are
    simulated up to the horizon end.
    """

    loans: int
    seed: int
    start: dt.date = dt.date(2026, 1, 1)
    days: int = 120
    profile: str = "cn"
    """cn: Chinese borrowers in yuan; us-regf: US borrowers in dollars (simulate/us_people.py)."""

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise InputError(
                f"模拟账簿的辖区应为 {'、'.join(PROFILES)} 之一，收到 {self.profile!r}",
                f"the book's profile must be one of {', '.join(PROFILES)}, got {self.profile!r}",
            )
        if isinstance(self.loans, bool) or not isinstance(self.loans, int) or not 1 <= self.loans <= MAX_LOANS:
            raise InputError(
                f"贷款笔数应为 1 到 {MAX_LOANS:,} 之间的整数，收到 {self.loans!r}",
                f"the number of loans must be a whole number from 1 to {MAX_LOANS:,}, got {self.loans!r}",
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(
                f"随机种子应为非负整数，收到 {self.seed!r}",
                f"the seed must be a whole number of 0 or more, got {self.seed!r}",
            )
        if not isinstance(self.days, int) or isinstance(self.days, bool) or not 1 <= self.days <= MAX_DAYS:
            raise InputError(
                f"模拟天数应为 1 到 {MAX_DAYS} 之间的整数，收到 {self.days!r}",
                f"the number of days must be a whole number from 1 to {MAX_DAYS}, got {self.days!r}",
            )
        if not isinstance(self.start, dt.date) or not 2000 <= self.start.year <= 2099:
            raise InputError(
                f"起始日期应在 2000 年至 2099 年之间，收到 {self.start!r}",
                f"the start date must fall in the years 2000 to 2099, got {self.start!r}",
            )

    @property
    def horizon_end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days)

    @property
    def earliest_start(self) -> dt.date:
        return self.start - dt.timedelta(days=LOOKBACK_DAYS)

    @property
    def birth_days(self) -> tuple[dt.date, dt.date]:
        """The range of birth dates that makes every borrower 20 to 60 on any loan's start date."""
        earliest = add_months(self.horizon_end, -12 * (OLDEST_AGE + 1)) + dt.timedelta(days=1)
        latest = add_months(self.earliest_start, -12 * YOUNGEST_AGE)
        return earliest, latest


@dataclass(frozen=True, slots=True)
class BookChunk:
    """Consecutive loans of the book and all their payments.

    behaviour: the Behaviour code of each loan's borrower, in loan order; it is not part of the
    feeds (a lender cannot know it) but tells tests and summaries what was simulated.
    """

    loans: pa.Table
    payments: pa.Table
    behaviour: np.ndarray
    borrowers: int


@dataclass(frozen=True, slots=True)
class Book:
    loans: pa.Table
    payments: pa.Table
    behaviour: np.ndarray
    borrowers: int


def iter_book(options: BookOptions, profiles: Sequence[ProductProfile] | None = None) -> Iterator[BookChunk]:
    profiles = tuple(product_profiles(profile=options.profile) if profiles is None else profiles)
    pools = NamePools.build(options.seed) if options.profile == "cn" else USNamePools.build(options.seed)
    payments_before = 0
    for number, first_loan in enumerate(range(0, options.loans, CHUNK_LOANS)):
        rng = np.random.default_rng(np.random.SeedSequence(options.seed, spawn_key=(number,)))
        flags_rng = np.random.default_rng(np.random.SeedSequence(options.seed, spawn_key=(number, VERIFIED_STREAM)))
        size = min(CHUNK_LOANS, options.loans - first_loan)
        chunk = _make_chunk(rng, flags_rng, options, profiles, pools, first_loan, size, payments_before)
        payments_before += chunk.payments.num_rows
        yield chunk


def generate_book(options: BookOptions, profiles: Sequence[ProductProfile] | None = None) -> Book:
    chunks = list(iter_book(options, profiles))
    return Book(
        loans=pa.concat_tables([chunk.loans for chunk in chunks]),
        payments=pa.concat_tables([chunk.payments for chunk in chunks]),
        behaviour=np.concatenate([chunk.behaviour for chunk in chunks]),
        borrowers=sum(chunk.borrowers for chunk in chunks),
    )


def _make_chunk(
    rng: np.random.Generator,
    flags_rng: np.random.Generator,
    options: BookOptions,
    profiles: tuple[ProductProfile, ...],
    pools: NamePools,
    first_loan: int,
    size: int,
    payments_before: int,
) -> BookChunk:
    horizon = day_number(options.horizon_end)
    terms = draw_loan_terms(rng, profiles, size)
    start_day = rng.integers(day_number(options.earliest_start), horizon + 1, size=size)
    borrower_row = _borrower_rows(rng, size)
    behaviour = assign_behaviours(rng, size)[borrower_row]
    earliest_birth, latest_birth = options.birth_days
    us = options.profile == "us-regf"
    if us:
        people = generate_us_people(rng, pools, size).take(borrower_row)
        terms = replace(terms, principal=np.maximum(np.round(terms.principal / YUAN_PER_DOLLAR, -3), 1000).astype(np.int64))
    else:
        people = generate_people(
            rng, pools, size, earliest_birth_day=day_number(earliest_birth), latest_birth_day=day_number(latest_birth)
        ).take(borrower_row)

    grid = due_grid(terms, start_day, horizon, profiles)
    planned = plan_payments(rng, behaviour, grid, start_day, horizon)
    payments = add_bounces(rng, planned, behaviour, horizon)

    loan_id = numbered_text("LN", first_loan + np.arange(1, size + 1), digits=10)
    mobile_verified, email_verified, address_verified = _verified_flags(flags_rng, borrower_row)
    loans = pa.Table.from_arrays(
        [
            loan_id,
            numbered_text("BR", first_loan + borrower_row + 1, digits=10),
            people.name,
            people.national_id,
            people.time_zone,
            people.mobile,
            people.email,
            people.address,
            mobile_verified,
            email_verified,
            address_verified,
            people.emergency_contact_name,
            people.emergency_contact_relation,
            people.emergency_contact_mobile,
            pa.array([profile.code for profile in profiles], type=pa.string()).take(pa.array(terms.product)),
            yuan_text(terms.principal),
            pa.array(terms.term_months, type=pa.int32()),
            pa.array(start_day.astype(np.int32), type=pa.date32()),
            *(
                (people.ssn, people.state, people.zip, pa.array(["USD"] * size, pa.string())) if us
                else (pa.nulls(size, pa.string()),) * 4
            ),
        ],
        schema=LOANS_SCHEMA,
    )
    return BookChunk(
        loans=loans,
        payments=_payments_table(payments, loan_id, payments_before),
        behaviour=behaviour,
        borrowers=int(np.unique(borrower_row).size),
    )


def _payments_table(payments: OrderedPayments, loan_id: pa.StringArray, payments_before: int) -> pa.Table:
    rows = payments.rows
    reference = numbered_text("PY", payments_before + np.arange(1, rows.loan.size + 1), digits=12)
    reversed_position = pa.array(payments.reverses, mask=payments.reverses == NOT_A_REVERSAL)
    return pa.Table.from_arrays(
        [
            reference,
            loan_id.take(pa.array(rows.loan)),
            yuan_text(rows.amount),
            pa.array(rows.day.astype(np.int32), type=pa.date32()),
            CHANNEL_NAMES.take(pa.array(rows.channel)),
            reference.take(reversed_position),
        ],
        schema=PAYMENTS_SCHEMA,
    )


def _verified_flags(rng: np.random.Generator, borrower_row: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
    """mobile_verified, email_verified, address_verified of each loan: every mobile verified, no word on
    the email, and the address verified for ADDRESS_VERIFIED_SHARE of borrowers (no word on the others).
    Drawn per borrower, so the rows of a borrower with two loans agree."""
    size = borrower_row.size
    address = (rng.random(size) < ADDRESS_VERIFIED_SHARE)[borrower_row]
    return (
        pa.array(np.ones(size, dtype=bool)),
        pa.nulls(size, pa.bool_()),
        pa.array(address, mask=~address),
    )


def _borrower_rows(rng: np.random.Generator, size: int) -> np.ndarray:
    """For each loan, the row of the loan whose borrower took it: itself, or for a repeat
    borrower an earlier first loan."""
    repeat = rng.random(size) < REPEAT_BORROWER_SHARE
    repeat[0] = False
    first_loans = np.flatnonzero(~repeat)
    earlier_first_loans = np.searchsorted(first_loans, np.arange(size))
    pick = (rng.random(size) * earlier_first_loans).astype(np.int64)
    return np.where(repeat, first_loans[np.minimum(pick, first_loans.size - 1)], np.arange(size))
