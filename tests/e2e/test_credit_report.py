"""The day's credit report from the page tests' book (tests/e2e/conftest.py: six loans aged on 2026-03-31 and
2026-04-30): the first report sends every account as new, the next month end sends the month's records with a
five-category change named as such, a settled account is reported closed once; an objection answered within
20 days, an upheld one sends its correction or deletion in the next file; the submission file reads back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group

from arrears import clock
from arrears.credit.models import CreditObjection, SentRecord
from arrears.credit.objections import ObjectionRefused, answer_objection, file_objection
from arrears.credit.reporting import last_sent, run_report
from arrears.cycle.models import AccountStateHistory
from arrears.errors import InputError
from tests.e2e.conftest import END, _state_fields

pytestmark = pytest.mark.django_db
MAY_END = dt.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC))
    yield
    clock.set_now(None)


@pytest.fixture
def officer(book, django_user_model):
    from arrears.access.sync import sync_roles

    sync_roles()
    user = django_user_model.objects.create_user(username="comp1", password=None)
    user.groups.add(Group.objects.get(name="compliance_officer"))
    return user


def age_may(book):
    """May's month end: L-1001 slides to 95 days (关注 → 次级), L-1004 is settled, the rest stand still."""
    for key, loan in book.loans.items():
        april = AccountStateHistory.objects.get(loan=loan, as_of=END)
        dpd, status, balance = april.days_past_due, april.status, april.balance
        if key == "L-1001":
            dpd = 95
        if key == "L-1004":
            status, balance = "settled", 0
        AccountStateHistory.objects.create(loan=loan, **_state_fields(MAY_END, april.bucket, dpd, status, balance,
                                                                      april.overdue_principal if balance else 0))


def read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_first_report_sends_every_account_as_new_and_validates(book, tmp_path):
    outcome = run_report(END, directory=tmp_path)
    lines = read(outcome.path)
    assert outcome.events == {"new": 6} and outcome.held_back == 0
    assert sorted(line["record"]["基础段"]["AcctCode"] for line in lines) == sorted(book.loans)
    l1001 = next(line["record"] for line in lines if line["record"]["基础段"]["AcctCode"] == "L-1001")
    monthly = l1001["月度表现段"]
    assert (l1001["基础段"]["RptDateCode"], monthly["AcctStatus"], monthly["FiveCate"]) == ("10", "2", "2")
    march = AccountStateHistory.objects.get(loan=book.loans["L-1001"], as_of=dt.date(2026, 3, 31)).days_past_due
    assert monthly["RpyStatus24"] == "#" * 22 + str((march - 1) // 30 + 1) + "2"  # no ageing before March; April: 45
    assert monthly["TotOverd"] == 2200  # ¥2,000 principal + ¥200 interest overdue
    assert "records sent: 6" in outcome.validation_path.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="made already"):
        run_report(END, directory=tmp_path)


def test_the_next_month_end_names_the_five_category_change_and_the_closing(book, tmp_path):
    run_report(END, directory=tmp_path)
    age_may(book)
    outcome = run_report(MAY_END, directory=tmp_path)
    events = {line["record"]["基础段"]["AcctCode"]: line["event"] for line in read(outcome.path)}
    assert events["L-1001"] == "five_category" and events["L-1004"] == "closed"
    assert {events[key] for key in ("L-1002", "L-1003", "L-1005", "L-1006")} == {"month_end"}
    held = last_sent()
    assert held[book.loans["L-1001"].pk]["月度表现段"]["FiveCate"] == "3"
    assert held[book.loans["L-1004"].pk]["月度表现段"]["CloseDate"] == "2026-05-31"


