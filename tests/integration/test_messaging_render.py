"""Rendering a contact attempt's message from the approved template, on a real database."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.ledger.models import Borrower, ContactPoint, Instalment, Loan, Product
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule
from arrears.messaging import NoApprovedTemplate, RenderedMessage, TemplateError, render_attempt
from arrears.messaging.models import TemplateVersion
from arrears.messaging.service import approve, create_draft, edit
from arrears.money import format_yuan

pytestmark = pytest.mark.django_db(transaction=True)
START = dt.date(2026, 1, 31)
AS_OF = dt.date(2026, 5, 10)
_ATTEMPTS = itertools.count(1)


def make_account(external_id: str = "L-MSG-1", *, name: str = "张三丰", language: str | None = None) -> Loan:
    """A loan never paid since it started, with the borrower's mobile, email and address."""
    product, _ = Product.objects.get_or_create(
        code="CASH",
        defaults=dict(
            name_zh="现金贷", name_en="Cash loan", repayment_method="annuity", annual_rate_bp=1800,
            penalty_rate_bp=2700, late_fee=5000, grace_days=3,
        ),
    )
    borrower = Borrower.objects.create(
        external_id=f"B-{external_id}", name=name, national_id_cipher="x", national_id_digest=f"d-{external_id}",
        national_id_masked="110105********1234",
    )
    if language is not None:
        borrower.language = language  # the ledger has no language column yet; a preference set on the object is honoured
    ContactPoint.objects.create(borrower=borrower, kind="mobile", value="13812345678")
    ContactPoint.objects.create(borrower=borrower, kind="email", value="zhang@example.cn")
    ContactPoint.objects.create(borrower=borrower, kind="address", value="北京市朝阳区建国路88号2单元301", verified=True)
    ContactPoint.objects.create(
        borrower=borrower, kind="mobile", value="13900001111", owner="third_party", relation="emergency_contact",
        owner_name="李四",
    )
    loan = Loan.objects.create(
        external_id=external_id, borrower=borrower, product=product, principal=1_200_000, term_months=12,
        start_date=START,
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, START)
    )
    return loan


def attempt_for(loan: Loan, *, channel: str = "sms", template: str = "sms_overdue_notice", party: str = "debtor") -> ContactAttempt:
    owner = "third_party" if party == "third_party" else "borrower"
    kind = {"sms": "mobile", "email": "email", "app_push": "mobile", "letter": "address"}[channel]
    point = ContactPoint.objects.filter(borrower=loan.borrower, kind=kind, owner=owner).first()
    return ContactAttempt.objects.create(
        idempotency_key=f"{loan.external_id}:{template}:{channel}:{party}:{next(_ATTEMPTS)}",
        loan=loan, contact_point=point, channel=channel, party=party, template=template,
        planned_for=dt.datetime(2026, 5, 10, 2, 0, tzinfo=dt.timezone.utc),
    )


def approved(code: str, channel: str, language: str, body: str, *, subject: str = "", audience: str = "debtor",
             loan: Loan) -> TemplateVersion:
    draft = create_draft(code=code, channel=channel, language=language, body=body, subject=subject, audience=audience)
    return approve(draft, loan.external_id)


def test_an_sms_states_the_true_amount_and_ends_with_the_cn_opt_out_line():
    # given an overdue account the cycle has aged, and an approved zh-Hans SMS template
    loan = make_account()
    run_cycle(AS_OF)
    approved("sms_overdue_notice", "sms", "zh-hans",
             "【禾丰消费金融】{{ borrower_name }}您好，您尾号{{ loan_ref }}的借款已逾期{{ days_past_due }}天，"
             "逾期金额{{ overdue_amount }}，请通过{{ app_name }}还款。", loan=loan)
    # when the outbox renders the attempt
    message = render_attempt(attempt_for(loan))
    # then the message is in zh-Hans, states the stored overdue amount, and carries 回复TD退订
    loan.refresh_from_db()
    state = loan.state
    overdue = state.overdue_principal + state.overdue_interest + state.penalty_outstanding + state.fee_outstanding
    assert isinstance(message, RenderedMessage)
    assert message.language == "zh-hans"
    assert format_yuan(overdue) in message.body
    assert f"逾期{state.days_past_due}天" in message.body
    assert message.body.endswith("回复TD退订")
    assert "110105" not in message.body and "1234" not in message.body.replace("MSG-1", "")


