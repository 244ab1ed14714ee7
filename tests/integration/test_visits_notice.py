"""The visit's advance notice goes out through the real outbox worker to a real SMSC, and only
then may the collectors check in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from arrears.contact.models import ContactAttempt
from arrears.ledger.models import Borrower
from arrears.outbox.worker import Worker
from arrears.visits import services
from arrears.visits.workflow import StepRefused
from tests.integration.test_outbox_worker import config
from tests.integration.test_visits_workflow import booking, person, screened_visit
from tests.outbox_peers import SmppPeer, daytime_zone
from arrears.access.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def text_of(submits) -> str:
    """The SMS as the handset shows it: parts joined, user-data headers dropped, UCS-2 decoded."""
    parts = []
    for submit in submits:
        body = submit["body"]
        if submit["esm_class"] & 0x40:  # a user data header precedes the text
            body = body[body[0] + 1:]
        parts.append(body.decode("utf-16-be") if submit["coding"] == 8 else body.decode("latin-1"))
    return "".join(parts)


def test_the_notice_reaches_the_smsc_before_the_visit_may_start(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # given a visit approved for a borrower where it is now daytime, booked two days ahead
    lead = person(django_user_model, "lead", Role.TEAM_LEAD)
    crew = [person(django_user_model, f"f{i}", Role.FIELD_COLLECTOR, full_name=f"外 访{i}") for i in (1, 2)]
    visit = screened_visit("L-NOTICE")
    zone_name = daytime_zone()
    Borrower.objects.filter(pk=visit.loan.borrower_id).update(time_zone=zone_name)
    services.approve(visit.pk, actor=lead)
    day = (timezone.now().astimezone(ZoneInfo(zone_name)) + dt.timedelta(days=2)).date()
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew, day=day))
    arrival = visit.starts_at + dt.timedelta(minutes=5)
    # when the collectors arrive before the worker has run, check-in is blocked
    with pytest.raises(StepRefused) as early:
        services.check_in(visit.pk, actor=crew[0], now=arrival)
    assert early.value.rule_ids == ("cn.visit_advance_notice",)
    # and when the outbox worker sends the notice to the SMSC
    smsc = SmppPeer().start()
    try:
        worker = Worker(config(smsc={"kind": "smpp", "host": "127.0.0.1", "port": smsc.port, "system_id": "l", "password": "p", "carries": "sms"}))
        worker.run(until_idle=True, max_seconds=30, listen_seconds=0.5)
        received = text_of(smsc.submits)
    finally:
        smsc.stop()
    # then the borrower's phone got the date, window, purpose and the verification page, never an amount
    notice = ContactAttempt.objects.get(pk=visit.notice_id)
    assert notice.state == "sent" and notice.sent_at is not None
    assert f"{day:%Y-%m-%d} 10:00–11:00" in received and "/visits/verify/" in received and "沟通逾期还款" in received
    assert "¥" not in received and "33,000" not in received
    # and the collectors may now check in
    assert services.check_in(visit.pk, actor=crew[0], now=arrival).state == "in_progress"
