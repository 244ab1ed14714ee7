"""Every read of borrower data by an agency user leaves one access row per case shown: which case,
which fields, by page or by API."""

from __future__ import annotations

import pytest

from arrears.agencies.models import DataAccess
from tests.e2e.test_agencies_portal import agency, agency_user, placed_loan

pytestmark = pytest.mark.django_db


def test_a_case_list_is_logged_one_row_per_case_shown(client, django_user_model):
    # given an agency with three active cases, its contract sharing name, reference and amount
    firm = agency("甲催收", "91310000MA1FL000A1", ["borrower_name", "loan_reference", "overdue_amount"])
    user = agency_user(django_user_model, firm, "a-collector")
    placements = [placed_loan(f"L-A{n}", firm) for n in range(3)]
    client.force_login(user)
    # when its collector lists the cases on the page and through the API, and exports them
    client.get("/agencies/portal/")
    client.get("/api/agencies/cases")
    client.get("/agencies/portal/export.csv")
    # then each listing left one row per case, naming the case and the fields shown of it
    for action, via in (("list", "web"), ("list", "api"), ("export", "web")):
        rows = DataAccess.objects.filter(user=user, action=action, via=via)
        assert sorted(rows.values_list("placement_id", flat=True)) == sorted(p.pk for p in placements), (action, via)
        assert {row.fields for row in rows} == {"borrower_name,loan_reference,overdue_amount"}
        assert {row.rows for row in rows} == {1} and {row.agency_id for row in rows} == {firm.pk}
    assert not DataAccess.objects.filter(placement__isnull=True).exclude(action="denied").exists()


def test_an_empty_list_is_still_logged_once(client, django_user_model):
    # given an agency with no case
    user = agency_user(django_user_model, agency("乙催收", "91310000MA1FL000B2", ["loan_reference"]), "b-collector")
    client.force_login(user)
    # when its collector opens the list
    client.get("/agencies/portal/")
    # then the look is kept, with no case and no row shown
    row = DataAccess.objects.get(user=user)
    assert (row.action, row.placement_id, row.rows) == ("list", None, 0)
