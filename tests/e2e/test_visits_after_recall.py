"""An agency's field visits through HTTP: visible only while the case is placed with the agency, and a
code genuine only while the placement and the visitors are authorised."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from arrears.agencies.models import AgencyStaff, Contract, Placement
from arrears.agencies.placing import recall
from arrears.visits import services
from arrears.visits.workflow import StepRefused
from tests.integration.test_visits_workflow import (
    SHANGHAI,
    agency_with_field_staff,
    booking,
    placed_with,
    screened_visit,
    sent_by_outbox,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FULL_ADDRESS = "上海市浦东新区世纪大道 100 号"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security


@pytest.fixture
def lead(django_user_model):
    from tests.integration.test_visits_workflow import visit_team_lead

    return visit_team_lead(django_user_model)


def live_visit(lead, django_user_model, *, shared: list[str]):
    """A visit by two field staff of one agency, booked two days from now, notice sent; the case
    placed with the agency for a year from today under a contract sharing `shared`."""
    agency, staff = agency_with_field_staff("安信外访", "91310000MA1FL0001X", "陈一", "林二", django_user_model=django_user_model)
    AgencyStaff.objects.filter(agency=agency).update(authorised_until=None)
    visit = screened_visit("L-AGENCY")
    placement = placed_with(agency, visit.loan)
    Contract.objects.filter(pk=placement.contract_id).update(valid_until=TODAY + dt.timedelta(days=365), shared_fields=shared)
    Placement.objects.filter(pk=placement.pk).update(expires_on=TODAY + dt.timedelta(days=365))
    services.approve(visit.pk, actor=lead)
    day = (timezone.now().astimezone(SHANGHAI) + dt.timedelta(days=2)).date()
    visit = services.schedule(visit.pk, actor=lead, booking=booking([], day=day, starts=dt.time(8), ends=dt.time(12),
                                                                     staff_ids=tuple(s.pk for s in staff)))
    sent_by_outbox(visit, timezone.now())
    return visit, staff, Placement.objects.get(pk=placement.pk)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def check_code(code: str) -> str:
    return Client().post("/visits/verify/", {"code": code}).content.decode()


GENUINE = 'id="verified"'  # the section that names the visitors as genuine


def test_after_a_recall_the_agency_loses_the_visit_and_its_code_is_no_longer_genuine(lead, django_user_model):
    # given an agency's visit, its collector signed in, and a code issued at the door
    visit, staff, placement = live_visit(lead, django_user_model, shared=["loan_reference"])
    collector = signed_in(staff[0].user)
    at_door = visit.starts_at + dt.timedelta(minutes=10)
    code = services.codes.shown(services.issue_code(visit.pk, actor=staff[0].user, now=at_door))
    assert collector.get(f"/visits/{visit.pk}/").status_code == 200
    assert collector.get(f"/api/visits/{visit.pk}").status_code == 200
    assert GENUINE in check_code(code)
    # when the lender recalls the case
    recall(placement, reason="投诉 / complaint", by=lead)
    # then the agency's collector finds the visit nowhere: page, API, lists, steps
    assert collector.get(f"/visits/{visit.pk}/").status_code == 404
    assert collector.get(f"/api/visits/{visit.pk}").status_code == 404
    assert collector.get("/api/visits/").json() == []
    assert f'data-visit="{visit.pk}"' not in collector.get("/visits/").content.decode()
    assert collector.post(f"/api/visits/{visit.pk}/code").status_code == 404
    # and the borrower's page no longer confirms the code, telling them not to open
    page = check_code(code)
    assert GENUINE not in page and "陈一" not in page and "不再获得授权" in page
    # and no fresh code can be issued for it
    with pytest.raises(StepRefused) as refused:
        services.issue_code(visit.pk, actor=staff[0].user, now=at_door + dt.timedelta(minutes=1))
    assert refused.value.rule_ids == ("visits.placed_with_agency",)
    # while the lender still sees the visit
    assert signed_in(lead).get(f"/visits/{visit.pk}/").status_code == 200


def test_a_placement_past_its_period_hides_the_visit_before_the_expiry_job_runs(lead, django_user_model):
    # given an agency's visit with a code, then the placement's period ending today (the job not yet run)
    visit, staff, placement = live_visit(lead, django_user_model, shared=["loan_reference"])
    code = services.issue_code(visit.pk, actor=staff[0].user, now=visit.starts_at)
    Placement.objects.filter(pk=placement.pk).update(expires_on=TODAY)
    # then the collector no longer sees it, and the code is not confirmed
    assert signed_in(staff[0].user).get(f"/visits/{visit.pk}/").status_code == 404
    with pytest.raises(services.VerificationRefused) as refused:
        services.verify(code, client="c", now=visit.starts_at + dt.timedelta(minutes=1))
    assert refused.value.reason == "not_authorised" and "no longer authorised" in refused.value.en


def test_a_code_is_neither_issued_nor_confirmed_while_a_visitor_is_not_authorised(lead, django_user_model):
    # given a code issued while both visitors were authorised
    visit, staff, _ = live_visit(lead, django_user_model, shared=[])
    code = services.issue_code(visit.pk, actor=staff[0].user, now=visit.starts_at)
    # when one visitor's authorisation is withdrawn
    AgencyStaff.objects.filter(pk=staff[1].pk).update(active=False)
    # then the borrower is not told the visitors are genuine, and no new code is issued
    with pytest.raises(services.VerificationRefused) as refused:
        services.verify(code, client="c", now=visit.starts_at + dt.timedelta(minutes=1))
    assert refused.value.reason == "not_authorised"
    with pytest.raises(StepRefused) as not_issued:
        services.issue_code(visit.pk, actor=staff[0].user, now=visit.starts_at + dt.timedelta(minutes=2))
    assert not_issued.value.rule_ids == ("visits.collector_authorised",) and "林二" in not_issued.value.zh
    assert visit.events.filter(kind="code_refused").count() == 1