def test_an_objection_is_answered_within_20_days_and_an_upheld_one_is_corrected_next_day(book, officer, tmp_path):
    run_report(END, directory=tmp_path)
    loan = book.loans["L-1003"]
    objection = file_objection(loan_id=loan.pk, claim="四月已还款却报逾期", source="portal")
    assert objection.answer_by == objection.received_on + dt.timedelta(days=20)
    with pytest.raises(ObjectionRefused):
        answer_objection(objection.pk, outcome="corrected", answer="x", by=book_user(book))
    with pytest.raises(InputError, match="outcome must be"):
        answer_objection(objection.pk, outcome="maybe", answer="x", by=officer)
    answer_objection(objection.pk, outcome="corrected", answer="核实后更正 / corrected after checking", by=officer)
    deleted = file_objection(loan_id=book.loans["L-1005"].pk, claim="非本人借款", source="staff")
    answer_objection(deleted.pk, outcome="corrected", answer="冒名借款，删除记录", by=officer, delete=True)
    kept = file_objection(loan_id=book.loans["L-1006"].pk, claim="金额不对", source="staff")
    answer_objection(kept.pk, outcome="unchanged", answer="经核实无误", by=officer)
    age_may(book)
    outcome = run_report(MAY_END, directory=tmp_path)
    lines = read(outcome.path)
    corrections = [line for line in lines if line["event"] == "correction"]
    assert [line["record"]["基础段"]["RptDateCode"] for line in corrections] == ["99"]
    assert corrections[0]["record"]["基础段"]["RptDate"] == "2026-04-30"
    assert {"event": "delete", "AcctCode": "L-1005", "RptDate": "2026-04-30"} in lines
    assert book.loans["L-1005"].pk not in last_sent() or SentRecord.objects.filter(
        loan=book.loans["L-1005"], as_of=MAY_END, deleted=False).exists()
    assert CreditObjection.objects.filter(correction_sent__isnull=False).count() == 2
    assert CreditObjection.objects.get(pk=kept.pk).correction is None


def book_user(book):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="nobody", password=None)