def test_no_approved_template_is_a_bilingual_error():
    # given an account and no template at all
    loan = make_account()
    # when the outbox renders an attempt, then a bilingual error says which template is missing
    with pytest.raises(NoApprovedTemplate) as raised:
        render_attempt(attempt_for(loan, template="agency_sms"))
    assert "agency_sms" in raised.value.zh and "No approved version" in raised.value.en


def test_a_draft_is_never_used_and_an_edit_makes_a_new_version():
    # given an approved template, then an edit of it
    loan = make_account()
    run_cycle(AS_OF)
    first = approved("promise_reminder", "sms", "zh-hans", "【{{ lender_name }}】{{ borrower_name }}您好，请按约定还款。", loan=loan)
    second = edit(first, body="【{{ lender_name }}】{{ borrower_name }}您好，请按您承诺的日期还款。")
    # then the edit is version 2, a draft, and the message still comes from version 1
    assert (second.version, second.state) == (2, "draft")
    message = render_attempt(attempt_for(loan, template="promise_reminder"))
    assert message.template_version == first.pk and "按约定还款" in message.body
    # when version 2 is approved, then version 1 is retired and version 2 is in force
    approve(second, loan.external_id)
    first.refresh_from_db()
    assert first.state == "retired"
    assert "承诺的日期" in render_attempt(attempt_for(loan, template="promise_reminder", channel="sms")).body


def test_a_third_party_message_cannot_use_the_debt():
    # given a locate-only template for third parties that tries to state the overdue amount
    loan = make_account()
    run_cycle(AS_OF)
    draft = create_draft(code="locate_only", channel="sms", language="zh-hans", audience="third_party",
                         body="您好，请转告{{ borrower_name_masked }}尽快还款{{ overdue_amount }}。")
    # when it is approved, then rendering fails with a bilingual reason: a third party is never told of the debt
    with pytest.raises(TemplateError) as raised:
        approve(draft, loan.external_id)
    assert "overdue_amount" in raised.value.en and "never told of the debt" in raised.value.en


def test_under_us_regf_an_sms_states_dollars_and_says_how_to_opt_out(settings):
    # given the lender's profile is us-regf and an approved SMS template
    settings.ARREARS_PROFILE = "us-regf"
    loan = make_account("L-MSG-US")
    run_cycle(AS_OF)
    approved("sms_overdue_notice", "sms", "en", "{{ lender_name }}: {{ borrower_name }}, your overdue amount is {{ overdue_amount }}.",
             loan=loan)
    # when the attempt is rendered (a borrower with no language of record reads the US lender's English)
    message = render_attempt(attempt_for(loan))
    # then amounts are in dollars and the Reg F 1006.6(e) opt-out line ends the message
    assert "$" in message.body and "¥" not in message.body
    assert message.body.endswith("Reply STOP to opt out")


def test_a_debtor_template_is_never_sent_to_a_third_party():
    # given an approved debtor template
    loan = make_account("L-MSG-TP")
    run_cycle(AS_OF)
    approved("agency_sms", "sms", "zh-hans", "【{{ lender_name }}】{{ borrower_name }}您好，请还款{{ overdue_amount }}。", loan=loan)
    # when an attempt to a third party uses it, then it is refused in both languages
    with pytest.raises(TemplateError) as raised:
        render_attempt(attempt_for(loan, template="agency_sms", party="third_party"))
    assert "第三方" in raised.value.zh and "third party" in raised.value.en


def test_a_locate_only_message_to_a_third_party_tells_nothing_of_the_debt():
    # given the shipped locate-only template in force
    from arrears.messaging.defaults import load_defaults

    loan = make_account("L-MSG-LOC")
    run_cycle(AS_OF)
    assert load_defaults(loan.external_id).refused == {}
    # when it is rendered for the emergency contact
    message = render_attempt(attempt_for(loan, template="locate_only", party="third_party"))
    # then it names the borrower only masked, and states no amount, no lender, no loan
    assert "张**" in message.body and "张三丰" not in message.body
    assert "¥" not in message.body and "禾丰" not in message.body and loan.external_id[-4:] not in message.body
    assert message.body.endswith("回复TD退订")
