"""The guard's debt facts, read from the ledger: when the debtor was first communicated with about
each debt, when its validation notice went out, and whether it is time-barred in the debtor's state.

    facts = debt_facts(as_of, loan_ids=[42])            # tuple[DebtFacts, ...] for check_now
    table = debt_facts_table(as_of, dpd={42: 1200})      # the nightly batch's debts table

Only a US profile has rules on these (us.validation_notice, us.time_barred); under cn the guard
reads nothing here (`needs_debt_facts`).

- initial communication: the first attempt that reached the debtor about the loan — a call with a
  conversation, or a message or letter that went out (12 CFR 1006.2(d));
- validation notice: the first written notice (`notices.NOTICE_TEMPLATES`) that went out;
- time-barred: the oldest unpaid instalment fell due longer ago than the state's limitation
  period (`compliance.limitation`, the borrower's `region`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pyarrow as pa
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce

from arrears.compliance.context import DebtFacts
from arrears.compliance.limitation import is_time_barred
from arrears.compliance.tables import DEBTS_SCHEMA

WENT_OUT = ("sent", "done")
"""Attempt states of a contact that happened (contact.models.ContactAttempt.State)."""


def needs_debt_facts(profile_id: str) -> bool:
    return profile_id.lower().startswith("us")


def debt_facts(as_of: dt.date, *, loan_ids: Iterable[int] | None = None, dpd: Mapping[int, int] | None = None) -> tuple[DebtFacts, ...]:
    """The facts of the loans named (default: every loan); `dpd` gives days past due where the
    caller holds them (else the stored account states are read)."""
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.models import AccountState
    from arrears.ledger.models import Loan
    from arrears.notices import NOTICE_TEMPLATES

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
        attempts.filter(template__in=sorted(NOTICE_TEMPLATES)).values("loan_id").annotate(first=Min(at))
        .values_list("loan_id", "first")
    )
    facts = []
    for loan_id, region in regions.items():
        days = int(dpd.get(loan_id) or 0)
        default_on = as_of - dt.timedelta(days=days) if days > 0 else None
        facts.append(
            DebtFacts(
                debt_id=str(loan_id),
                initial_communication_utc=first_contact.get(loan_id),
                validation_notice_utc=notice.get(loan_id),
                time_barred=is_time_barred(region, default_on=default_on, as_of=as_of),
            )
        )
    return tuple(facts)


def debt_facts_table(as_of: dt.date, *, dpd: Mapping[int, int] | None = None) -> pa.Table:
    """Every loan's debt facts as the guard's debts table (compliance.tables.DEBTS_SCHEMA)."""
    rows = [
        {
            "debt_id": fact.debt_id,
            "initial_communication_utc": fact.initial_communication_utc,
            "validation_notice_utc": fact.validation_notice_utc,
            "time_barred": fact.time_barred,
        }
        for fact in debt_facts(as_of, dpd=dpd)
    ]
    return pa.Table.from_pylist(rows, schema=DEBTS_SCHEMA) if rows else DEBTS_SCHEMA.empty_table()
