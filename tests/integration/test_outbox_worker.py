"""The worker against real peers and a real database: sends once, retries, pauses a provider that
is down and raises an alert, blocks at send time, and acts on receipts and replies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.ledger.models import Borrower, ContactPoint
from arrears.outbox.alerts import active_alerts
from arrears.outbox.config import parse_config
from arrears.outbox.worker import Worker
from tests.integration.test_cycle_service import make_loan
from tests.outbox_peers import HttpProvider, SmppPeer, SmtpPeer, daytime_zone, nighttime_zone

pytestmark = pytest.mark.django_db(transaction=True)


def attempts_for(count: int, channel: str, *, prefix: str = "A", **fields) -> list[ContactAttempt]:
    kind = {"sms": "mobile", "email": "email", "app_push": "mobile"}[channel]
    made = []
    for index in range(count):
        loan = make_loan(f"{prefix}-{channel}-{index}")
        Borrower.objects.filter(pk=loan.borrower_id).update(time_zone=daytime_zone())
        value = f"zhang{index}@example.org" if kind == "email" else f"138{index:08d}"
        point = ContactPoint.objects.create(borrower=loan.borrower, kind=kind, value=value, verified=True)
        made.append(
            ContactAttempt.objects.create(
                idempotency_key=f"L{loan.pk}/{channel}/early/2026-03-01/1", loan=loan, contact_point=point,
                channel=channel, subject="逾期提醒", body="您的借款已逾期 1 天。回复 TD 退订", **fields,
            )
        )
    return made


def config(**providers):
    channels = {}
    for name, options in providers.items():
        channels[options.pop("carries")] = {"provider": name}
    return parse_config(
        {"channels": channels, "providers": providers, "retry": {"max_tries": 5, "base_seconds": 0.2, "max_seconds": 1, "jitter": 0},
         "outage": {"after_failures": 2, "pause_seconds": 0.5}, "public_url": "https://collect.lender.cn"}
    )


def test_due_emails_and_sms_go_out_once_each_and_receipts_come_back():
    # given three emails and three SMS due, and the local SMTP server and SMSC
    smtp, smsc = SmtpPeer().start(), SmppPeer().start()
    try:
        mails, texts = attempts_for(3, "email"), attempts_for(3, "sms")
        worker = Worker(config(
            mail={"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "sender": "n@lender.cn", "domain": "lender.cn", "carries": "email"},
            smsc={"kind": "smpp", "host": "127.0.0.1", "port": smsc.port, "system_id": "l", "password": "p", "carries": "sms"},
        ))
        # when the worker runs until nothing is left, listening a moment for receipts
        tally = worker.run(until_idle=True, max_seconds=30, listen_seconds=1.5)
        # then each went out once, with the provider's id stored
        assert tally.sent == 6
        assert sorted(smtp.message_ids().values()) == [1, 1, 1] and len(smsc.submits) == 3
        for attempt in mails + texts:
            attempt.refresh_from_db()
            assert attempt.state == "sent" and attempt.provider_message_id and attempt.tries == 1
            assert attempt.attempted_at is not None and attempt.sent_at is not None
        # and every email carries the unsubscribe link of its own address
        assert all(m["List-Unsubscribe"].startswith("<https://collect.lender.cn/outbox/unsubscribe/") for m in smtp.messages)
        # and the SMSC's receipts marked the SMS delivered
        assert {a.outcome for a in ContactAttempt.objects.filter(channel="sms")} == {"delivered"}
        assert ContactAttempt.objects.filter(channel="sms", receipt_at__isnull=False).count() == 3
    finally:
        smtp.stop()
        smsc.stop()


def test_a_stop_reply_over_smpp_opts_the_mobile_out_and_blocks_what_was_waiting():
    # given a sent SMS and, for the same mobile, another waiting for tomorrow
    smsc = SmppPeer().start()
    try:
        first = attempts_for(1, "sms")[0]
        later = ContactAttempt.objects.create(
            idempotency_key="later", loan=first.loan, contact_point=first.contact_point, channel="sms", body="明天的提醒",
            planned_for=timezone.now() + dt.timedelta(days=1),
        )
        worker = Worker(config(smsc={"kind": "smpp", "host": "127.0.0.1", "port": smsc.port, "system_id": "l",
                                     "password": "p", "carries": "sms"}))
        worker.step()
        # when the borrower answers " td " from +86 and the worker listens
        smsc.reply("+86" + first.contact_point.value, " td ")
        worker.listen(1.5)
        worker.close()
        # then the mobile is opted out of SMS, recorded with the reply, and the waiting SMS is blocked
        record = ChannelOptOut.objects.get(contact_point=first.contact_point, channel="sms")
        assert record.source == "sms_reply" and record.detail.strip() == "td"
        later.refresh_from_db()
        assert later.state == "blocked" and later.blocked_by == "channel_opt_out"
    finally:
        smsc.stop()


def test_an_outage_backs_off_raises_an_alert_loses_nothing_and_all_go_when_the_provider_returns():
    # given five SMS for the HTTP gateway, which is down for maintenance
    gateway = HttpProvider(down=True).start()
    try:
        attempts_for(5, "sms")
        worker = Worker(config(gateway={"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"}),
                        idle_sleep=0.05)
        # when the worker tries
        worker.step()
        # then it stopped after two failures, put them back with a later try, and raised a visible alert
        assert len(gateway.requests) == 2
        states = list(ContactAttempt.objects.values_list("state", flat=True))
        assert states.count("planned") == 5
        retried = ContactAttempt.objects.filter(tries=1)
        assert retried.count() == 2 and all(a.next_try_at > a.attempted_at for a in retried)
        [alert] = active_alerts()
        assert alert.provider == "gateway" and "503" in alert.last_error
        # and while the provider is paused no request is made
        worker.step()
        assert len(gateway.requests) == 2
        # when the gateway comes back
        gateway.down = False
        tally = worker.run(until_idle=True, max_seconds=20)
        # then every message went, once, and the alert closed
        assert len(gateway.delivered) == 5 and tally.sent == 5
        assert set(ContactAttempt.objects.values_list("state", flat=True)) == {"sent"}
        assert active_alerts() == []
    finally:
        gateway.stop()


def test_the_guard_at_send_time_blocks_a_point_marked_do_not_contact_after_planning():
    gateway = HttpProvider().start()
    try:
        [attempt] = attempts_for(1, "sms")
        ContactPoint.objects.filter(pk=attempt.contact_point_id).update(do_not_contact=True)
        Worker(config(gateway={"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"})).run(
            until_idle=True, max_seconds=10
        )
        attempt.refresh_from_db()
        assert attempt.state == "blocked" and attempt.blocked_by and attempt.reasons_zh and attempt.reasons_en
        assert gateway.requests == []
    finally:
        gateway.stop()


def test_a_permanent_refusal_fails_the_attempt_with_the_reason_and_is_not_retried():
    gateway = HttpProvider().start()
    try:
        [attempt] = attempts_for(1, "sms")
        Worker(config(gateway={"kind": "http_gateway", "url": gateway.url, "secret": "not-the-secret", "carries": "sms"})).run(
            until_idle=True, max_seconds=10
        )
        attempt.refresh_from_db()
        assert attempt.state == "failed" and attempt.outcome == "undelivered" and "401" in attempt.last_error
        assert len(gateway.requests) == 1
    finally:
        gateway.stop()


def test_an_attempt_left_sending_by_a_dead_worker_is_reconciled_not_resent():
    # given one SMS and one email left in "sending" by a worker that died, their leases run out
    gateway, smtp = HttpProvider().start(), SmtpPeer().start()
    try:
        [sms] = attempts_for(1, "sms")
        [mail] = attempts_for(1, "email")
        past = timezone.now() - dt.timedelta(seconds=5)
        ContactAttempt.objects.filter(pk__in=[sms.pk, mail.pk]).update(state="sending", lease_owner="dead:1", lease_until=past, tries=1)
        worker = Worker(config(
            gateway={"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"},
            mail={"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "sender": "n@lender.cn", "carries": "email"},
        ))
        # when a new worker starts
        worker.run(until_idle=True, max_seconds=10)
        sms.refresh_from_db()
        mail.refresh_from_db()
        # then the gateway, which knows the key, is asked again and names the message: sent
        assert sms.state == "sent" and sms.provider_message_id == gateway.ids[sms.idempotency_key]
        # and SMTP, which cannot be asked, holds the email for review: nothing resent
        assert mail.state == "review" and smtp.messages == []
    finally:
        gateway.stop()
        smtp.stop()


def test_rate_limits_cap_what_is_claimed_in_a_window():
    gateway = HttpProvider().start()
    try:
        attempts_for(6, "sms")
        cfg = parse_config({
            "channels": {"sms": {"provider": "gateway", "rate": {"count": 4, "seconds": 60}}},
            "providers": {"gateway": {"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret,
                                      "rate": {"count": 10, "seconds": 60}}},
        })
        Worker(cfg).step()
        assert len(gateway.delivered) == 4
        assert ContactAttempt.objects.filter(state="planned").count() == 2
    finally:
        gateway.stop()


def test_the_guard_at_send_time_blocks_a_message_that_would_arrive_in_the_borrowers_night():
    # given an SMS due for a borrower for whom it is now three in the morning
    gateway = HttpProvider().start()
    try:
        [attempt] = attempts_for(1, "sms")
        Borrower.objects.filter(pk=attempt.loan.borrower_id).update(time_zone=nighttime_zone())
        # when the worker runs
        Worker(config(gateway={"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"})).run(
            until_idle=True, max_seconds=10
        )
        # then nothing went out, and the attempt keeps the rule and the reasons in both languages
        attempt.refresh_from_db()
        assert attempt.state == "blocked" and "cn.contact_hours" in attempt.blocked_by.split(",")
        assert attempt.reasons_zh and attempt.reasons_en and gateway.requests == []
    finally:
        gateway.stop()


def test_the_send_time_guard_answers_as_check_now_does():
    # given an SMS attempt, judged at noon, at three in the morning, and after an opt-out
    from arrears.contact.optouts import opt_out
    from arrears.guard import check_now
    from arrears.outbox.send_guard import check

    [attempt] = attempts_for(1, "sms")
    noon = timezone.now()
    night = noon + dt.timedelta(hours=15)
    for at in (noon, night):
        ours, theirs = check(attempt, at=at), check_now(loan_id=attempt.loan_id, channel="sms",
                                                        contact_point_id=attempt.contact_point_id, at=at)
        assert ours.allowed == theirs.allowed and ours.rule_ids == theirs.rule_ids
    assert not check(attempt, at=night).allowed
    opt_out(contact_point_id=attempt.contact_point_id, channel="sms", source="collector")
    later = timezone.now() + dt.timedelta(seconds=1)
    ours = check(attempt, at=later)
    theirs = check_now(loan_id=attempt.loan_id, channel="sms", contact_point_id=attempt.contact_point_id, at=later)
    assert not ours.allowed and ours.rule_ids == theirs.rule_ids and "cn.channel_opt_out" in ours.rule_ids