def test_the_cli_writes_the_file_and_refuses_a_day_without_ageing(book, tmp_path, capsys):
    from arrears.cli import main

    assert main(["credit", "report", "--as-of", "2026-04-30", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "D1-20260430.jsonl").exists() and (tmp_path / "D1-20260430.validation.txt").exists()
    assert main(["credit", "report", "--as-of", "2026-06-15", "--out", str(tmp_path)]) == 1
    assert "no nightly ageing" in capsys.readouterr().err


def test_the_account_page_says_when_the_negative_record_falls_away(book, tmp_path, capsys):
    from arrears.cli import main

    run_report(END, directory=tmp_path)
    age_may(book)
    run_report(MAY_END, directory=tmp_path)
    from arrears.cycle.models import AccountState

    AccountState.objects.filter(loan=book.loans["L-1004"]).update(as_of=MAY_END, status="settled", balance=0)
    assert main(["explain", "L-1004", "--as-of", "2026-05-31"]) == 0
    out = capsys.readouterr().out
    record = last_sent([book.loans["L-1004"].pk])[book.loans["L-1004"].pk]
    from arrears.credit.d1 import is_negative

    assert is_negative(record)  # it was past due in March and April, settled at the end of May
    assert "征信负面记录将于 2031-05-31 起不再报送" in out and "stops being reported on 2031-05-31" in out
    assert main(["explain", "L-1001", "--as-of", "2026-05-31"]) == 0
    assert "保留 5 年" in capsys.readouterr().out


def test_staff_record_and_answer_objections_over_json(book, officer, client, tmp_path):
    run_report(END, directory=tmp_path)
    client.force_login(officer)
    made = client.post("/api/credit/objections", {"loan": "L-1003", "claim": "四月已还款"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["answer_by"] == "2026-06-21"
    assert client.post("/api/credit/objections", {"loan": "L-1003", "claim": " "},
                       content_type="application/json").status_code == 400
    assert client.post("/api/credit/objections", {"loan": "L-404", "claim": "x"},
                       content_type="application/json").status_code == 404
    objection_id = made.json()["id"]
    bad = client.post(f"/api/credit/objections/{objection_id}/answer", {"outcome": "maybe", "answer": "x"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["outcome"][0]["en"].startswith("outcome must be")
    done = client.post(f"/api/credit/objections/{objection_id}/answer", {"outcome": "corrected", "answer": "已更正"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["correction"]["event"] == "correction"
    again = client.post(f"/api/credit/objections/{objection_id}/answer", {"outcome": "unchanged", "answer": "x"},
                        content_type="application/json")
    assert again.status_code == 409
    assert [row["id"] for row in client.get("/api/credit/objections").json()["objections"]] == [objection_id]


def test_the_objection_page_shows_deadlines_and_records_answers_in_both_languages(book, officer, client, tmp_path,
                                                                                  django_user_model):
    run_report(END, directory=tmp_path)
    late = file_objection(loan_id=book.loans["L-1002"].pk, claim="从未借款", source="portal",
                          received_on=dt.date(2026, 5, 1))  # due 2026-05-21: late on 2026-06-01
    client.force_login(officer)
    page = client.get("/credit/objections/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "征信异议" in page and f'id="objection-{late.pk}"' in page and "2026-05-21" in page
    assert "-11（已逾期）" in page and "借款人自助服务" in page and 'id="nav-credit"' in page
    # staff record an objection on the page: the same service, the 20-day deadline
    recorded = client.post("/credit/objections/record/", {"loan": "L-1003", "claim": "四月已还款"})
    assert recorded.status_code == 302
    made = CreditObjection.objects.get(loan=book.loans["L-1003"])
    assert (made.source, made.answer_by, made.recorded_by) == ("staff", dt.date(2026, 6, 21), officer)
    assert client.post("/credit/objections/record/", {"loan": "L-404", "claim": "x"}).status_code == 404
    empty = client.post("/credit/objections/record/", {"loan": "L-1003", "claim": " "}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400 and "The objection is required" in empty.content.decode()
    # an answer without its text is refused, nothing stored; then recorded, with the correction to send
    bad = client.post(f"/credit/objections/{made.pk}/answer/", {"outcome": "corrected", "answer": " "},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "written answer is required" in bad.content.decode()
    assert client.post(f"/credit/objections/{made.pk}/answer/", {"outcome": "corrected", "answer": "已更正"}).status_code == 302
    made.refresh_from_db()
    assert made.outcome == "corrected" and made.correction["event"] == "correction" and made.answered_by == officer
    again = client.post(f"/credit/objections/{made.pk}/answer/", {"outcome": "unchanged", "answer": "x"})
    assert again.status_code == 409
    english = client.get("/credit/objections/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Credit-report objections" in english and "Awaiting an answer" in english and "corrected" in english
    # a team lead reads, without the forms; a collector is refused
    lead = django_user_model.objects.create_user(username="lead9", password=None)
    lead.groups.add(Group.objects.get(name="team_lead"))
    client.force_login(lead)
    read = client.get("/credit/objections/")
    assert read.status_code == 200 and "answer-form" not in read.content.decode()
    assert client.post(f"/credit/objections/{late.pk}/answer/", {"outcome": "unchanged", "answer": "x"}).status_code == 403


def test_a_borrower_objects_to_the_credit_record_on_the_portal(book, officer, client, tmp_path):
    from tests.e2e.test_borrower_portal import english, signed_in

    signed_in(client, "L-1001")
    nothing = client.get("/my/loans/L-1001/credit-objection/").content.decode()
    assert 'id="nothing-reported"' in nothing and "send-objection" not in nothing  # nothing sent yet
    assert client.post("/my/loans/L-1001/credit-objection/", {"claim": "x"}).status_code == 400
    run_report(END, directory=tmp_path)
    page = client.get("/my/loans/L-1001/credit-objection/").content.decode()
    sent = last_sent([book.loans["L-1001"].pk])[book.loans["L-1001"].pk]["月度表现段"]
    assert "对征信记录提出异议" in page and sent["RpyStatus24"] in page
    assert 'id="raise-credit-objection"' in client.get("/my/loans/L-1001/").content.decode()
    assert client.post("/my/loans/L-1001/credit-objection/", {"claim": "  "}).status_code == 400
    made = client.post("/my/loans/L-1001/credit-objection/", {"claim": "三月已按时还款，却报逾期"})
    assert made.status_code == 302 and made["Location"] == "/my/loans/L-1001/"
    objection = CreditObjection.objects.get(loan=book.loans["L-1001"])
    assert (objection.source, objection.answer_by) == ("portal", dt.date(2026, 6, 21))
    # another borrower's loan is not found; the staff page lists it with its deadline
    assert client.get("/my/loans/L-1003/credit-objection/").status_code == 404
    english(client)
    assert "Object to your credit report" in client.get("/my/loans/L-1001/credit-objection/").content.decode()
    client.force_login(officer)
    staff = client.get("/credit/objections/").content.decode()
    assert f'id="objection-{objection.pk}"' in staff and "2026-06-21" in staff


# --- the nightly step -----------------------------------------------------------------------------


def test_the_reporting_day_follows_the_profile():
    from arrears.compliance.profiles import apply_policy, load_profile
    from arrears.credit.schedule import is_reporting_day

    cn = load_profile("cn")
    assert is_reporting_day(dt.date(2026, 4, 30), cn) and not is_reporting_day(dt.date(2026, 4, 29), cn)
    assert is_reporting_day(dt.date(2028, 2, 29), cn)
    on_15th = apply_policy(cn, {"policy": "p", "extends": "cn", "rules": {"cn.credit_reporting": {"day_of_month": 15}}})
    assert is_reporting_day(dt.date(2026, 4, 15), on_15th) and not is_reporting_day(dt.date(2026, 4, 30), on_15th)
    on_31st = apply_policy(cn, {"policy": "p", "extends": "cn", "rules": {"cn.credit_reporting": {"day_of_month": 31}}})
    assert is_reporting_day(dt.date(2026, 2, 28), on_31st) and is_reporting_day(dt.date(2026, 3, 31), on_31st)
    daily = apply_policy(cn, {"policy": "p", "extends": "cn", "rules": {"cn.credit_reporting": {"daily": True}}})
    assert is_reporting_day(dt.date(2026, 4, 29), daily)
    with pytest.raises(Exception) as loosened:  # daily reporting, once on, stays on
        apply_policy(daily, {"policy": "q", "extends": "cn", "rules": {"cn.credit_reporting": {"daily": False}}})
    assert "daily" in loosened.value.en and loosened.value.zh


def test_the_nightly_credit_step_reports_on_the_day_once_and_again_gives_the_same(book, tmp_path, settings):
    from arrears.compliance.profiles import load_profile
    from arrears.credit.models import CreditReport
    from arrears.credit.reporting import nightly_report
    from arrears.nightly.steps import STEP_NAMES, NightOptions, credit

    assert STEP_NAMES.index("credit") == STEP_NAMES.index("legal") + 1 < STEP_NAMES.index("queue")
    cn = load_profile("cn")
    assert nightly_report(dt.date(2026, 4, 29), directory=tmp_path, profile=cn) == {"reporting_day": 0}
    settings.VAR_DIR = tmp_path
    first = credit(END, NightOptions(profile="cn"))
    assert first == {"reporting_day": 1, "records": 6, "held_back": 0}
    written = (tmp_path / "credit" / "D1-20260430.jsonl").read_bytes()
    # run again (a night resumed after a kill): nothing new is recorded or sent, the counts are the same
    assert credit(END, NightOptions(profile="cn")) == first
    assert CreditReport.objects.count() == 1 and SentRecord.objects.count() == 6
    assert (tmp_path / "credit" / "D1-20260430.jsonl").read_bytes() == written
    # an earlier day after a later report: nothing sent behind it
    assert nightly_report(dt.date(2026, 3, 31), directory=tmp_path, profile=cn) == {"reporting_day": 1, "later_report": 1}
