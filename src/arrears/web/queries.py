"""What the pages read: one small function per question, set-based over the whole book.

Nothing here loops over accounts in Python: the portfolio is one grouped query over the
current states, the roll rates one grouped self-join of the state history on two days.
Over the whole book each result is cached until the next cycle run finishes: account states
and their history change only when the nightly cycle writes them, and the newest finished run
(whatever its business date) is part of the cache key. Over a user's scope (`within`: the loan
ids of the cases they may see, from arrears.access.scope) they are computed on each request,
since cases change hands during the day.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet, Sum

from arrears import clock
from arrears.agencies.models import Placement
from arrears.cases.models import CaseEvent, CollectionCase
from arrears.contact.models import ChannelOptOut
from arrears.cycle.models import AccountState, AccountStateHistory, AccountStatus, CycleRun
from arrears.errors import ArrearsError
from arrears.ledger.models import Borrower, ContactPoint, Instalment, Loan, Payment
from arrears.money import Fen
from arrears.notices.lender import default_currency
from arrears.web.buckets import CURRENT_BUCKET, Bucket, bucket_rank, ordered_buckets
from arrears.web.masking import mask_contact
from arrears.web.rollrates import RollMatrix, Share, Transition, build_roll_matrix

logger = logging.getLogger(__name__)
T = TypeVar("T")

ROLL_WINDOW_DAYS = 30
SHORTEST_ROLL_WINDOW_DAYS = 7
HISTORY_LIMIT = 120
SEARCH_LIMIT = 1000
PER_RUN_CACHE_SECONDS = 6 * 60 * 60


def latest_cycle_run() -> CycleRun | None:
    """The finished cycle run with the latest business date."""
    return CycleRun.objects.filter(finished_at__isnull=False).order_by("-as_of", "-started_at").first()


def cached_per_run(name: str, compute: Callable[[], T]) -> T:
    """compute() once per process until another cycle run finishes; uncached before the first run."""
    newest = (
        CycleRun.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "finished_at")
        .first()
    )
    if newest is None:
        return compute()
    run_id, finished_at = newest
    key = f"arrears.web.{name}.run-{run_id}.{finished_at.timestamp()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PER_RUN_CACHE_SECONDS)
    return value


def cycle_dates(limit: int = 36) -> list[dt.date]:
    """Business dates of finished cycle runs, newest first."""
    dates = (
        CycleRun.objects.filter(finished_at__isnull=False)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()[:limit]
    )
    return list(dates)


# --- portfolio ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BucketLine:
    bucket: Bucket
    accounts: int
    balance: Fen
    overdue_principal: Fen
    account_share: Share
    balance_share: Share


@dataclass(frozen=True, slots=True)
class StatusLine:
    status: str
    accounts: int
    share: Share


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """The book by bucket and by status; as_of is the latest finished cycle run's date (None before any).

    delinquent: every bucket but the current one, added up.
    """

    as_of: dt.date | None
    buckets: tuple[BucketLine, ...]
    statuses: tuple[StatusLine, ...]
    accounts: int
    balance: Fen
    overdue_principal: Fen
    delinquent: BucketLine
    currency: str = "CNY"
    """The currency of every amount here: a book that holds loans in several is summed one currency at a time."""
    currencies: tuple[str, ...] = ()
    """Every currency the book (or scope) holds loans in."""


@dataclass(frozen=True, slots=True)
class _Totals:
    accounts: int = 0
    balance: Fen = 0
    overdue_principal: Fen = 0

    def __add__(self, other: _Totals) -> _Totals:
        return _Totals(
            self.accounts + other.accounts,
            self.balance + other.balance,
            self.overdue_principal + other.overdue_principal,
        )


def portfolio_summary(within: QuerySet | None = None, currency: str | None = None) -> PortfolioSummary:
    """The book (or the loans `within` a scope) as of the latest finished cycle run, in one currency:
    `currency`, else the lender's when the book holds it, else the first the book holds.

    Amounts in different currencies are never added together: the summary of a book that mixes
    them covers the loans in the chosen currency only, and names the others (`currencies`)."""
    if within is None:
        return cached_per_run(f"portfolio-{currency or ''}", lambda: _portfolio_summary(None, currency))
    return _portfolio_summary(within, currency)


def book_currencies(within: QuerySet | None = None) -> tuple[str, ...]:
    """The currencies the book (or the loans `within` a scope) holds loans in, the lender's first."""
    loans = Loan.objects.all() if within is None else Loan.objects.filter(pk__in=within)
    held = set(loans.order_by().values_list("currency", flat=True).distinct())
    lender = default_currency()
    return tuple(sorted(held, key=lambda code: (code != lender, code)))


