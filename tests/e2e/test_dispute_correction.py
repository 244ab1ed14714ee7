"""An upheld "amount wrong" dispute corrects the ledger: the compliance officer decides it with the
amount in yuan, a waiver-channel payment row is posted and audit-logged, and after the night the
balance the borrower sees is lower by exactly that amount, to the fen.

The world is tests/e2e/workbench_world.py on the page tests' book; the nights are the real nightly
runner (`arrears nightly --full`), which ages every loan from the ledger.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from arrears import clock
from arrears.audit.models import AuditEntry
from arrears.borrower.account import loan_view
from arrears.cli import main
from arrears.cycle.models import AccountState
from arrears.cycle.statement import account_statement
from arrears.disputes import services
from arrears.disputes.models import Dispute
from arrears.ledger.models import Payment
from arrears.ledger.recoveries import recovered_between
from tests.e2e import workbench_world
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)

EVE = dt.date(2026, 5, 11)
DAY = dt.date(2026, 5, 12)


@pytest.fixture(autouse=True)
def decision_morning():
    clock.set_now(dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC))  # 10:00 in Shanghai
    yield
    clock.set_now(None)


def night(day: dt.date) -> None:
    assert main(["nightly", "--as-of", day.isoformat(), "--full"]) == 0


def test_an_upheld_amount_wrong_dispute_lowers_the_balance_after_the_night_to_the_fen(client, world):
    loan = world.book.loans["L-1001"]
    clock.set_now(dt.datetime(2026, 5, 11, 16, 0, tzinfo=dt.UTC))
    night(EVE)
    clock.set_now(dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC))
    before = AccountState.objects.get(loan=loan).balance
    dispute = services.raise_dispute(loan, reason="amount_wrong", details="罚息多算了 / the penalty is overcharged",
                                     source="phone")
    # when the officer upholds it with the corrected amount, in yuan
    signed_in(client, world.users["comp1"])
    response = client.post(f"/disputes/{dispute.pk}/decide/",
                           {"outcome": "upheld", "reasons": "核实罚息多计 / penalty recomputed", "correction": "123.45"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    # then the ledger has the correction: a waiver row, not money received, posted once and logged
    payment = Payment.objects.get(reference=f"DISPUTE-{dispute.pk}-CORRECTION")
    assert (dispute.correction_id, dispute.correction_amount) == (payment.pk, 12_345)
    assert (payment.amount, payment.channel, payment.value_date, payment.loan_id) == (12_345, "waiver", DAY, loan.pk)
    assert recovered_between(DAY, DAY, loan_ids=[loan.pk]) == 0
    entry = AuditEntry.objects.get(kind="ledger.correction")
    detail = json.loads(entry.detail)
    assert entry.subject == f"loan:{loan.pk}" and (detail["amount"], detail["dispute"]) == (12_345, dispute.pk)
    assert "¥123.45" in dispute.outcome_letter.body
    # and after the night the stored balance the borrower sees is the ledger's without it, less 123.45
    clock.set_now(dt.datetime(2026, 5, 12, 16, 0, tzinfo=dt.UTC))
    night(DAY)
    Payment.objects.filter(pk=payment.pk).update(amount=0)  # the same day aged as if nothing were corrected
    uncorrected = account_statement(loan.pk, DAY).state.balance
    Payment.objects.filter(pk=payment.pk).update(amount=12_345)
    after = AccountState.objects.get(loan=loan)
    assert after.as_of == DAY and after.balance == uncorrected - 12_345
    assert loan_view(loan).amounts.balance == after.balance and before != after.balance


@pytest.mark.parametrize(("reason", "outcome", "correction", "words"), [
    ("already_paid", "upheld", 100, "金额有误"),
    ("amount_wrong", "rejected", 100, "金额有误"),
    ("amount_wrong", "upheld", -1, "大于 0"),
    ("amount_wrong", "upheld", 10**12, "不能超过当前余额"),
])
def test_a_correction_the_dispute_cannot_carry_is_refused_and_nothing_is_posted(world, reason, outcome, correction, words):
    loan = world.book.loans["L-1001"]
    dispute = services.raise_dispute(loan, reason=reason, details="x", source="phone")
    with pytest.raises(Exception, match=words):
        services.decide_dispute(dispute.pk, outcome=outcome, reasons="r", correction=correction)
    dispute.refresh_from_db()
    assert dispute.state == "open" and not Payment.objects.filter(channel="waiver").exists()


def test_the_page_refuses_a_correction_that_is_not_an_amount(client, world):
    dispute = services.raise_dispute(world.book.loans["L-1001"], reason="amount_wrong", details="x", source="phone")
    signed_in(client, world.users["comp1"])
    for bad in ("12.345", "abc", "1.2.3"):
        response = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "upheld", "reasons": "r", "correction": bad})
        assert response.status_code == 400
    assert Dispute.objects.get(pk=dispute.pk).state == "open" and not Payment.objects.filter(channel="waiver").exists()
