"""The guard's debt facts, read from the ledger: when the debtor was first communicated with about
each debt, when its validation notice went out, and whether it is time-barred in the debtor's state.

    facts = debt_facts(as_of, loan_ids=[42])            # tuple[DebtFacts, ...] for check_now, loan by loan
    table = debt_facts_table(db, as_of)                  # the nightly batch's debts table, the whole book in one query

Only a US profile has rules on these (us.validation_notice, us.time_barred); under cn the guard
reads nothing here (`needs_debt_facts`).

- initial communication: the first attempt that reached the debtor about the loan — a call with a
  conversation, or a message or letter that went out (12 CFR 1006.2(d));
- validation notice: the first written notice (`notices.NOTICE_TEMPLATES`) that went out;
- time-barred: the oldest unpaid instalment fell due longer ago than the state's limitation
  period (`compliance.limitation`, the borrower's `region`); in a state where a payment does not
  revive the period (`payment_revives: false`), also a debt that was time-barred on the night the
  cycle stored it furthest past due (`cycle_accountstatehistory`), whatever was paid since.

The two reads say the same of every loan (tests/integration/test_us_regf_debts_set.py on a
generated US book); `NOTICE_DUE_SQL` is the strategy's fact `validation_notice_due` from the same
definitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce

from arrears.compliance.context import DebtFacts
from arrears.compliance.limitation import is_time_barred, us_limitations
from arrears.compliance.tables import DEBTS_SCHEMA

WENT_OUT = ("sent", "done")
"""Attempt states of a contact that happened (contact.models.ContactAttempt.State)."""
ON_ITS_WAY = ("planned", "claimed", "sending", "review")
"""Attempt states of a contact that may still go out: a notice in one of them is not planned again."""


def needs_debt_facts(profile_id: str) -> bool:
    return profile_id.lower().startswith("us")


def _notice_templates() -> list[str]:
    from arrears.notices import NOTICE_TEMPLATES

    return sorted(NOTICE_TEMPLATES)


def _words(words: Iterable[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def _went_out_sql() -> str:
    return (
        "SELECT loan_id, COALESCE(sent_at, attempted_at) AS happened_at, channel, conversation, template "
        f"FROM contact_contactattempt WHERE party = 'debtor' AND state IN ({_words(WENT_OUT)})"
    )


def _first_contact_sql() -> str:
    """Each loan's initial communication (the per-loan read's `first_contact`)."""
    return (
        f"SELECT loan_id, MIN(happened_at) AS first_at FROM ({_went_out_sql()}) went "
        "WHERE conversation OR channel <> 'call' GROUP BY loan_id"
    )


def _contacts_sql() -> str:
    """Each loan's initial communication and first notice that went out, in one pass over its attempts."""
    return (
        "SELECT loan_id, "
        "MIN(CASE WHEN conversation OR channel <> 'call' THEN happened_at END) AS first_at, "
        f"MIN(CASE WHEN template IN ({_words(_notice_templates())}) THEN happened_at END) AS notice_at "
        f"FROM ({_went_out_sql()}) went GROUP BY loan_id"
    )


def notice_due_sql() -> str:
    """The loans whose debtor was first communicated with and to whom no validation notice has gone
    or is on its way: the strategy plans the notice for them (strategy.facts_source)."""
    return (
        f"SELECT fc.loan_id FROM ({_first_contact_sql()}) fc WHERE NOT EXISTS ("
        "SELECT 1 FROM contact_contactattempt n WHERE n.loan_id = fc.loan_id AND n.party = 'debtor' "
        f"AND n.template IN ({_words(_notice_templates())}) AND n.state IN ({_words(WENT_OUT + ON_ITS_WAY)}))"
    )


def _not_revived_states() -> list[str]:
    """The states whose statute says a payment after the period ran does not revive it."""
    return sorted(state for state, entry in us_limitations().items() if entry.payment_revives is False)


def _worst_night_sql() -> str:
    """For each loan of a state where payment does not revive, the night it stood furthest past due."""
    states = _not_revived_states() or ["--"]
    return (
        "SELECT h.loan_id, MAX(h.as_of) AS worst_on, w.worst_dpd FROM cycle_accountstatehistory h "
        "JOIN (SELECT hh.loan_id, MAX(hh.days_past_due) AS worst_dpd FROM cycle_accountstatehistory hh "
        "JOIN ledger_loan ll ON ll.id = hh.loan_id JOIN ledger_borrower bb ON bb.id = ll.borrower_id "
        f"WHERE bb.region IN ({_words(states)}) GROUP BY hh.loan_id) w "
        "ON w.loan_id = h.loan_id AND h.days_past_due = w.worst_dpd GROUP BY h.loan_id, w.worst_dpd"
    )


def debt_facts_sql() -> str:
    """Every loan with its state (`region`), days past due, initial communication and notice, and (in a
    state where payment does not revive) its worst night, in one statement."""
    return (
        "SELECT l.id AS loan_id, b.region AS region, COALESCE(s.days_past_due, 0) AS dpd, "
        "went.first_at AS first_at, went.notice_at AS notice_at, wn.worst_on AS worst_on, wn.worst_dpd AS worst_dpd "
        "FROM ledger_loan l JOIN ledger_borrower b ON b.id = l.borrower_id "
        "LEFT JOIN cycle_accountstate s ON s.loan_id = l.id "
        f"LEFT JOIN ({_contacts_sql()}) went ON went.loan_id = l.id "
        f"LEFT JOIN ({_worst_night_sql()}) wn ON wn.loan_id = l.id "
        "ORDER BY l.id"
    )