def _portfolio_summary(within: QuerySet | None = None, currency: str | None = None) -> PortfolioSummary:
    """One grouped query over the current account states, folded by bucket and by status."""
    run = latest_cycle_run()
    states = AccountState.objects.all() if within is None else AccountState.objects.filter(loan_id__in=within)
    currencies = book_currencies(within)
    chosen = currency if currency in currencies else (currencies[0] if currencies else default_currency())
    if len(currencies) > 1:
        states = states.filter(loan__currency=chosen)
    groups = (
        states.order_by()
        .values("bucket", "status")
        .annotate(accounts=Count("*"), balance=Sum("balance"), overdue_principal=Sum("overdue_principal"))
    )
    by_bucket = {bucket: _Totals() for bucket in ordered_buckets()}
    by_status = {status: 0 for status in AccountStatus.values}
    for group in groups:  # at most buckets × statuses rows
        part = _Totals(group["accounts"], group["balance"] or 0, group["overdue_principal"] or 0)
        by_bucket[group["bucket"]] = by_bucket.get(group["bucket"], _Totals()) + part
        by_status[group["status"]] = by_status.get(group["status"], 0) + group["accounts"]
    book = sum(by_bucket.values(), _Totals())
    late = sum((totals for bucket, totals in by_bucket.items() if bucket != CURRENT_BUCKET), _Totals())

    def line(bucket: Bucket, totals: _Totals) -> BucketLine:
        return BucketLine(
            bucket,
            totals.accounts,
            totals.balance,
            totals.overdue_principal,
            Share(totals.accounts, book.accounts),
            Share(totals.balance, book.balance),
        )

    return PortfolioSummary(
        as_of=run.as_of if run else None,
        buckets=tuple(line(bucket, by_bucket[bucket]) for bucket in sorted(by_bucket, key=bucket_rank)),
        statuses=tuple(StatusLine(status, count, Share(count, book.accounts)) for status, count in by_status.items()),
        accounts=book.accounts,
        balance=book.balance,
        overdue_principal=book.overdue_principal,
        delinquent=line("M1+", late),
        currency=chosen,
        currencies=currencies,
    )


# --- roll rates -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RollRates:
    """Accounts' buckets on `start` against their buckets on `end`; matrix is None without history on both days."""

    start: dt.date
    end: dt.date
    matrix: RollMatrix | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def roll_rates(end: dt.date, window_days: int = ROLL_WINDOW_DAYS, within: QuerySet | None = None) -> RollRates:
    """Roll rates of the book, or of the loans `within` a scope, over the window ending on `end`.

    A book with less history than the window (its first month in the product) is measured from its
    first cycle instead, when that leaves at least SHORTEST_ROLL_WINDOW_DAYS; the page says so."""
    start = _window_start(end, window_days)

    def compute() -> RollRates:
        transitions = roll_transitions(start, end, within)
        return RollRates(start=start, end=end, matrix=build_roll_matrix(transitions) if transitions else None)

    if within is not None:
        return compute()
    return cached_per_run(f"roll-rates.{start.isoformat()}.{end.isoformat()}", compute)


def _window_start(end: dt.date, window_days: int) -> dt.date:
    start = end - dt.timedelta(days=window_days)
    if AccountStateHistory.objects.filter(as_of=start).exists():
        return start
    first = (
        CycleRun.objects.filter(finished_at__isnull=False, as_of__gt=start,
                                as_of__lte=end - dt.timedelta(days=SHORTEST_ROLL_WINDOW_DAYS))
        .order_by("as_of").values_list("as_of", flat=True).first()
    )
    return first or start


def roll_transitions(start: dt.date, end: dt.date, within: QuerySet | None = None) -> list[Transition]:
    """Accounts counted by (bucket on start, bucket on end): one grouped self-join on the (as_of, bucket) index.

    within: a query of loan ids (one column) the count is limited to; None for every account.
    """
    meta = AccountStateHistory._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    loan, as_of, bucket = (quote(meta.get_field(name).column) for name in ("loan", "as_of", "bucket"))
    sql = (
        f"SELECT s.{bucket}, e.{bucket}, COUNT(*) FROM {table} s "
        f"JOIN {table} e ON e.{loan} = s.{loan} "
        f"WHERE s.{as_of} = %s AND e.{as_of} = %s "
    )
    params = [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]
    if within is not None:
        scope_sql, scope_params = within.order_by().query.sql_with_params()
        sql += f"AND s.{loan} IN ({scope_sql}) "
        params.extend(scope_params)
    sql += f"GROUP BY s.{bucket}, e.{bucket}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Transition(from_bucket, to_bucket, count) for from_bucket, to_bucket, count in cursor.fetchall()]


