"""Every electronic message to a borrower ends with where to check a collector and the agencies
that collect for the lender (the published whitelist), before the opt-out line: an SMS with one
short link, an email with both pages. A message to a third party carries neither. An agency's own
SMS wording with the footer's link and no telephone number passes the content guard's "how to
verify the collector" check. The short link leads to the public check page, which links the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from arrears.compliance.lint import required_content
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.messaging import render_attempt, render_free_text
from arrears.messaging.footer import footer_lines, verify_line, verify_url
from tests.integration.test_messaging_render import approved, attempt_for, make_account

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 5, 10)
LOCAL = "http://127.0.0.1:8000"  # the outbox configuration's default public address


def test_an_sms_and_an_email_carry_the_check_link_and_the_whitelist_before_the_opt_out_line():
    loan = make_account("L-FOOT-1")
    run_cycle(AS_OF)
    approved("sms_overdue_notice", "sms", "zh-hans", "【禾丰消费金融】{{ borrower_name }}您好，您的借款已逾期，请通过{{ app_name }}还款。",
             loan=loan)
    approved("email_overdue", "email", "zh-hans", "{{ borrower_name }}您好，您的借款已逾期，请通过{{ app_name }}还款。",
             subject="还款提醒", loan=loan)
    sms = render_attempt(attempt_for(loan)).body
    assert sms.endswith(f"。核实催收人员及合作机构：{LOCAL}/v 回复TD退订")
    email = render_attempt(attempt_for(loan, channel="email", template="email_overdue")).body
    assert f"{LOCAL}/my/verify/" in email and f"{LOCAL}/agencies/whitelist/" in email
    assert email.index("/agencies/whitelist/") < email.index("退订")


def test_a_message_to_a_third_party_carries_no_check_line():
    from arrears.messaging.defaults import load_defaults

    loan = make_account("L-FOOT-TP")
    run_cycle(AS_OF)
    load_defaults(loan.external_id)
    message = render_attempt(attempt_for(loan, template="locate_only", party="third_party"))
    assert "/v" not in message.body and "核实催收" not in message.body and message.body.endswith("回复TD退订")


def test_an_agency_s_own_sms_with_the_check_link_and_no_number_passes_the_content_guard(settings):
    text = "【甲催收】您好，受禾丰消费金融委托，请尽快处理逾期借款。"
    audience = {"channel": "sms", "sender": "debt_collector", "recipient": "borrower"}
    # without the link and with no telephone number the check finds no way to verify the collector
    assert [f.rule_id for f in required_content(text + "回复TD退订", **audience)] == ["lint.verification_missing"]
    # with the footer it passes, the link counting as the way to verify
    footed = text + "".join(footer_lines("cn", "sms", "zh-hans", public_url=LOCAL))
    assert required_content(footed, verify=(verify_url(LOCAL, short=True),), **audience) == ()
    # and an agency attempt's own text is sent with it
    loan = make_account("L-FOOT-AG")
    run_cycle(AS_OF)
    attempt = attempt_for(loan)
    ContactAttempt.objects.filter(pk=attempt.pk).update(body=text, segment="agency")
    attempt.refresh_from_db()
    assert f"{LOCAL}/v" in render_free_text(attempt).body


def test_the_sms_footer_stays_short():
    # a 25-character public address: the check line stays within a quarter of a 70-character segment and a bit
    for language in ("zh-hans", "en"):
        line = verify_line("sms", language, public_url="https://collect.lender.cn")
        assert line.endswith("https://collect.lender.cn/v") and len(line) <= (40 if language == "zh-hans" else 65)


def test_the_short_link_leads_to_the_public_check_page_which_links_the_whitelist():
    client = Client()
    response = client.get("/v")
    assert response.status_code == 302 and response["Location"] == "/my/verify/"
    page = client.get("/my/verify/").content.decode()
    assert 'href="/agencies/whitelist/"' in page
    assert client.get("/agencies/whitelist/").status_code == 200
