"""The written collection notice as a PDF, read back as text: every field, both languages, cn and us-regf."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from arrears.borrower.replies import public_url
from arrears.cycle.models import AccountState
from arrears.cycle.service import run_cycle
from arrears.errors import InputError
from arrears.ledger.models import Loan, Payment
from arrears.messaging.footer import WHITELIST_PATH, verify_url
from arrears.money import format_money, format_yuan
from arrears.notices import letter_pdf, written_notice_pdf
from arrears.notices.content import validation_end_date
from arrears.notices.lender import lender_for
from tests.integration.test_messaging_render import attempt_for, make_account

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 5, 10)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed, so a value wrapped across lines still matches."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def aged_account(currency: str = "CNY"):
    loan = make_account("L-NOTICE-1")
    Loan.objects.filter(pk=loan.pk).update(currency=currency)
    loan.refresh_from_db()
    first_due = loan.instalments.order_by("seq").first()
    Payment.objects.create(reference="P-N-1", loan=loan, amount=30_000, value_date=first_due.due_date, channel="app")
    run_cycle(AS_OF - dt.timedelta(days=40))
    run_cycle(AS_OF)
    return loan, AccountState.objects.get(loan=loan)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_cn_notice_states_creditor_borrower_amounts_payment_verification_and_complaints(language):
    # given an overdue account aged by the nightly cycle
    loan, state = aged_account()
    lender = lender_for("cn")
    # when its written notice is made for the cn profile
    text = pdf_text(written_notice_pdf(loan.external_id, AS_OF, profile="cn", language=language))
    # then every field is there, read back from the PDF
    zh = language == "zh-hans"
    expected = [
        "催收通知书" if zh else "WrittenCollectionNotice",
        lender.text("name", language), lender.text("address", language), lender.hotline,
        "张三丰", "北京市朝阳区建国路88号2单元301", loan.external_id,
        format_yuan(state.overdue_principal), format_yuan(state.overdue_interest),
        format_yuan(state.penalty_outstanding), format_yuan(state.fee_outstanding), format_yuan(state.balance),
        format_yuan(state.overdue_principal + state.overdue_interest + state.penalty_outstanding + state.fee_outstanding),
        lender.bank_account, lender.text("app_name", language), verify_url(public_url()),
        public_url().rstrip("/") + WHITELIST_PATH, lender.complaint_email,
        lender.text("regulator", language),
        "逾期本金" if zh else "Principaloverdue", "罚息" if zh else "Penaltyinterest",
        "滞纳金" if zh else "Latefees", "核实催收人员" if zh else "verifyacollector",
        "异议与投诉" if zh else "Disputesandcomplaints", "个人账户" if zh else "personalaccount",
        "5年" if zh else "5years",
    ]
    for field in expected:
        assert squeeze(field) in text, field


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_us_regf_notice_carries_the_validation_notice_fields(language):
    # given an overdue account in dollars, aged on two nights, 40 days apart
    loan, state = aged_account("USD")
    lender = lender_for("us-regf")
    # when its written notice is made for the us-regf profile
    text = pdf_text(written_notice_pdf(loan.external_id, AS_OF, profile="us-regf", language=language))
    # then the Reg F validation fields are there: collector, consumer, itemization and what changed since,
    # the validation period's end date, the dispute prompts, and the citation
    zh = language == "zh-hans"
    end = validation_end_date(AS_OF)
    assert end == dt.date(2026, 6, 14)  # sent Sunday 10 May; received Friday 15 May (5 business days later); + 30 days
    history = loan.state_history.order_by("as_of")
    itemized = [h for h in history if h.as_of >= AS_OF - dt.timedelta(days=state.days_past_due)][0]
    money = lambda cents: format_money(cents, "USD", language)  # noqa: E731
    fees = state.penalty_charged + state.fee_charged - itemized.penalty_charged - itemized.fee_charged
    paid = state.paid_total - itemized.paid_total
    interest = state.balance - itemized.balance - fees + paid
    expected = [
        "12CFR1006.34", lender.text("name", language), lender.text("address", language), "张三丰", loan.external_id,
        itemized.as_of.isoformat(), money(itemized.balance), "+" + money(interest), "+" + money(fees),
        "-" + money(paid), money(state.balance), end.isoformat(),
        money(state.overdue_principal), money(state.overdue_interest), money(state.penalty_outstanding), money(state.fee_outstanding),
        "这不是我的债务" if zh else "Thisisnotmydebt", "金额有误" if zh else "Theamountiswrong",
        "原始债权人" if zh else "originalcreditor", "www.cfpb.gov/debt-collection", lender.text("regulator", language),
        "分项日期" if zh else "Itemizationdate",
    ]
    for field in expected:
        assert squeeze(field) in text, field
    # and the itemization adds up
    assert itemized.balance + interest + fees - paid == state.balance


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_notice_shows_money_in_the_loans_currency_whatever_the_profile(language):
    # given an overdue loan in yuan
    loan, state = aged_account("CNY")
    # when its notice is made under us-regf, then its amounts are in yuan: never a dollar sign
    text = pdf_text(written_notice_pdf(loan.external_id, AS_OF, profile="us-regf", language=language))
    assert "$" not in text
    assert squeeze(format_money(state.balance, "CNY", language)) in text and "¥" in text
    # and a loan in dollars shows dollars under cn as well: 12,420.06 is $12,420.06 in English, US$ in Chinese
    Loan.objects.filter(pk=loan.pk).update(currency="USD")
    text = pdf_text(written_notice_pdf(loan.external_id, AS_OF, profile="cn", language=language))
    dollars = squeeze(format_money(state.balance, "USD", language))
    assert dollars in text and "¥" not in text
    assert dollars.startswith("$" if language == "en" else "US$")


def test_the_notice_says_what_it_says_without_a_lint_finding():
    # given an aged account, when its notices are made, then none of their wording is a lint finding
    from arrears.compliance.lint import lint
    from arrears.notices.content import written_notice
    from arrears.notices.facts import notice_facts

    loan, _ = aged_account()
    for profile in ("cn", "us-regf"):
        for language in ("zh-hans", "en"):
            document = written_notice(notice_facts(loan, AS_OF, profile=profile, language=language))
            assert lint(document.text()) == (), (profile, language)


def test_a_notice_before_any_cycle_or_for_an_unknown_loan_is_a_bilingual_error():
    # given a loan the cycle has never aged
    loan = make_account("L-NOTICE-NEW")
    # then asking for its notice says to run the cycle, in both languages
    with pytest.raises(InputError) as raised:
        written_notice_pdf(loan.external_id, AS_OF, profile="cn", language="zh-hans")
    assert "arrears cycle" in raised.value.en and "夜间批处理" in raised.value.zh
    # and an unknown loan, profile or language are refused the same way
    for call in (
        lambda: written_notice_pdf("NO-SUCH-LOAN", AS_OF),
        lambda: written_notice_pdf(loan.external_id, AS_OF, profile="eu"),
        lambda: written_notice_pdf(loan.external_id, AS_OF, language="fr"),
    ):
        with pytest.raises(InputError) as raised:
            call()
        assert raised.value.zh and raised.value.en


def test_a_collection_letter_attempt_is_the_written_notice_and_a_placement_letter_its_template():
    # given an aged account and the shipped templates in force
    from arrears.messaging.defaults import load_defaults

    loan, state = aged_account()
    assert load_defaults(loan.external_id).refused == {}
    # when the outbox asks for the PDF of a written-collection-notice letter
    notice = pdf_text(letter_pdf(attempt_for(loan, channel="letter", template="written_collection_notice")))
    # then it is the written notice as of the attempt's date
    assert "催收通知书" in notice and format_yuan(state.overdue_principal) in notice and AS_OF.isoformat() in notice
    # and a placement letter is its approved template rendered on the lender's letterhead
    placement = pdf_text(letter_pdf(attempt_for(loan, channel="letter", template="placement_notice")))
    assert "委外催收告知书" in placement and "第四十一条" in placement and lender_for("cn").hotline in placement
    assert "回复TD退订" not in placement  # letters are not electronic: no opt-out line


def test_a_letter_attempt_with_its_own_text_is_laid_out_as_written():
    # given a letter attempt that carries its own text (as a visit's advance notice does), and no template for it
    loan, _ = aged_account()
    attempt = attempt_for(loan, channel="letter", template="visit_notice")
    attempt.subject, attempt.body = "上门拜访通知", "我们将于2026-05-20 14:00–16:00上门拜访。\nWe will visit on 2026-05-20."
    attempt.save()
    # when the outbox asks for its PDF, then the text is there as written, on the lender's letterhead
    text = pdf_text(letter_pdf(attempt))
    assert "上门拜访通知" in text and "14:00–16:00上门拜访" in text and "Wewillvisiton" in text
    assert lender_for("cn").text("name", "zh-hans") in text