# --- search ---------------------------------------------------------------------------------

SEARCH_KEYS = ("auto", "loan", "borrower", "name", "id_last4")
_ID_LAST4 = re.compile(r"^\d{3}[\dXx]$")


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The loans found, by id in display order; truncated when more than SEARCH_LIMIT matched."""

    key: str
    loan_ids: tuple[int, ...]
    truncated: bool


def search_loans(query: str, by: str = "auto") -> SearchResult:
    """Loans matching `query` by one key, and the key used.

    "auto" tries, in order: a loan's external id, a borrower's external id (both exact, indexed),
    the last 4 characters of the national id (when the query looks like them), then a whole name (names are
    sealed at rest and found by their digest). National-id endings have no index: they cost one
    pass over the borrowers, which stops early once SEARCH_LIMIT of them match.
    """
    query = query.strip()
    if by not in SEARCH_KEYS:
        raise ValueError(f"Unknown search key {by!r}")
    if by == "auto":
        by = _guess_key(query)
    too_many_borrowers = False
    if by == "loan":
        loans = Loan.objects.filter(external_id=query)
    elif by == "borrower":
        loans = Loan.objects.filter(borrower__external_id=query)
    else:
        if by == "id_last4":
            borrowers = Borrower.objects.filter(national_id_masked__endswith=query.upper())
        else:  # names are sealed at rest: found whole, by their digest
            borrowers = Borrower.objects.filter(name=query)
        borrower_ids = list(borrowers.order_by().values_list("pk", flat=True)[: SEARCH_LIMIT + 1])
        too_many_borrowers = len(borrower_ids) > SEARCH_LIMIT
        loans = Loan.objects.filter(borrower_id__in=borrower_ids[:SEARCH_LIMIT])
    loan_ids = list(loans.order_by("external_id").values_list("pk", flat=True)[: SEARCH_LIMIT + 1])
    return SearchResult(by, tuple(loan_ids[:SEARCH_LIMIT]), too_many_borrowers or len(loan_ids) > SEARCH_LIMIT)


def loans_by_id(loan_ids) -> list[Loan]:
    """Loans with their borrower, product and current state, in the order of `loan_ids`."""
    loans = Loan.objects.select_related("borrower", "product", "state").in_bulk(list(loan_ids))
    return [loans[loan_id] for loan_id in loan_ids if loan_id in loans]


def _guess_key(query: str) -> str:
    if Loan.objects.filter(external_id=query).exists():
        return "loan"
    if Loan.objects.filter(borrower__external_id=query).exists():
        return "borrower"
    if _ID_LAST4.match(query):
        return "id_last4"
    return "name"


# --- one account ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactLine:
    """A contact point as the page shows it; `opted_out`: the channels the person asked to stop on it,
    oldest request first (the guard sends nothing more there)."""

    contact: ContactPoint
    masked_value: str
    opted_out: tuple[ChannelOptOut, ...] = ()


@dataclass(frozen=True, slots=True)
class Allocation:
    """What one payment paid for, in fen, summed over the statement's allocation lines."""

    penalty: Fen = 0
    fee: Fen = 0
    interest: Fen = 0
    principal: Fen = 0
    credit: Fen = 0

    def __add__(self, other: Allocation) -> Allocation:
        return Allocation(
            self.penalty + other.penalty,
            self.fee + other.fee,
            self.interest + other.interest,
            self.principal + other.principal,
            self.credit + other.credit,
        )


@dataclass(frozen=True, slots=True)
class PaymentLine:
    payment: Payment
    allocation: Allocation | None
    is_reversal: bool
    is_reversed: bool


@dataclass(frozen=True, slots=True)
class AccountPage:
    """Everything the account page shows about one loan.

    state: the nightly cycle's current state, or the statement's when the cycle has not written one.
    statement_available: False when the statement could not be computed (allocations then unknown).
    history_truncated: more history exists than the HISTORY_LIMIT rows shown.
    """

    loan: Loan
    contacts: tuple[ContactLine, ...]
    instalments: tuple[Instalment, ...]
    payments: tuple[PaymentLine, ...]
    state: object | None
    statement_as_of: dt.date
    statement_available: bool
    history: tuple[AccountStateHistory, ...]
    history_truncated: bool
    cases: tuple[CollectionCase, ...]
    case_events: tuple[CaseEvent, ...]
    placements: tuple[Placement, ...] = ()  # with agencies, newest first: the one that holds the case now on top

    @property
    def scheduled_principal(self) -> Fen:
        return sum(instalment.principal for instalment in self.instalments)

    @property
    def scheduled_interest(self) -> Fen:
        return sum(instalment.interest for instalment in self.instalments)

    @property
    def scheduled_total(self) -> Fen:
        return self.scheduled_principal + self.scheduled_interest


