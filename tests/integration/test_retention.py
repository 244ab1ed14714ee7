"""`arrears retention run` applies the profile's `records_retention` periods: a closed loan's free
text goes after the collection period, its borrower is anonymised after the longest period, a
delinquency's negative records go 5 years after it ended (cn), an agency's copy goes when its
placement ends; a legal hold keeps everything. What was done is in the audit log without the values,
and a second run does nothing new. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model

from arrears.audit.models import AuditEntry
from arrears.audit.verify import verify
from arrears.cases.models import AccountHold, CaseEvent
from arrears.cli import main
from arrears.compliance.profiles import load_profile
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.cycle.models import AccountState, AccountStateHistory
from arrears.ledger.models import Borrower, ContactPoint, Payment
from arrears.retention import periods_of, run_retention
from arrears.workbench.models import Note
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2031, 6, 1)
ZEROS = dict(overdue_principal=0, overdue_interest=0, fee_outstanding=0, penalty_outstanding=0, principal_outstanding=0,
             balance=0, credit=0, penalty_charged=0, fee_charged=0, charges_withheld=0, paid_total=0)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC)


def closed_loan(reference: str, last_activity: dt.date, *, status: str = "closed", borrower: Borrower | None = None):
    """A loan whose last payment, contact and open day were `last_activity`, with free text everywhere."""
    loan = make_loan(reference)
    if borrower is not None:
        old = loan.borrower
        loan.borrower = borrower
        loan.save(update_fields=["borrower"])
        old.delete()
    point = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"139{loan.pk:08d}",
                                        owner_name="李四")
    ContactAttempt.objects.create(idempotency_key=f"k-{reference}", loan=loan, contact_point=point, channel="sms",
                                  state="sent", attempted_at=at(last_activity), body="您的借款已逾期，请还款 13912345678",
                                  subject="提醒")
    ChannelOptOut.objects.create(contact_point=point, channel="sms", at=at(last_activity), source="sms_reply", detail="TD 别再发")
    Note.objects.create(loan=loan, author=get_user_model().objects.get_or_create(username="col")[0], text="借款人说在上海打工")
    AccountHold.objects.create(loan=loan, kind="dispute_open", since=at(last_activity), until=at(last_activity),
                               reason="称非本人借款")
    Payment.objects.create(reference=f"P-{reference}", loan=loan, amount=100, value_date=last_activity, channel="app")
    AccountStateHistory.objects.create(loan=loan, as_of=last_activity, days_past_due=20, bucket="M1", status="delinquent", **ZEROS)
    AccountStateHistory.objects.create(loan=loan, as_of=last_activity + dt.timedelta(days=1), days_past_due=0, bucket="M0",
                                       status=status, **ZEROS)
    CaseEvent.objects.create(loan=loan, on_date=last_activity - dt.timedelta(days=20), kind="opened", days_past_due=1, bucket="M1")
    AccountState.objects.create(loan=loan, as_of=AS_OF, days_past_due=0, bucket="M0", status=status, **ZEROS)
    return loan


def entries(prefix: str = "retention.") -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind__startswith=prefix).order_by("seq"))


def texts(loan) -> tuple:
    attempt = ContactAttempt.objects.get(loan=loan)
    hold = AccountHold.objects.get(loan=loan, kind="dispute_open")
    return (attempt.body, attempt.subject, Note.objects.get(loan=loan).text, hold.reason)


def test_the_periods_come_from_the_profiles_records_retention_rules():
    cn, us = periods_of(load_profile("cn")), periods_of(load_profile("us-regf"))
    assert (cn.collection.years, cn.personal_data.years, cn.credit_report.years, cn.agency_copy.years) == (2, 3, 5, 0)
    assert cn.personal_data.rule_id == "cn.records.personal_data"
    assert (us.collection.rule_id, us.collection.years, us.personal_data.years) == ("us.records_retention", 3, 3)
    assert us.credit_report is None and us.agency_copy is None
    # a lender policy that keeps records longer moves the periods with it
    longer = periods_of(load_profile("cn", policy={"extends": "cn", "rules": {"cn.records.personal_data": {"years": 7}}}))
    assert longer.personal_data.years == 7
    assert periods_of(load_profile("cn")).cutoff(cn.collection, dt.date(2032, 2, 29)) == dt.date(2030, 2, 28)


def test_a_run_removes_text_anonymises_and_deletes_only_what_is_due_and_logs_it_without_values():
    old = closed_loan("L-OLD", dt.date(2026, 10, 1))  # > 3 years before: text goes, borrower anonymised
    middle = closed_loan("L-MID", dt.date(2029, 1, 10))  # 2.4 years: text goes (cn 2 years), borrower kept (3)
    recent = closed_loan("L-NEW", dt.date(2030, 9, 1))  # under 2 years: untouched
    held = closed_loan("L-HELD", dt.date(2025, 1, 1))  # long ago, but under a legal hold
    AccountHold.objects.create(loan=held, kind="legal_hold", since=at(dt.date(2025, 2, 1)), reason="诉讼中")
    two = closed_loan("L-TWO-A", dt.date(2026, 1, 1))  # a borrower with another loan still open keeps their data
    still_open = make_loan("L-TWO-B")
    alone = still_open.borrower
    still_open.borrower = two.borrower
    still_open.save(update_fields=["borrower"])
    alone.delete()
    AccountState.objects.create(loan=still_open, as_of=AS_OF, days_past_due=40, bucket="M2", status="delinquent", **ZEROS)
    names_before = {b.pk: b.name for b in Borrower.objects.all()}

    report = run_retention(AS_OF, profile=load_profile("cn"))

    # the old loan: free text gone everywhere, borrower anonymised, contact values replaced
    assert texts(old) == ("", "", "", "")
    borrower = Borrower.objects.get(pk=old.borrower_id)
    assert borrower.anonymised_at is not None and borrower.name != names_before[borrower.pk]
    assert (borrower.national_id_cipher, borrower.national_id_masked) == ("", "")
    point = ContactPoint.objects.get(borrower=borrower)
    assert point.value == f"anonymised:{point.pk}" and point.owner_name == ""
    assert ChannelOptOut.objects.get(contact_point=point).detail == ""
    # its delinquency ended 2026-10-01, under 5 years ago: the negative records stay
    assert AccountStateHistory.objects.filter(loan=old, days_past_due__gt=0).exists()
    # the middle loan: text gone (2-year collection period), borrower kept (3-year personal data period)
    assert texts(middle) == ("", "", "", "")
    assert Borrower.objects.get(pk=middle.borrower_id).anonymised_at is None
    # the recent one, the one under a legal hold and the borrower with an open loan: untouched
    assert texts(recent)[0].startswith("您的借款") and texts(held)[2] == "借款人说在上海打工"
    assert Borrower.objects.get(pk=held.borrower_id).anonymised_at is None
    assert Borrower.objects.get(pk=two.borrower_id).anonymised_at is None
    # the delinquency of the loan held (ended 2025-01-01, over 5 years ago) is kept by the hold; L-TWO-A's is deleted
    assert AccountStateHistory.objects.filter(loan=held, days_past_due__gt=0).exists()
    assert not AccountStateHistory.objects.filter(loan=two, days_past_due__gt=0).exists()
    assert not CaseEvent.objects.filter(loan=two).exists()
    assert AccountStateHistory.objects.filter(loan=two, days_past_due=0).exists()  # the clean days stay

    # and the log says what was done, by ids, with no value removed
    logged = entries()
    kinds = {e.kind for e in logged}
    assert kinds >= {"retention.collection_text_removed", "retention.personal_data_anonymised",
                     "retention.credit_records_deleted"}
    anonymised = [json.loads(e.detail) for e in logged if e.kind == "retention.personal_data_anonymised"]
    assert old.borrower_id in anonymised[0]["borrowers"] and anonymised[0]["rule"] == "cn.records.personal_data"
    text = " ".join(e.detail for e in AuditEntry.objects.all())
    for value in ("张三", "借款人说在上海打工", "称非本人借款", "13912345678", "李四", "TD 别再发"):
        assert value not in text
    assert report.borrowers_anonymised == 1
    assert verify(with_checkpoints=False).ok

    # a second run does nothing new
    count = AuditEntry.objects.count()
    again = run_retention(AS_OF, profile=load_profile("cn"))
    assert not again.did_anything and AuditEntry.objects.count() == count


def test_under_reg_f_records_go_after_three_years_and_nothing_else_is_deleted():
    middle = closed_loan("L-US-MID", dt.date(2029, 1, 10))  # 2.4 years: kept under Reg F's 3 years
    old = closed_loan("L-US-OLD", dt.date(2025, 1, 1))
    run_retention(AS_OF, profile=load_profile("us-regf"))
    assert texts(middle)[0] != "" and Borrower.objects.get(pk=middle.borrower_id).anonymised_at is None
    assert texts(old) == ("", "", "", "") and Borrower.objects.get(pk=old.borrower_id).anonymised_at is not None
    assert AccountStateHistory.objects.filter(loan=old, days_past_due__gt=0).exists()  # no credit-report rule here
    assert {json.loads(e.detail)["rule"] for e in entries()} == {"us.records_retention"}


def test_the_command_speaks_both_languages_and_reruns_quietly(capsys):
    closed_loan("L-CLI", dt.date(2025, 1, 1))
    assert main(["retention", "run", "--as-of", AS_OF.isoformat(), "--profile", "cn"]) == 0
    out = capsys.readouterr().out
    assert "匿名化 1 位借款人" in out and "1 borrowers anonymised" in out
    assert main(["retention", "run", "--as-of", AS_OF.isoformat(), "--profile", "cn"]) == 0
    out = capsys.readouterr().out
    assert "没有到期的记录" in out and "nothing is due" in out
    with pytest.raises(SystemExit) as bad_date:  # argparse's usage error, with the bilingual message
        main(["retention", "run", "--as-of", "2031-13-01"])
    assert bad_date.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def test_an_agencys_copy_goes_when_every_placement_it_names_has_ended():
    from arrears.agencies.models import Placement, ResultUpload
    from tests.e2e.test_agencies_portal import TODAY, agency, agency_user, placed_loan

    full = agency("甲催收", "91310000MA1FL000A1", ["borrower_name", "mobile"])
    user = agency_user(get_user_model(), full, "a-collector")
    active, recalled = placed_loan("L-A1", full), placed_loan("L-A2", full, state="recalled")
    Placement.objects.filter(pk=recalled.pk).update(ended_on=TODAY - dt.timedelta(days=1))

    def upload(*loans: str) -> ResultUpload:
        rows = "".join(f"{n},{loan},call,no_answer,王小明 13912345678,不是本机构进行中的委案,Not placed\n"
                       for n, loan in enumerate(loans, start=2))
        return ResultUpload.objects.create(agency=full, user=user, uploaded_at=at(TODAY), file_name="r.csv", rows_read=1,
                                           rows_rejected=len(loans),
                                           rejects_csv=f"line,loan,channel,outcome,note,reason_zh,reason_en\n{rows}")

    ended_only, with_active, unknown = upload("L-A2"), upload("L-A1", "L-A2"), upload("L-NOPE")
    # on a day the first placement is still active: the reports naming only ended or unknown cases go
    report = run_retention(TODAY, profile=load_profile("cn"))
    assert report.agency_uploads_cleared == 2
    kept = {u.pk: u.rejects_csv for u in ResultUpload.objects.all()}
    assert kept[ended_only.pk] == "" and kept[unknown.pk] == "" and "L-A1" in kept[with_active.pk]
    (entry,) = entries("retention.agency_copy_deleted")
    assert json.loads(entry.detail)["uploads"] == [ended_only.pk, unknown.pk] and "13912345678" not in entry.detail
    # once its period is over too, the last one goes; under Reg F (no such rule) nothing would
    assert run_retention(TODAY + dt.timedelta(days=30), profile=load_profile("us-regf")).agency_uploads_cleared == 0
    assert run_retention(TODAY + dt.timedelta(days=30), profile=load_profile("cn")).agency_uploads_cleared == 1
    assert not ResultUpload.objects.exclude(rejects_csv="").exists()
    assert Placement.objects.get(pk=active.pk).state == "active"  # the placement row itself is the lender's record
