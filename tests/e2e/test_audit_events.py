"""Each kind of event reaches the audit log through the product's real entry points: a collector's
outcome, a hold placed and released, a read of an account page, a notice PDF, an export, and changes
to strategies, templates, contracts and users in the admin or a service. Entries name who acted and
what it was about, never a borrower's values."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model

from arrears.audit.models import AuditEntry
from arrears.audit.verify import verify
from arrears.ledger.models import ContactPoint
from tests.e2e import workbench_world
from tests.e2e.test_workbench_account import at_ten, points, record  # noqa: F401 (fixtures)
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture
pytestmark = pytest.mark.django_db


def entries(kind: str, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=kind, **filters).order_by("seq"))


def detail(entry: AuditEntry) -> dict:
    return json.loads(entry.detail)


def actor(user) -> str:
    return f"user:{user.pk}:{user.username}"


def test_a_collectors_outcome_is_logged_with_its_effects(client, world, at_ten, points):
    collector = world.users["col1"]
    signed_in(client, collector)
    loan = world.book.loans["L-1001"]
    response = record(client, world, outcome="promise", contact_point=points["mobile"].pk, promise_amount="500.50",
                      promise_date="2026-05-20")
    assert response.status_code == 302
    (entry,) = entries("contact.outcome", subject=f"loan:{loan.pk}")
    assert entry.actor == actor(collector)
    assert (detail(entry)["outcome"], detail(entry)["effects"], detail(entry)["channel"]) == ("promise", ["promise"], "call")
    assert points["mobile"].value not in entry.detail  # ids and codes, no phone number
    assert verify(with_checkpoints=False).ok


def test_a_stop_request_logs_the_outcome_and_the_opt_out(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    record(client, world, outcome="stop_channel", contact_point=points["mobile"].pk)
    (opt_out,) = entries("contact.opt_out", subject=f"contact_point:{points['mobile'].pk}")
    assert detail(opt_out)["channel"] == "call" and opt_out.actor == actor(world.users["col1"])
    assert detail(entries("contact.outcome")[0])["effects"] == ["opted_out"]


def test_a_hold_placed_and_released_through_the_pages_is_logged(client, world, at_ten):
    lead, officer = world.users["lead1"], world.users["comp1"]
    loan = world.book.loans["L-1001"]
    signed_in(client, lead)
    assert client.post(f"/cases/loans/{loan.pk}/holds/", {"kind": "bankruptcy", "reason": "法院受理破产申请"}).status_code == 302
    (placed,) = entries("hold.placed", subject=f"loan:{loan.pk}")
    assert placed.actor == actor(lead) and detail(placed)["kind"] == "bankruptcy"
    assert "法院" not in placed.detail  # the free-text reason stays on the hold, not in the log
    signed_in(client, officer)
    hold_id = detail(placed)["hold"]
    assert client.post(f"/cases/holds/{hold_id}/release/", {"reason": "程序终结"}).status_code == 302
    (released,) = entries("hold.released", subject=f"loan:{loan.pk}")
    assert released.actor == actor(officer) and detail(released)["hold"] == hold_id


def test_reading_an_account_page_and_its_api_is_logged_with_whether_contacts_showed_unmasked(client, world, at_ten):
    loan = world.book.loans["L-1001"]
    signed_in(client, world.users["col1"])
    assert client.get("/accounts/L-1001/").status_code == 200
    signed_in(client, world.users["comp1"])
    assert client.get("/accounts/L-1001/").status_code == 200
    assert client.get(f"/api/workbench/accounts/{loan.pk}").status_code == 200
    reads = entries("read.account", subject=f"loan:{loan.pk}")
    assert [(e.actor, detail(e)["unmasked"], detail(e)["via"]) for e in reads] == [
        (actor(world.users["col1"]), False, "web"),
        (actor(world.users["comp1"]), True, "web"),  # a reveal: the compliance officer sees contacts in clear
        (actor(world.users["comp1"]), True, "api"),
    ]
    # a page refused is no read
    signed_in(client, world.users["col3"])
    assert client.get("/accounts/L-1001/").status_code == 404  # out of scope: as if unknown
    assert len(entries("read.account")) == 3


def test_downloading_a_notice_pdf_is_logged(client, world, at_ten):
    loan = world.book.loans["L-1001"]
    signed_in(client, world.users["col1"])
    response = client.get("/messaging/notice/L-1001.pdf", {"as_of": "2026-04-30"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (entry,) = entries("read.notice_pdf", subject=f"loan:{loan.pk}")
    assert entry.actor == actor(world.users["col1"]) and detail(entry)["as_of"] == "2026-04-30"


def test_exporting_an_agency_statement_is_logged(client, world, at_ten):
    from arrears.agencies.models import Agency

    agency = Agency.objects.create(name="丁催收", credit_code="91310000MA1FL000D4")
    signed_in(client, world.users["comp1"])
    response = client.get(f"/agencies/statements/{agency.pk}/", {"month": "2026-04", "format": "csv"})
    assert response.status_code == 200
    (entry,) = entries("read.export", subject=f"agency:{agency.pk}")
    assert detail(entry) == {"format": "csv", "month": "2026-04-01"} and entry.actor == actor(world.users["comp1"])


def test_changing_a_user_in_the_admin_is_logged_without_the_values(client, world):
    root = get_user_model().objects.create_superuser("root", "root@example.cn", "a-long-password-1")
    client.force_login(root)
    collector = world.users["col2"]
    page = client.post(f"/admin/auth/user/{collector.pk}/change/", {
        "username": "col2", "first_name": "改名", "last_name": "", "email": "", "is_active": "on",
        "date_joined_0": "2026-05-01", "date_joined_1": "10:00:00", "groups": [g.pk for g in collector.groups.all()],
    })
    assert page.status_code == 302, page.content.decode()[:2000]
    (entry,) = entries("config.changed", subject=f"auth.user:{collector.pk}")
    assert entry.actor == actor(root) and "改名" not in entry.detail


def test_changing_roles_strategies_templates_and_contracts_through_services_is_logged(world):
    from arrears.agencies.models import Agency, Contract
    from arrears.messaging.service import create_draft
    from importlib import resources
    from arrears.strategy.versions import store_version

    collector = world.users["col2"]
    collector.groups.clear()
    assert entries("config.roles_changed", subject=f"auth.user:{collector.pk}")
    version = store_version(resources.files("arrears.strategy").joinpath("default.yaml").read_text(encoding="utf-8").replace("version: 1", "version: 99", 1), dt.date(2026, 6, 1))
    assert entries("config.created", subject=f"strategy.strategyversion:{version.pk}")
    draft = create_draft(code="audit_test", channel="sms", language="zh-hans", body="您好")
    assert entries("config.created", subject=f"messaging.templateversion:{draft.pk}")
    agency = Agency.objects.create(name="戊催收", credit_code="91310000MA1FL000E5")
    contract = Contract.objects.create(
        agency=agency, reference="C-AUDIT", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31),
        purpose="催收", processing_duration="委案期内", processing_method="电话", data_types="姓名",
        protection_measures="加密",
    )
    contract.placement_days = 45
    contract.save(update_fields=["placement_days"])
    changed = entries("config.changed", subject=f"agencies.contract:{contract.pk}")
    assert [detail(e)["fields"] for e in changed] == [["placement_days"]]
    contract_id = contract.pk
    contract.delete()
    assert entries("config.deleted", subject=f"agencies.contract:{contract_id}")
    assert verify(with_checkpoints=False).ok


def test_the_log_holds_no_contact_value_of_any_borrower(client, world, at_ten, points):
    signed_in(client, world.users["comp1"])
    client.get("/accounts/L-1001/")
    values = set(ContactPoint.objects.values_list("value", flat=True))
    text = " ".join(AuditEntry.objects.values_list("detail", flat=True))
    assert values and not any(value in text for value in values)
