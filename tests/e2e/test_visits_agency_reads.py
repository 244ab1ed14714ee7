"""An agency's reads of its field visits through HTTP: every read logged in the agencies' access log,
and only the fields the placement's contract shares shown, masked as the portal masks them."""

from __future__ import annotations

import pytest

from arrears.agencies.models import Contract, DataAccess
from tests.e2e.test_visits_after_recall import FULL_ADDRESS, live_visit, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security


@pytest.fixture
def lead(django_user_model):
    from tests.integration.test_visits_workflow import visit_team_lead

    return visit_team_lead(django_user_model)


def test_every_agency_read_of_a_visit_is_logged_with_its_placement(lead, django_user_model):
    # given an agency's visit under a contract sharing the loan reference and the amount
    visit, staff, placement = live_visit(lead, django_user_model, shared=["loan_reference", "overdue_amount"])
    collector = signed_in(staff[0].user)
    # when its collector reads the visit list and the visit, by page and by API
    collector.get("/visits/")
    collector.get(f"/visits/{visit.pk}/")
    collector.get("/api/visits/")
    collector.get(f"/api/visits/{visit.pk}")
    # then each read is a row of the agencies' access log, naming the placement and the fields shown
    reads = list(DataAccess.objects.filter(user=staff[0].user).order_by("at", "pk"))
    assert [(r.action, r.via) for r in reads] == [("list", "web"), ("view", "web"), ("list", "api"), ("view", "api")]
    assert {r.placement_id for r in reads} == {placement.pk} and {r.agency_id for r in reads} == {placement.agency_id}
    assert {r.fields for r in reads} == {"visit,loan_reference,overdue_amount"}
    # and the lender's reads are not agency reads
    signed_in(lead).get(f"/visits/{visit.pk}/")
    assert DataAccess.objects.count() == 4


def test_agency_staff_see_only_the_shared_fields_masked_and_the_lender_sees_all(lead, django_user_model):
    # given an agency's visit under a contract sharing the reference and the days past due only
    visit, staff, _ = live_visit(lead, django_user_model, shared=["loan_reference", "days_past_due"])
    collector = signed_in(staff[0].user)
    name = visit.loan.borrower.name
    # when its collector opens the visit, the list and the API
    detail = collector.get(f"/visits/{visit.pk}/").content.decode()
    listing = collector.get("/visits/").content.decode()
    answer = collector.get(f"/api/visits/{visit.pk}").json()
    # then neither the name, nor the address, nor the amount is there in any form
    for page in (detail, listing):
        assert "L-AGENCY" in page
        for secret in (name, name[:1] + "*", "世纪大道", "上海市浦东", "33,000"):
            assert secret not in page, secret
    assert answer["loan"] == "L-AGENCY" and answer["days_past_due"] == 70 and answer["overdue_amount_fen"] is None
    # when the contract shares the name, the address and the amount instead
    Contract.objects.filter(agency=staff[0].agency).update(shared_fields=["borrower_name", "address", "overdue_amount"])
    detail = collector.get(f"/visits/{visit.pk}/").content.decode()
    listing = collector.get("/visits/").content.decode()
    answer = collector.get(f"/api/visits/{visit.pk}").json()
    # then they are shown masked as the portal masks them, and the reference is not
    masked_name = name[:1] + "*" * max(len(name) - 1, 1)
    assert masked_name in detail and masked_name in listing and name not in detail
    assert "上海市浦东新****" in detail and FULL_ADDRESS not in detail and "世纪大道" not in listing
    assert "¥33,000.00" in detail and "¥33,000.00" in listing and "L-AGENCY" not in detail
    assert answer["loan"] is None and answer["overdue_amount_fen"] == 3_300_000 and answer["days_past_due"] is None
    # and the lender's team lead sees everything, unmasked
    lender = signed_in(lead)
    detail = lender.get(f"/visits/{visit.pk}/").content.decode()
    listing = lender.get("/visits/").content.decode()
    assert name in detail and FULL_ADDRESS in detail and "¥33,000.00" in detail and "L-AGENCY" in detail
    assert name in listing and "¥33,000.00" in listing
    assert lender.get(f"/api/visits/{visit.pk}").json()["overdue_amount_fen"] == 3_300_000
