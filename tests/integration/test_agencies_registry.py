"""The agency registry: agencies with their status, and staff authorised for a period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from arrears.agencies.models import Agency, AgencyStaff, AgencyStatus

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def an_agency(code="91310000MA1FL0000A", **fields) -> Agency:
    return Agency.objects.create(name=fields.pop("name", "华信催收服务有限公司"), credit_code=code, **fields)


def staff(agency, credential, **fields) -> AgencyStaff:
    defaults = dict(full_name="张伟", training_completed_on=dt.date(2026, 1, 5), authorised_from=dt.date(2026, 1, 10))
    defaults.update(fields)
    return AgencyStaff.objects.create(agency=agency, credential_number=credential, **defaults)


def test_only_trained_active_staff_of_a_whitelisted_agency_within_their_period_are_authorised():
    # given staff in every state that matters
    agency = an_agency()
    suspended = an_agency("91310000MA1FL0001B", name="停用机构", status=AgencyStatus.SUSPENDED)
    current = staff(agency, "C-1")
    open_ended = staff(agency, "C-2", authorised_until=None)
    expired = staff(agency, "C-3", authorised_until=dt.date(2026, 2, 28))
    future = staff(agency, "C-4", authorised_from=dt.date(2026, 3, 2))
    untrained = staff(agency, "C-5", training_completed_on=None)
    inactive = staff(agency, "C-6", active=False)
    at_suspended = staff(suspended, "C-7")
    last_day = staff(agency, "C-8", authorised_until=DAY)
    credential_lapsed = staff(agency, "C-9", credential_expires_on=DAY - dt.timedelta(days=1))
    training_lapsed = staff(agency, "C-10", training_expires_on=DAY - dt.timedelta(days=1))
    credential_last_day = staff(agency, "C-11", credential_expires_on=DAY, training_expires_on=DAY)
    # when asking who is authorised on the day
    authorised = set(AgencyStaff.objects.authorised_on(DAY))
    # then the queryset and the per-row check agree, and only the right people pass
    assert authorised == {current, open_ended, last_day, credential_last_day}
    for person in (current, open_ended, expired, future, untrained, inactive, at_suspended, last_day,
                   credential_lapsed, training_lapsed, credential_last_day):
        assert person.is_authorised_on(DAY) == (person in authorised)


def test_a_credential_number_is_unique_within_an_agency_and_periods_cannot_run_backwards():
    agency = an_agency()
    staff(agency, "C-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        staff(agency, "C-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        staff(agency, "C-9", authorised_from=DAY, authorised_until=DAY - dt.timedelta(days=1))
