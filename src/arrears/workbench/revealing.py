"""Revealing one contact value in clear on an account page or through the API, logged each time.

    value = reveal_contact(user, loan, point_id, via="web")   # OutOfScope / PermissionDenied otherwise

The account must be in the reader's scope (else it answers as a missing account), the reader must
hold a role that may reveal (arrears.access.scope.may_reveal_contacts, else 403), and the point
must be one of the loan's borrower's (else, again, as missing). The audit log gets a
`read.reveal` entry naming the loan, the contact point and its kind, never the value.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from arrears.access.scope import Action, OutOfScope, may_reveal_contacts, require
from arrears.ledger.models import ContactPoint, Loan


def reveal_contact(user, loan: Loan, point_id: int, *, via: str) -> ContactPoint:
    from arrears.audit.events import staff_read

    require(user, Action.VIEW, loan)
    if not may_reveal_contacts(user):
        raise PermissionDenied
    point = ContactPoint.objects.filter(pk=point_id, borrower_id=loan.borrower_id).first()
    if point is None:
        raise OutOfScope()
    staff_read(user, "reveal", subject=f"loan:{loan.pk}", contact_point=point.pk, kind=point.kind, via=via)
    return point
