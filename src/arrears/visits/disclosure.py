"""What a reader is shown of a visit's borrower, and the record of an agency's reads.

The lender's people see a visit as it is. An agency's people see only the fields the contract of
the case's placement shares, masked as the agency portal masks them (arrears.agencies.masking) —
the address only when the contract shares it — and each read they make is a row in the agencies'
access log (arrears.agencies.models.DataAccess), one per placement shown.

    shown = disclose(request.user, visits, action="list")   # {visit id: {"borrower_name": "张**", …}}
"""

from __future__ import annotations

from arrears.agencies.masking import shown_fields
from arrears.money import format_money
from arrears.visits.access import placements_by_loan, staff_of

VISIT_FIELDS = ("borrower_name", "loan_reference", "days_past_due", "overdue_amount", "address")
"""The borrower's data a visit page shows, named as the contract's shared fields name them."""


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


def values_of(visit) -> dict[str, object]:
    """Everything the visit pages show of the borrower, unmasked (the lender's view)."""
    return {
        "borrower_name": visit.loan.borrower.name,
        "loan_reference": visit.loan.external_id,
        "days_past_due": visit.days_past_due,
        "overdue_amount": format_money(visit.overdue_amount, visit.loan.currency, _language()),
        "address": visit.address.value if visit.address_id else "",
    }


def disclose(user, visits, *, action: str, via: str = "web", fields: tuple[str, ...] = ()) -> dict[int, dict[str, object]]:
    """The borrower's fields to show of each visit, by visit id. For an agency user: the shared
    fields only, masked, and the read logged (with `fields` naming anything else read, e.g. an
    attachment); a visit whose case its agency no longer holds shows nothing."""
    from arrears.agencies.portal import log_reads

    visits = list(visits)
    staff = staff_of(user)
    if staff is None:
        return {visit.pk: values_of(visit) for visit in visits}
    placements = placements_by_loan(staff, {visit.loan_id for visit in visits})
    shown: dict[int, dict[str, object]] = {}
    read: dict[int, set[str]] = {}
    for visit in visits:
        placement = placements.get(visit.loan_id)
        if placement is None:
            shown[visit.pk] = {}
            continue
        shown[visit.pk] = shown_fields(values_of(visit), tuple(placement.contract.shared_fields))
        read.setdefault(placement.pk, set()).update(shown[visit.pk])
    log_reads(
        staff, action,
        [(pk, ("visit", *fields, *(name for name in VISIT_FIELDS if name in names))) for pk, names in read.items()],
        via=via,
    )
    return shown
