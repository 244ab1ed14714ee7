"""The agency portal through HTTP, pages and API: an agency user sees only its own active cases and only
the fields its contract shares, masked; every read is logged; contacts, promises, proposals and daily
results are recorded; a recall ends access at once."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from arrears.agencies.models import (
    Agency,
    AgencyContact,
    AgencyStaff,
    Contract,
    DataAccess,
    Placement,
    PlacementEvent,
    PlanProposal,
    ResultUpload,
)
from arrears.contact.models import ContactAttempt
from arrears.cycle.models import AccountState
from arrears.ledger.models import Borrower, ContactPoint, Instalment, Loan, Product
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule
from arrears.promises.models import Promise

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = timezone.localdate()
SCHEDULE = [{"bucket": "M2", "tiers": [{"from_recovery_bp": 0, "rate_bp": 1200}]}]
PIPL = dict(
    purpose="催收 / collection", processing_duration="委案期内 / while placed", processing_method="电话 / calls",
    data_types="姓名、手机 / name, mobile", protection_measures="加密 / encryption", end_of_term="delete",
)


def agency(name, code, shared, channels=("call", "sms")):
    agency = Agency.objects.create(name=name, name_en=f"{name} Ltd", credit_code=code, registered_on=dt.date(2019, 1, 1),
                                   complaints_phone="400-000-0000")
    Contract.objects.create(
        agency=agency, reference=f"C-{code}", valid_from=TODAY - dt.timedelta(days=60), valid_until=TODAY + dt.timedelta(days=300),
        buckets=["M2"], channels=list(channels), shared_fields=list(shared), commission_schedule=SCHEDULE, **PIPL,
    )
    return agency


def agency_user(django_user_model, agency, username, role="agency_collector"):
    user = django_user_model.objects.create_user(username, password="a-long-password-1")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    AgencyStaff.objects.create(agency=agency, user=user, full_name=username, credential_number=f"CR-{username}",
                               training_completed_on=TODAY - dt.timedelta(days=100), authorised_from=TODAY - dt.timedelta(days=90))
    return user


def placed_loan(reference, agency, *, state="active", mobile="13912345678"):
    product, _ = Product.objects.get_or_create(code="CASH", defaults=dict(name_zh="现金贷", name_en="Cash",
                                                repayment_method="annuity", annual_rate_bp=1800))
    borrower = Borrower.objects.create(external_id=f"B-{reference}", name="王小明", national_id_cipher="x",
                                       national_id_digest=f"d-{reference}", national_id_masked="110105********1234")
    ContactPoint.objects.create(borrower=borrower, kind="mobile", value=mobile, verified=True)
    ContactPoint.objects.create(borrower=borrower, kind="address", value="上海市浦东新区世纪大道100号", verified=True)
    loan = Loan.objects.create(external_id=reference, borrower=borrower, product=product, principal=1_000_000,
                               term_months=12, start_date=TODAY - dt.timedelta(days=200))
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, 1_000_000, 1800, 12, loan.start_date)
    )
    AccountState.objects.create(
        loan=loan, as_of=TODAY, days_past_due=45, bucket="M2", status="delinquent", overdue_principal=200_000,
        overdue_interest=12_345, fee_outstanding=0, penalty_outstanding=0, principal_outstanding=800_000, balance=812_345,
        credit=0, penalty_charged=0, fee_charged=0, charges_withheld=0, paid_total=0,
    )
    notice = ContactAttempt.objects.create(
        idempotency_key=f"outsourcing_notice:{loan.pk}", loan=loan, channel="sms", template="outsourcing_notice",
        state="sent", sent_at=timezone.now() - dt.timedelta(days=6), attempted_at=timezone.now() - dt.timedelta(days=6),
    )
    return Placement.objects.create(
        loan=loan, agency=agency, contract=agency.contracts.get(), placed_on=TODAY - dt.timedelta(days=7),
        expires_on=TODAY + dt.timedelta(days=23), state=state, bucket="M2", overdue_at_placement=212_345,
        balance_at_placement=812_345, notice=notice, activated_on=TODAY - dt.timedelta(days=5),
    )


@pytest.fixture
def world(django_user_model):
    full = agency("甲催收", "91310000MA1FL000A1", ["borrower_name", "loan_reference", "days_past_due", "overdue_amount", "mobile"])
    narrow = agency("乙催收", "91310000MA1FL000B2", ["loan_reference", "bucket"], channels=("sms",))
    world = {
        "a_user": agency_user(django_user_model, full, "a-collector"),
        "b_user": agency_user(django_user_model, narrow, "b-collector"),
        "mine": placed_loan("L-A1", full),
        "theirs": placed_loan("L-B1", narrow, mobile="13800001111"),
        "recalled": placed_loan("L-A2", full, state="recalled"),
        "full": full,
        "narrow": narrow,
    }
    return world


def local(days_ago: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=ZONE)


def test_access_matrix_own_active_cases_only_through_pages_and_api(client, world):
    # given agency A's user signed in
    client.force_login(world["a_user"])
    mine, theirs, recalled = world["mine"], world["theirs"], world["recalled"]
    # when and then: the list shows only A's active case, on the page and in the API
    page = client.get("/agencies/portal/").content.decode()
    assert "L-A1" in page and "L-B1" not in page and "L-A2" not in page
    listed = client.get("/api/agencies/cases").json()
    assert [row["placement_id"] for row in listed] == [mine.pk]
    # and another agency's case and a recalled case are not found, by page or by API, whatever the verb
    for placement in (theirs, recalled):
        assert client.get(f"/agencies/portal/cases/{placement.pk}/").status_code == 404
        assert client.get(f"/api/agencies/cases/{placement.pk}").status_code == 404
        assert client.post(f"/agencies/portal/cases/{placement.pk}/reveal/").status_code == 404
        assert client.post(f"/api/agencies/cases/{placement.pk}/contacts", json.dumps({
            "channel": "call", "outcome": "no_answer", "attempted_at": local(1, 10).isoformat()}),
            content_type="application/json").status_code == 404
    assert client.get(f"/agencies/portal/cases/{mine.pk}/").status_code == 200
    # and every refusal was logged
    assert DataAccess.objects.filter(user=world["a_user"], action="denied").count() == 8


def test_an_agency_sees_only_the_fields_its_contract_shares_masked(client, world):
    # given agency B, whose contract shares only the loan reference and the bucket
    client.force_login(world["b_user"])
    theirs = world["theirs"]
    # when it reads its case through the API and the page
    case = client.get(f"/api/agencies/cases/{theirs.pk}").json()
    page = client.get(f"/agencies/portal/cases/{theirs.pk}/").content.decode()
    # then only those two fields are there: no name, no mobile, no amount, in any form
    assert set(case["fields"]) == {"loan_reference", "bucket"}
    for secret in ("王", "13800001111", "1111", "2,123.45", "世纪大道"):
        assert secret not in page and secret not in json.dumps(case, ensure_ascii=False)
    # and a full number cannot be revealed under that contract
    assert client.post(f"/api/agencies/cases/{theirs.pk}/reveal-mobile").status_code == 403
    # given agency A, whose contract shares name and mobile: they come masked
    client.force_login(world["a_user"])
    fields = client.get(f"/api/agencies/cases/{world['mine'].pk}").json()["fields"]
    assert fields["mobile"] == "139****5678" and fields["borrower_name"] == "王**"
    assert fields["overdue_amount"] == "¥2,123.45" and "address" not in fields
    # and the full number is shown only on request, once, and audited
    response = client.post(f"/agencies/portal/cases/{world['mine'].pk}/reveal/")
    assert "13912345678" in response.content.decode()
    assert DataAccess.objects.filter(user=world["a_user"], action="reveal", placement=world["mine"]).count() == 1


def test_every_read_is_logged_with_fields_and_channel(client, world):
    client.force_login(world["a_user"])
    client.get("/agencies/portal/")
    client.get(f"/api/agencies/cases/{world['mine'].pk}")
    reads = list(DataAccess.objects.filter(user=world["a_user"]).order_by("at", "pk"))
    assert [(r.action, r.via) for r in reads] == [("list", "web"), ("view", "api")]
    assert "mobile" in reads[1].fields.split(",") and reads[1].placement == world["mine"]


def test_people_outside_the_agencies_have_no_portal(client, django_user_model, world):
    # anonymous: sent to log in, and the API refuses
    assert client.get("/agencies/portal/").status_code == 302
    assert client.get("/api/agencies/cases").status_code == 401
    # an in-house collector: forbidden
    collector = django_user_model.objects.create_user("inhouse", password="a-long-password-1")
    collector.groups.add(Group.objects.get_or_create(name="collector")[0])
    client.force_login(collector)
    assert client.get("/agencies/portal/").status_code == 403
    assert client.get("/api/agencies/cases").status_code == 403
    # an agency user whose authorisation has lapsed: forbidden
    AgencyStaff.objects.filter(user=world["a_user"]).update(authorised_until=TODAY - dt.timedelta(days=1))
    client.force_login(world["a_user"])
    assert client.get("/agencies/portal/").status_code == 403


def test_recording_contacts_promises_and_plan_proposals(client, world):
    client.force_login(world["a_user"])
    mine = world["mine"]
    # when a call with a promise to pay is recorded on the page, at a lawful hour
    response = client.post(f"/agencies/portal/cases/{mine.pk}/contacts/", {
        "channel": "call", "outcome": "promise", "attempted_at": local(1, 10).strftime("%Y-%m-%dT%H:%M"),
        "promise_amount": "500.50", "promise_due": (TODAY + dt.timedelta(days=7)).isoformat(), "note": "答应下周还款",
    })
    assert response.status_code == 302
    attempt = AgencyContact.objects.get().attempt
    assert attempt.outcome == "promise" and attempt.conversation and attempt.blocked_by == ""
    promise = Promise.objects.get(attempt=attempt)
    assert promise.amount == 50_050 and promise.made_by == world["a_user"]
    # and a call at 23:00 is kept, with the guard's finding against the agency
    response = client.post(f"/api/agencies/cases/{mine.pk}/contacts", json.dumps({
        "channel": "call", "outcome": "no_answer", "attempted_at": local(1, 23).isoformat()}), content_type="application/json")
    assert response.status_code == 201 and "cn.contact_hours" in response.json()["compliance_findings"]
    # and a channel the contract does not authorise is refused in both languages
    response = client.post(f"/api/agencies/cases/{mine.pk}/contacts", json.dumps({
        "channel": "letter", "outcome": "delivered", "attempted_at": local(1, 10).isoformat()}), content_type="application/json")
    assert response.status_code == 400 and "合同未授权" in response.json()["error"]["zh"] and "does not authorise" in response.json()["error"]["en"]
    # and a bad form shows its errors without a server error
    response = client.post(f"/agencies/portal/cases/{mine.pk}/contacts/", {"channel": "call", "outcome": "promise",
                                                                         "attempted_at": "yesterday", "promise_amount": "1.234"})
    assert response.status_code == 400
    # when the agency proposes a plan: it waits for the lender
    response = client.post(f"/agencies/portal/cases/{mine.pk}/proposals/", {
        "instalments": "6", "instalment_amount": "353.92", "first_due_on": (TODAY + dt.timedelta(days=10)).isoformat()})
    assert response.status_code == 302
    proposal = PlanProposal.objects.get()
    assert proposal.state == "pending" and proposal.instalment_amount == 35_392
    assert client.post(f"/api/agencies/cases/{mine.pk}/proposals", json.dumps({
        "instalments": 0, "instalment_amount": "10", "first_due_on": TODAY.isoformat()}), content_type="application/json").status_code == 400


def test_daily_results_upload_lands_good_rows_and_reports_bad_ones(client, world):
    client.force_login(world["a_user"])
    rows = [
        "loan,channel,outcome,attempted_at,promise_amount,promise_due,note",
        f"L-A1,call,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,",
        f"L-A1,call,promise,{local(1, 11).isoformat()},100,{(TODAY + dt.timedelta(days=3)).isoformat()},ok",
        f"L-B1,call,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,not ours",
        f"L-A1,fax,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,",
        "L-A1,call,no_answer,yesterday,,,",
        f"L-A1,call,promise,{local(1, 12).strftime('%Y-%m-%dT%H:%M')},12.345,{TODAY.isoformat()},",
        f"L-A2,call,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,recalled",
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("results.csv", ("\n".join(rows) + "\n").encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/agencies/portal/upload/", {"file": upload})
    assert response.status_code == 200
    stored = ResultUpload.objects.get()
    assert (stored.rows_read, stored.rows_landed, stored.rows_rejected) == (7, 2, 5)
    rejects = client.get(f"/agencies/portal/uploads/{stored.pk}/rejects.csv").content.decode("utf-8-sig")
    assert "不是本机构进行中的委案" in rejects and "Not a case currently placed with this agency" in rejects
    assert "fax" in rejects and "ISO 8601" in rejects and "two decimals" in rejects
    # when the same file comes again: nothing lands twice
    again = SimpleUploadedFile("results.csv", ("\n".join(rows[:3]) + "\n").encode(), content_type="text/csv")
    client.post("/agencies/portal/upload/", {"file": again})
    assert AgencyContact.objects.count() == 2
    assert ResultUpload.objects.order_by("-pk").first().rows_rejected == 2
    # and a file that is not CSV with the right columns is refused whole, in both languages
    bad = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post("/agencies/portal/upload/", {"file": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


def test_exports_are_watermarked_and_logged(client, world):
    client.force_login(world["a_user"])
    body = client.get("/agencies/portal/export.csv").content.decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("# 仅限 甲催收") and "a-collector" in lines[0]
    assert lines[1].startswith("# For 甲催收 Ltd") and "a-collector" in lines[1]
    header = lines[2].split(",")
    assert header[-3:] == ["watermark_agency", "watermark_user", "watermark_exported_at"]
    assert len(lines) == 4 and "139****5678" in lines[3] and "13912345678" not in body
    assert lines[3].split(",")[-3:-1] == ["91310000MA1FL000A1", "a-collector"]
    assert DataAccess.objects.get(action="export").rows == 1


def test_a_lender_recall_ends_the_agencys_access_at_once(client, django_user_model, world):
    from arrears.access.models import Team
    from arrears.access.sync import sync_roles
    from arrears.cases.models import CollectionCase

    sync_roles()
    lead = django_user_model.objects.create_user("lead", password="a-long-password-1")
    lead.groups.add(Group.objects.get_or_create(name="team_lead")[0])
    mine = world["mine"]
    # the placed case belongs to the team the lead leads: recalling it is the lead's to decide
    CollectionCase.objects.create(loan=mine.loan, opened_on=TODAY - dt.timedelta(days=30),
                                  team=Team.objects.create(name="East", lead=lead))
    agency_client = client.__class__()
    agency_client.force_login(world["a_user"])
    assert agency_client.get(f"/agencies/portal/cases/{mine.pk}/").status_code == 200
    # when the lender recalls the case on the placements page
    client.force_login(lead)
    assert client.post(f"/agencies/placements/{mine.pk}/recall/", {"reason": "投诉 complaint"}).status_code == 302
    # then the agency has lost it, on the very next request
    assert agency_client.get(f"/agencies/portal/cases/{mine.pk}/").status_code == 404
    assert agency_client.get("/api/agencies/cases").json() == []
    mine.refresh_from_db()
    assert mine.state == "recalled" and mine.data_deletion_marked_at is not None
    assert PlacementEvent.objects.get(placement=mine, kind="recalled").by == lead
    # and an agency user cannot recall, nor see the lender's pages
    assert agency_client.post(f"/agencies/placements/{world['theirs'].pk}/recall/", {"reason": "x"}).status_code == 403
    assert agency_client.get("/agencies/").status_code == 403


def test_the_public_whitelist_needs_no_login_and_lists_only_whitelisted_agencies(client, world):
    world["narrow"].status = "suspended"
    world["narrow"].save()
    page = client.get("/agencies/whitelist/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲催收" in text and "91310000MA1FL000A1" in text and "乙催收" not in text
    assert "王小明" not in text


def test_the_lender_sees_the_scorecard_and_decides_proposals(client, django_user_model, world):
    from arrears.agencies.portal import propose_plan, staff_of

    staff = staff_of(world["a_user"])
    proposal = propose_plan(staff, world["mine"], instalments=3, instalment_amount=10_000, first_due_on=TODAY)
    admin = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(admin)
    page = client.get("/agencies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="scorecard"' in page and "甲催收" in page and "乙催收" in page
    # when the lender approves the agency's proposal
    client.post(f"/agencies/proposals/{proposal.pk}/decide/", {"decision": "approve"})
    proposal.refresh_from_db()
    # then it becomes a repayment plan in force under the lender's own limits
    assert proposal.state == "approved" and proposal.decided_by == admin
    assert proposal.plan.kind == "instalments" and proposal.plan.instalment_count == 3 and proposal.plan.status == "active"
    assert proposal.plan.proposed_by == admin and proposal.plan.loan == world["mine"].loan
    # and its first instalment falls due on the day the agency agreed with the borrower
    from arrears.ledger.models import Instalment

    first = Instalment.objects.filter(reschedule__plan=proposal.plan).order_by("seq").first()
    assert first.due_date == proposal.first_due_on == TODAY


def test_the_agency_reads_its_commission_statement_and_disputes_a_line(client, django_user_model, world):
    from arrears.agencies.models import StatementDispute
    from arrears.ledger.models import Payment

    # given a payment to the lender on A's placed loan inside its active period, this month
    mine = world["mine"]
    paid_on = max(mine.activated_on, TODAY.replace(day=1))
    Payment.objects.create(reference="P-STMT", loan=mine.loan, amount=54_321, value_date=paid_on, channel="app")
    client.force_login(world["a_user"])
    month = TODAY.strftime("%Y-%m")
    # when agency A opens its statement and downloads it
    page = client.get(f"/agencies/portal/statement/?month={month}").content.decode()
    csv_text = client.get(f"/agencies/portal/statement/?month={month}&format=csv").content.decode("utf-8-sig")
    # then the line shows the payment and the 12 % commission, and the CSV's total agrees
    assert "L-A1" in page and "¥543.21" in page and "L-B1" not in page
    assert csv_text.splitlines()[-1].startswith("total,,,,,,54321,,,6519")
    # when it disputes that line: the dispute is recorded for the lender
    client.post("/agencies/portal/statement/", {"month": month, "placement": mine.pk, "reason": "少算了一笔 / a payment is missing"})
    dispute = StatementDispute.objects.get()
    assert dispute.placement == mine and dispute.raised_by == world["a_user"] and dispute.state == "open"
    # and agency B cannot dispute a line that is not on its own statement
    client.force_login(world["b_user"])
    client.post("/agencies/portal/statement/", {"month": month, "placement": mine.pk, "reason": "x"})
    assert StatementDispute.objects.count() == 1
    # and the lender's strategy manager sees the same statement and the dispute
    lead = django_user_model.objects.create_user("lead2", password="a-long-password-1")
    from arrears.access.sync import sync_roles

    sync_roles()
    lead.groups.add(Group.objects.get(name="strategy_manager"))
    client.force_login(lead)
    page = client.get(f"/agencies/statements/{world['full'].pk}/?month={month}").content.decode()
    assert "¥543.21" in page and "a payment is missing" in page


def test_the_api_takes_the_daily_results_file_with_the_same_checks(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given an agency collector with a results file of one good row and one for a case not theirs
    client.force_login(world["a_user"])
    rows = [
        "loan,channel,outcome,attempted_at,promise_amount,promise_due,note",
        f"L-A1,call,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,",
        f"L-B1,call,no_answer,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,not ours",
    ]
    upload = SimpleUploadedFile("results.csv", ("\n".join(rows) + "\n").encode("utf-8"), content_type="text/csv")
    # when it is posted to the API
    response = client.post("/api/agencies/results", {"file": upload})
    # then the good row lands and the bad one is kept with its reasons, readable by the agency only
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_read"], body["rows_landed"], body["rows_rejected"]) == (2, 1, 1)
    assert AgencyContact.objects.count() == 1
    rejects = client.get(body["rejects_url"]).content.decode("utf-8-sig")
    assert "L-B1" in rejects and "Not a case currently placed with this agency" in rejects
    client.force_login(world["b_user"])
    assert client.get(body["rejects_url"]).status_code in (403, 404)
    # and a file without the right columns is a 400 naming the problem in both languages
    client.force_login(world["a_user"])
    bad = client.post("/api/agencies/results", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert bad.status_code == 400


def test_an_agencys_outcomes_have_the_effects_they_have_anywhere(client, world):
    # given agency A's collector signed in, and its case's mobile
    from arrears.cases.models import AccountHold
    from arrears.contact.models import ChannelOptOut
    from arrears.guard import check_now

    client.force_login(world["a_user"])
    mine = world["mine"]
    mobile = ContactPoint.objects.get(borrower=mine.loan.borrower, kind="mobile")
    # when a call where the borrower asked to stop calls is recorded on the page
    response = client.post(f"/agencies/portal/cases/{mine.pk}/contacts/", {
        "channel": "call", "outcome": "stop_channel", "attempted_at": local(2, 10).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 302
    # then the number is opted out of calls, for everyone, at once
    assert ChannelOptOut.objects.filter(contact_point=mobile, channel="call", source="agency").exists()
    # when the daily results file reports a dispute and a wrong number
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [
        "loan,channel,outcome,attempted_at,promise_amount,promise_due,note",
        f"L-A1,sms,delivered,{local(1, 9).strftime('%Y-%m-%dT%H:%M')},,,",
        f"L-A1,call,dispute,{local(1, 11).strftime('%Y-%m-%dT%H:%M')},,,称已还清",
    ]
    upload = SimpleUploadedFile("results.csv", ("\n".join(rows) + "\n").encode(), content_type="text/csv")
    assert client.post("/agencies/portal/upload/", {"file": upload}).status_code == 200
    # then the dispute holds the account, with the borrower's words as its reason, placed through the agency
    hold = AccountHold.objects.get(loan=mine.loan, kind="dispute_open")
    assert hold.source == "agency" and hold.reason == "称已还清" and hold.placed_by == world["a_user"]
    # and the guard now holds collection on the debt, whoever asks
    decision = check_now(loan_id=mine.loan_id, channel="sms", contact_point_id=mobile.pk, at=local(0, 11))
    assert "cn.hold.dispute_open" in decision.rule_ids


def test_an_agency_collectors_note_is_kept_with_the_content_lints_findings(client, world):
    # given an agency collector
    client.force_login(world["a_user"])
    mine = world["mine"]
    # when a call is recorded through the API with a note that threatens the borrower's employer
    response = client.post(f"/api/agencies/cases/{mine.pk}/contacts", json.dumps({
        "channel": "call", "outcome": "no_answer", "attempted_at": local(1, 10).isoformat(),
        "note": "没接电话。明天去他单位找领导，让同事都知道他欠钱"}), content_type="application/json")
    # then the contact is recorded, and the note's findings are kept and answered, as a lender's note's are
    assert response.status_code == 201
    assert "lint.third_party_pressure" in response.json()["content_findings"]
    contact = AgencyContact.objects.get(attempt_id=response.json()["attempt_id"])
    assert {f["category"] for f in contact.note_findings} == {"third_party"}
    assert "金融机构个人消费类贷款催收工作指引" in contact.note_findings[0]["citation_zh"]
    # and a plain note has none
    response = client.post(f"/api/agencies/cases/{mine.pk}/contacts", json.dumps({
        "channel": "call", "outcome": "no_answer", "attempted_at": local(2, 10).isoformat(),
        "note": "无人接听，明天上午再试"}), content_type="application/json")
    assert response.json()["content_findings"] == []
