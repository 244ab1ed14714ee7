"""Legal cases: opened from a referred review or a manual referral after the checks (limitation, amount,
evidence, holds), moved through a route's stages with their deadlines, the legal hold placed and released,
money enforced reaching the ledger as a payment; and the limitation date with its resets.

The book is tests/e2e/conftest.py's (L-1001 delinquent, balance ¥10,000.00), the people
tests/e2e/workbench_world.py's with a legal officer "legal1". The clock stands at 2026-05-12.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from arrears import clock
from arrears.cases.holds import in_force, place_hold
from arrears.contact.models import ContactAttempt
from arrears.errors import InputError
from arrears.ledger.models import Instalment, Payment
from arrears.legal.costs import AwardedCosts, awarded_costs, split_recovery
from arrears.legal.cases import CaseRefused, advance, open_case, opening_checks, totals
from arrears.legal.limitation import add_years, limitation_date, limitation_of
from arrears.legal.models import LegalReview
from arrears.legal.reviews import decide
from arrears.legal.routes import ROUTES, deadline, may_move
from tests.e2e import workbench_world

world = workbench_world.world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 5, 12)


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


@pytest.fixture
def legal(world, django_user_model):
    user = django_user_model.objects.create_user(username="legal1", password=None)
    user.groups.add(Group.objects.get(name="legal_officer"))
    return user


@pytest.fixture
def referred(world, legal) -> LegalReview:
    review = LegalReview.objects.create(
        loan=world.book.loans["L-1001"], opened_on=dt.date(2026, 4, 28), segment="legal_review", rule="r",
        days_past_due=95, overdue_amount=212_345, balance=1_000_000,
    )
    return decide(review.pk, user=legal, refer=True, note="材料齐全")


# --- routes and limitation, pure ----------------------------------------------------------------


def test_payment_order_deadlines_follow_the_procedure():
    day = dt.date(2026, 6, 1)
    assert deadline("payment_order", "filed", day) == dt.date(2026, 6, 6)  # the court decides in 5 days
    assert deadline("payment_order", "issued", day) == dt.date(2026, 6, 16)  # issues within 15 of accepting
    assert deadline("payment_order", "served", day) == dt.date(2026, 6, 16)  # the debtor pays or objects in 15
    assert deadline("payment_order", "prepare", day) is None
    assert ROUTES["payment_order"].stages == ("prepare", "filed", "issued", "served", "effective", "enforcement", "closed")
    assert may_move("payment_order", "filed", "issued") and not may_move("payment_order", "filed", "served")
    assert may_move("payment_order", "served", "closed")  # an objection ends the order
    assert may_move("us_suit", "service", "default") and may_move("us_suit", "default", "judgment")
    assert not may_move("us_suit", "complaint", "judgment")


def test_limitation_runs_three_years_from_the_later_of_last_due_and_resets():
    assert limitation_date(dt.date(2026, 7, 10)) == dt.date(2029, 7, 10)
    assert limitation_date(dt.date(2026, 7, 10), [dt.date(2026, 1, 1)]) == dt.date(2029, 7, 10)  # before: no effect
    assert limitation_date(dt.date(2026, 7, 10), [dt.date(2027, 3, 2)]) == dt.date(2030, 3, 2)
    assert add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)


def test_a_delivered_demand_resets_the_clock_an_undelivered_one_does_not(world):
    loan = world.book.loans["L-1001"]
    last_due = max(Instalment.objects.filter(loan=loan).values_list("due_date", flat=True))
    before = limitation_of(loan.pk, TODAY)
    assert before.expires_on == add_years(max(last_due, before.runs_from), 3)
    # a demand sent after the last due date: only its delivery receipt counts
    later = dt.datetime.combine(last_due + dt.timedelta(days=30), dt.time(3), tzinfo=dt.UTC)
    ContactAttempt.objects.create(idempotency_key="lim-1", loan=loan, channel="sms", template="formal_demand_letter",
                                  state="sent", sent_at=later)
    assert limitation_of(loan.pk, later.date()).expires_on == before.expires_on
    ContactAttempt.objects.create(idempotency_key="lim-2", loan=loan, channel="sms", template="formal_demand_letter",
                                  state="sent", sent_at=later, receipt_at=later)
    after = limitation_of(loan.pk, later.date())
    assert (after.reason, after.expires_on) == ("demand", add_years(later.date(), 3))


# --- cases ------------------------------------------------------------------------------------


def test_the_checks_pass_for_an_aged_account_with_a_schedule(world):
    checks = {check.name: check.passed for check in opening_checks(world.book.loans["L-1001"].pk, TODAY)}
    assert checks == {"limitation": True, "amount": True, "evidence": True, "holds": True}


def test_a_referred_review_becomes_a_case_under_a_legal_hold(world, legal, referred):
    case = open_case(user=legal, route="payment_order", review_id=referred.pk, forum="北京市朝阳区人民法院")
    assert (case.stage, case.state, case.claim_amount) == ("prepare", "open", 1_000_000)
    assert [hold.kind for hold in in_force(case.loan_id)] == ["legal_hold"]
    with pytest.raises(InputError, match="already"):
        open_case(user=legal, route="suit", review_id=referred.pk)


def test_a_dispute_open_blocks_referral_and_opening(world, legal):
    loan = world.book.loans["L-1005"]
    place_hold(loan_id=loan.pk, kind="dispute_open", reason="借款人否认借款", source="test")
    review = LegalReview.objects.create(loan=loan, opened_on=dt.date(2026, 5, 1), days_past_due=95,
                                        overdue_amount=1, balance=1)
    with pytest.raises(InputError, match="dispute open"):
        decide(review.pk, user=legal, refer=True, note="移交")
    with pytest.raises(InputError, match="dispute open"):
        open_case(user=legal, route="suit", loan_id=loan.pk, note="人工移交")
    assert not in_force(loan.pk).filter(kind="legal_hold").exists()


def test_a_collector_may_not_open_a_case(world, referred):
    with pytest.raises(CaseRefused):
        open_case(user=world.users["col1"], route="suit", review_id=referred.pk)


def test_a_payment_order_served_unopposed_enforced_and_recovered(world, legal, referred):
    case = open_case(user=legal, route="payment_order", review_id=referred.pk)
    for stage in ("filed", "issued", "served", "effective"):
        kwargs = {"case_number": "(2026)京0105民督123号", "fees_paid": 5_000} if stage == "filed" else {}
        advance(case.pk, user=legal, to=stage, entered_on=TODAY, **kwargs)
    case.refresh_from_db()
    assert case.stages.get(stage="served").due_by == TODAY + dt.timedelta(days=15)
    with pytest.raises(InputError, match="cannot move"):
        advance(case.pk, user=legal, to="filed", entered_on=TODAY)
    with pytest.raises(InputError, match="negative"):
        advance(case.pk, user=legal, to="closed", entered_on=TODAY, recovered=-1)
    advance(case.pk, user=legal, to="enforcement", entered_on=TODAY, recovered=300_000, costs_awarded=5_000)
    payment = Payment.objects.get(loan_id=case.loan_id, channel="enforcement")
    # the costs awarded are paid first; the rest reaches the ledger as a payment
    assert (payment.amount, payment.value_date) == (295_000, TODAY)
    assert awarded_costs(case.loan_id) == AwardedCosts(awarded=5_000, recovered=5_000)
    advance(case.pk, user=legal, to="closed", entered_on=TODAY, note="执行完毕")
    case.refresh_from_db()
    assert case.state == "closed" and case.case_number == "(2026)京0105民督123号"
    assert not in_force(case.loan_id).filter(kind="legal_hold").exists()
    assert totals(case).recovered == 300_000 and totals(case).fees_paid == 5_000 and totals(case).costs_recovered == 5_000
    assert list(case.stages.values_list("stage", flat=True)) == [
        "prepare", "filed", "issued", "served", "effective", "enforcement", "closed"]


def test_costs_awarded_are_owed_apart_and_paid_first_by_enforcement(client, world, legal, referred, capsys):
    from arrears.cli import main
    from arrears.cycle.statement import account_statement
    from tests.e2e.workbench_world import signed_in

    assert split_recovery(100, outstanding=30) == (30, 70) and split_recovery(20, outstanding=30) == (20, 0)
    assert split_recovery(50, outstanding=0) == (0, 50)
    loan = world.book.loans["L-1001"]
    before = account_statement(loan.pk, TODAY).state
    balance_before = before.balance
    case = open_case(user=legal, route="suit", review_id=referred.pk)
    for stage in ("filed", "served", "hearing"):
        advance(case.pk, user=legal, to=stage, entered_on=TODAY)
    # the judgment makes the debtor bear ¥512.34 of court fees: owed from that day, the loan's ledger untouched
    advance(case.pk, user=legal, to="effective", entered_on=TODAY, costs_awarded=51_234, amount_awarded=1_000_000)
    assert awarded_costs(loan.pk, TODAY) == AwardedCosts(awarded=51_234, recovered=0)
    assert awarded_costs(loan.pk, TODAY - dt.timedelta(days=1)) == AwardedCosts(0, 0)
    assert account_statement(loan.pk, TODAY).state.balance == balance_before
    # a first recovery smaller than the costs pays only costs: no payment reaches the ledger
    advance(case.pk, user=legal, to="enforcement", entered_on=TODAY, recovered=20_000)
    assert not Payment.objects.filter(loan=loan, channel="enforcement").exists()
    assert awarded_costs(loan.pk).outstanding == 31_234
    # closing with the rest: the costs are settled and the remainder is a payment, allocated by the waterfall
    advance(case.pk, user=legal, to="closed", entered_on=TODAY, recovered=131_234)
    payment = Payment.objects.get(loan=loan, channel="enforcement")
    assert payment.amount == 100_000 and awarded_costs(loan.pk) == AwardedCosts(51_234, 51_234)
    statement = account_statement(loan.pk, TODAY)
    part = next(a for a in statement.allocations if a.payment_id == payment.pk)
    assert part.penalty + part.fee + part.interest + part.principal + part.credit == 100_000
    assert statement.state.paid_total == before.paid_total + 100_000
    assert statement.state.principal_outstanding == before.principal_outstanding - part.principal
    # shown on the account page, in explain and on the case page
    assert main(["explain", "L-1001"]) == 0
    out = capsys.readouterr().out
    assert "512.34" in out and "Costs awarded against the debtor" in out
    page = signed_in(client, legal).get("/accounts/L-1001/").content.decode()
    assert "法院判决由债务人承担的费用 512.34 元" in page
    assert client.get(f"/api/legal/cases/{case.pk}").json()["costs_outstanding_fen"] == 0


def test_bad_amounts_and_dates_are_refused_in_both_languages(world, legal, referred):
    case = open_case(user=legal, route="suit", review_id=referred.pk)
    with pytest.raises(InputError) as bad:
        advance(case.pk, user=legal, to="filed", fees_paid=1.5)
    assert "分" in bad.value.zh and "fen" in bad.value.en
    with pytest.raises(InputError, match="enforcement or closing"):
        advance(case.pk, user=legal, to="filed", recovered=100)
    with pytest.raises(InputError, match="future"):
        advance(case.pk, user=legal, to="filed", entered_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(InputError, match="unknown route"):
        open_case(user=legal, route="duel", loan_id=case.loan_id, note="x")


# --- over HTTP ----------------------------------------------------------------------------------


def test_a_legal_officer_opens_and_moves_a_case_on_the_pages(client, world, legal, referred):
    from tests.e2e.workbench_world import signed_in

    signed_in(client, legal)
    page = client.get("/legal/cases/")
    assert page.status_code == 200 and f'data-review="{referred.pk}"' in page.content.decode()
    opened = client.post(f"/legal/{referred.pk}/case/", {"route": "payment_order", "forum": "朝阳区人民法院"})
    assert opened.status_code == 302
    case = referred.loan.legal_cases.get()
    assert opened["Location"] == f"/legal/cases/{case.pk}/"
    moved = client.post(f"/legal/cases/{case.pk}/advance/", {"stage": "filed", "fees_paid": "50.25",
                                                             "case_number": "(2026)京0105民督123号"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.case_number, case.stages.get(stage="filed").fees_paid) == ("filed", "(2026)京0105民督123号", 5_025)
    # a step the route does not allow is refused with the reason, nothing stored
    refused = client.post(f"/legal/cases/{case.pk}/advance/", {"stage": "enforcement"}, follow=True)
    assert "不能进入" in refused.content.decode()
    assert case.stages.count() == 2
    detail = client.get(f"/legal/cases/{case.pk}/").content.decode()
    assert "(2026)京0105民督123号" in detail and "发出支付令" in detail  # the next stage offered, in Chinese


def test_the_api_opens_a_case_and_records_an_enforced_recovery(client, world, legal, referred):
    from tests.e2e.workbench_world import signed_in

    signed_in(client, legal)
    answer = client.post("/api/legal/cases", {"review": referred.pk, "route": "suit"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    case_id = answer.json()["id"]
    for stage in ("filed", "served", "hearing", "effective"):
        assert client.post(f"/api/legal/cases/{case_id}/stages", {"stage": stage},
                           content_type="application/json").status_code == 200
    answer = client.post(f"/api/legal/cases/{case_id}/stages", {"stage": "enforcement", "recovered": 250_000},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["recovered_fen"] == 250_000
    assert Payment.objects.filter(loan=referred.loan, channel="enforcement", amount=250_000).exists()
    bad = client.post(f"/api/legal/cases/{case_id}/stages", {"stage": "closed", "entered_on": "12/05/2026"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["entered_on"][0]["zh"]
    again = client.post("/api/legal/cases", {"review": referred.pk, "route": "suit"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["en"]
    assert [row["loan"] for row in client.get("/api/legal/cases").json()["cases"]] == ["L-1001"]
    assert client.get(f"/api/legal/cases/{case_id}").json()["stages"][-1]["stage"] == "enforcement"


def test_the_limitation_list_names_accounts_nearing_it(client, world, legal):
    from tests.e2e.workbench_world import signed_in

    signed_in(client, legal)
    answer = client.get("/api/legal/limitation?within_days=3660").json()
    loans = [row["loan"] for row in answer["accounts"]]
    assert "L-1001" in loans and answer["accounts"] == sorted(answer["accounts"], key=lambda row: row["expires_on"])
    assert all(row["citation"]["en"].startswith("PRC Civil Code") for row in answer["accounts"])
    assert client.get("/api/legal/limitation?within_days=0").json()["accounts"] == []
    assert client.get("/api/legal/limitation?within_days=-1").status_code == 400


# --- the evidence pack --------------------------------------------------------------------------


def test_the_evidence_pack_reconciles_from_its_own_files_and_every_hash_holds(world, legal, referred, tmp_path):
    import csv
    import hashlib
    import io
    import json
    import zipfile

    from arrears.cli import main

    loan = world.book.loans["L-1001"]
    ContactAttempt.objects.create(idempotency_key="pack-1", loan=loan, channel="sms", template="formal_demand_letter",
                                  state="sent", sent_at=NOW, receipt_at=NOW, provider="local", provider_message_id="m-1")
    case = open_case(user=legal, route="payment_order", review_id=referred.pk)
    for stage in ("filed", "issued", "served"):
        advance(case.pk, user=legal, to=stage, entered_on=TODAY)
    advance(case.pk, user=legal, to="effective", entered_on=TODAY, costs_awarded=10_050)
    advance(case.pk, user=legal, to="enforcement", entered_on=TODAY, recovered=4_000)
    target = tmp_path / "pack.zip"
    assert main(["legal", "pack", "L-1001", "--cut-off", "2026-05-12", "--out", str(target)]) == 0
    archive = zipfile.ZipFile(target)
    listed = json.loads(archive.read("manifest.json"))["files"]
    assert {row["name"] for row in listed} | {"manifest.json"} == set(archive.namelist())
    for row in listed:  # every hash holds
        assert hashlib.sha256(archive.read(row["name"])).hexdigest() == row["sha256"]
    assert archive.read("index.pdf").startswith(b"%PDF")

    def table(name: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))

    ledger = {row["component"]: row for row in table("ledger.csv")}
    payments = [row for row in table("payments.csv") if row["counted"] == "yes"]
    schedule = table("schedule.csv")
    assert payments, "the book's payments are in the pack"
    # each payment's parts make the payment, to the fen
    for row in payments:
        parts = sum(int(row[f"{name}_fen"]) for name in ("penalty", "fee", "interest", "principal", "credit"))
        assert parts == int(row["amount_fen"])
    # the ledger's paid column is the payments' parts; charged − paid = outstanding
    for name in ("principal", "interest", "penalty", "fee"):
        assert int(ledger[name]["paid_fen"]) == sum(int(row[f"{name}_fen"]) for row in payments)
        assert int(ledger[name]["charged_fen"]) - int(ledger[name]["paid_fen"]) == int(ledger[name]["outstanding_fen"])
    # principal charged is the disbursement; interest charged is the schedule's interest fallen due by the cut-off
    assert int(ledger["principal"]["charged_fen"]) == int(table("disbursement.csv")[0]["amount_fen"])
    assert int(ledger["interest"]["charged_fen"]) == sum(
        int(row["interest_fen"]) for row in schedule if row["due_date"] <= "2026-05-12")
    assert int(ledger["balance"]["outstanding_fen"]) == sum(
        int(ledger[name]["outstanding_fen"]) for name in ("principal", "interest", "penalty", "fee"))
    # the costs awarded: their own component, rebuilt from the stages, and the total owed adds them
    stages = table("legal_costs.csv")
    assert [(row["stage"], row["costs_awarded_fen"], row["costs_recovered_fen"]) for row in stages] == [
        ("effective", "10050", "0"), ("enforcement", "0", "4000")]
    court = ledger["court_costs"]
    assert (int(court["charged_fen"]), int(court["paid_fen"]), int(court["outstanding_fen"])) == (
        sum(int(row["costs_awarded_fen"]) for row in stages), sum(int(row["costs_recovered_fen"]) for row in stages), 6_050)
    assert int(ledger["total_owed"]["outstanding_fen"]) == int(ledger["balance"]["outstanding_fen"]) + 6_050
    assert not [row for row in payments if row["channel"] == "enforcement"]  # all of it paid costs
    # the demand with its delivery proof; identity masked
    notices = table("notices.csv")
    assert [(row["template"], row["provider_message_id"], row["receipt_at"][:10]) for row in notices] == [
        ("formal_demand_letter", "m-1", "2026-05-12")]
    borrower = json.loads(archive.read("borrower.json"))
    assert all("****" in point["value"] for point in borrower["contact_points"] if point["kind"] == "mobile")


def test_the_account_page_and_explain_show_the_limitation_date(client, world, legal, capsys):
    from arrears.cli import main
    from tests.e2e.workbench_world import signed_in

    loan = world.book.loans["L-1001"]
    expected = limitation_of(loan.pk, dt.date(2026, 4, 30)).expires_on
    assert main(["explain", "L-1001"]) == 0
    out = capsys.readouterr().out
    assert f"诉讼时效届满日 {expected}" in out and f"Limitation date {expected}" in out
    page = signed_in(client, legal).get("/accounts/L-1001/").content.decode()
    assert f"诉讼时效届满日 {expected}" in page
    assert main(["legal", "limitation", "L-1001", "--as-of", "2026-04-30"]) == 0
    assert f"Limitation date {expected}" in capsys.readouterr().out
    assert main(["legal", "limitation", "L-404"]) == 1
    assert "no loan" in capsys.readouterr().err


def test_the_demo_writes_an_evidence_pack_and_the_days_credit_report(world, legal, referred, tmp_path):
    from arrears.demo import legal_and_credit_files

    case = open_case(user=legal, route="payment_order", review_id=referred.pk)
    advance(case.pk, user=legal, to="filed", entered_on=TODAY)
    lines = legal_and_credit_files(tmp_path, dt.date(2026, 4, 30))
    assert lines[0] == "法律案件 / legal cases: 立案 1"
    assert (tmp_path / "packs" / "L-1001-2026-04-30.zip").exists()
    assert (tmp_path / "credit" / "D1-20260430.jsonl").read_text(encoding="utf-8").count("\n") == 6
    assert (tmp_path / "credit" / "D1-20260430.validation.txt").exists()