def account_page(loan_external_id: str, *, unmasked: bool = False) -> AccountPage | None:
    """The account page for a loan, or None when no loan has that external id."""
    if "\x00" in loan_external_id:  # PostgreSQL refuses NUL in text; no id can contain it
        return None
    loan = Loan.objects.select_related("borrower", "product").filter(external_id=loan_external_id).first()
    if loan is None:
        return None
    state = AccountState.objects.filter(loan=loan).first()
    as_of = state.as_of if state else clock.today()
    statement = _statement(loan.pk, as_of)
    allocations = _allocations_by_payment(statement) if statement is not None else None
    payments = list(Payment.objects.filter(loan=loan).select_related("reverses").order_by("value_date", "id"))
    reversed_ids = {payment.reverses_id for payment in payments if payment.reverses_id is not None}
    history = list(AccountStateHistory.objects.filter(loan=loan).order_by("-as_of")[: HISTORY_LIMIT + 1])
    contacts = sorted(ContactPoint.objects.filter(borrower_id=loan.borrower_id), key=_contact_order)
    opt_outs = _opt_outs_by_point(loan.borrower_id)
    return AccountPage(
        loan=loan,
        contacts=tuple(
            ContactLine(contact, contact.value if unmasked else mask_contact(contact.kind, contact.value),
                        opt_outs.get(contact.pk, ()))
            for contact in contacts
        ),
        instalments=tuple(Instalment.objects.filter(loan=loan).order_by("seq")),
        payments=tuple(
            PaymentLine(
                payment=payment,
                allocation=None if allocations is None else allocations.get(payment.pk),
                is_reversal=payment.reverses_id is not None,
                is_reversed=payment.pk in reversed_ids,
            )
            for payment in payments
        ),
        state=state if state is not None else getattr(statement, "state", None),
        statement_as_of=as_of,
        statement_available=statement is not None,
        history=tuple(history[:HISTORY_LIMIT]),
        history_truncated=len(history) > HISTORY_LIMIT,
        cases=tuple(CollectionCase.objects.filter(loan=loan).order_by("-opened_on", "-id")),
        case_events=tuple(CaseEvent.objects.filter(loan=loan).order_by("-on_date", "-id")[:HISTORY_LIMIT]),
        placements=tuple(Placement.objects.filter(loan=loan).select_related("agency").order_by("-placed_on", "-pk")),
    )


def _opt_outs_by_point(borrower_id: int) -> dict[int, tuple[ChannelOptOut, ...]]:
    """Each contact point's requests to stop, one per channel (the first), oldest first."""
    found: dict[int, dict[str, ChannelOptOut]] = {}
    for opt_out in ChannelOptOut.objects.filter(contact_point__borrower_id=borrower_id).order_by("at", "pk"):
        found.setdefault(opt_out.contact_point_id, {}).setdefault(opt_out.channel, opt_out)
    return {point: tuple(by_channel.values()) for point, by_channel in found.items()}


_KIND_ORDER = {ContactPoint.Kind.MOBILE: 0, ContactPoint.Kind.EMAIL: 1, ContactPoint.Kind.ADDRESS: 2}


def _contact_order(contact: ContactPoint) -> tuple:
    """The borrower's own details first, usable ones before the rest, phones before email and address."""
    usable = contact.valid and not contact.do_not_contact
    return (contact.owner != ContactPoint.Owner.BORROWER, not usable, _KIND_ORDER.get(contact.kind, 9), contact.pk)


def _statement(loan_id: int, as_of: dt.date):
    """The loan's statement from the cycle, or None when that module is missing or refuses the loan."""
    try:
        from arrears.cycle.statement import account_statement
    except ImportError:
        logger.info("arrears.cycle.statement is not importable; allocations are not shown")
        return None
    try:
        return account_statement(loan_id, as_of)
    except ArrearsError:
        logger.exception("no statement for loan %s as of %s", loan_id, as_of)
        return None


def _allocations_by_payment(statement) -> dict[int, Allocation]:
    totals: dict[int, Allocation] = {}
    for line in statement.allocations:
        part = Allocation(line.penalty, line.fee, line.interest, line.principal, line.credit)
        totals[line.payment_id] = totals.get(line.payment_id, Allocation()) + part
    return totals