def _worst_nights(loan_ids: list[int], regions: Mapping[int, str | None]) -> dict[int, tuple[dt.date, int]]:
    """The per-loan read of `_worst_night_sql`, through the ORM."""
    from django.db.models import Max

    from arrears.cycle.models import AccountStateHistory

    states = set(_not_revived_states())
    chosen = [loan_id for loan_id in loan_ids if (regions.get(loan_id) or "").upper() in states]
    if not chosen:
        return {}
    history = AccountStateHistory.objects.filter(loan_id__in=chosen)
    worst = dict(history.values("loan_id").annotate(worst=Max("days_past_due")).values_list("loan_id", "worst"))
    found = {}
    for loan_id, days in worst.items():
        night = history.filter(loan_id=loan_id, days_past_due=days).aggregate(night=Max("as_of"))["night"]
        found[loan_id] = (night, int(days))
    return found


def debt_facts(as_of: dt.date, *, loan_ids: Iterable[int] | None = None, dpd: Mapping[int, int] | None = None) -> tuple[DebtFacts, ...]:
    """The facts of the loans named (default: every loan), through Django's connection, for one
    debtor's check (`guard.check_now`); `dpd` gives days past due where the caller holds them (else
    the stored account states are read)."""
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.models import AccountState
    from arrears.ledger.models import Loan

    loans = Loan.objects.all() if loan_ids is None else Loan.objects.filter(pk__in=list(loan_ids))
    regions = dict(loans.values_list("pk", "borrower__region"))
    if dpd is None:
        dpd = dict(AccountState.objects.filter(loan_id__in=list(regions)).values_list("loan_id", "days_past_due"))
    attempts = ContactAttempt.objects.filter(loan_id__in=list(regions), party="debtor", state__in=WENT_OUT)
    at = Coalesce(F("sent_at"), F("attempted_at"))
    first_contact = dict(
        attempts.filter(Q(conversation=True) | ~Q(channel="call")).values("loan_id").annotate(first=Min(at))
        .values_list("loan_id", "first")
    )
    notice = dict(
        attempts.filter(template__in=_notice_templates()).values("loan_id").annotate(first=Min(at))
        .values_list("loan_id", "first")
    )
    barred = _TimeBarred(as_of)
    worst = _worst_nights(list(regions), regions)
    return tuple(
        DebtFacts(
            debt_id=str(loan_id),
            initial_communication_utc=first_contact.get(loan_id),
            validation_notice_utc=notice.get(loan_id),
            time_barred=barred(region, int(dpd.get(loan_id) or 0), worst.get(loan_id)),
        )
        for loan_id, region in regions.items()
    )


class _TimeBarred:
    """Whether a debt `dpd` days past due on `as_of` is time-barred in `region`, once per (state, days)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.known: dict[tuple, bool] = {}

    def __call__(self, region: str | None, dpd: int, worst: tuple[dt.date, int] | None = None) -> bool:
        key = (region, dpd, worst)
        if key not in self.known:
            default_on = self.as_of - dt.timedelta(days=dpd) if dpd > 0 else None
            self.known[key] = is_time_barred(region, default_on=default_on, as_of=self.as_of, worst=worst)
        return self.known[key]


def debt_facts_table(db, as_of: dt.date, *, dpd: Mapping[int, int] | None = None) -> pa.Table:
    """Every loan's debt facts as the guard's debts table (compliance.tables.DEBTS_SCHEMA), read in one
    statement through `db` (a BulkConnection, or anything with `fetch(sql) -> pa.Table`); `dpd`
    overrides the stored days past due where given (the night's facts)."""
    rows = db.fetch(debt_facts_sql())
    if rows.num_rows == 0:
        return DEBTS_SCHEMA.empty_table()
    loan_ids = rows.column("loan_id").to_pylist()
    days = rows.column("dpd").to_pylist()
    if dpd is not None:
        days = [dpd.get(loan_id, stored) for loan_id, stored in zip(loan_ids, days, strict=True)]
    barred = _TimeBarred(as_of)
    worst = [
        None if night is None else (_date(night), int(worst_dpd))
        for night, worst_dpd in zip(rows.column("worst_on").to_pylist(), rows.column("worst_dpd").to_pylist(), strict=True)
    ]
    regions = rows.column("region").to_pylist()
    return pa.table(
        {
            "debt_id": pc.cast(rows.column("loan_id"), pa.string()),
            "initial_communication_utc": _utc(rows.column("first_at")),
            "validation_notice_utc": _utc(rows.column("notice_at")),
            "time_barred": pa.array(
                [barred(region, int(day or 0), night) for region, day, night in zip(regions, days, worst, strict=True)],
                pa.bool_(),
            ),
        },
        schema=DEBTS_SCHEMA,
    )


def _date(value) -> dt.date:
    """A stored date: SQLite hands back 'YYYY-MM-DD' text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _utc(column) -> pa.Array:
    """An instant as UTC microseconds: SQLite hands back text ('2026-03-01 09:30:00.250000'), PostgreSQL a timestamp."""
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.timestamp("us", tz="UTC"))
    if not pa.types.is_timestamp(column.type):
        text = pc.utf8_slice_codeunits(pc.cast(column, pa.string()), 0, 26)
        column = pc.cast(text, pa.timestamp("us"))
    return pc.cast(pc.cast(column, pa.timestamp("us")), pa.timestamp("us", tz="UTC"))
