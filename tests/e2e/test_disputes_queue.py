"""The compliance queue: disputes and complaints entered by staff, decided with reasons, the borrower
told through the outbox, the holds released; deadlines by profile with the clock; an overdue
complaint flagged on the page and alerted by the daily step; a closed complaint feeding the agency's
scorecard and the collector's record.

The world is tests/e2e/workbench_world.py (compliance officer "comp1", collector "col1", team lead
"lead1"); the clock stands at Tuesday 2026-05-12 10:00 in Shanghai unless a test moves it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from arrears import clock
from arrears.cases.holds import in_force
from arrears.cli import main
from arrears.contact.models import ContactAttempt
from arrears.disputes import services
from arrears.disputes.models import BorrowerComplaint, Dispute
from arrears.outbox import send_guard
from tests.e2e import workbench_world
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(MORNING)
    yield
    clock.set_now(None)


def loan(world, ref="L-1001"):
    return world.book.loans[ref]


def at_day(day: dt.date) -> None:
    clock.set_now(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC))


# --- deadlines, both profiles ---------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "dispute_due", "complaint_due", "complex_due", "extension"), [
    ("cn", dt.date(2026, 5, 27), dt.date(2026, 5, 27), dt.date(2026, 6, 11), dt.date(2026, 7, 11)),
    ("us-regf", dt.date(2026, 6, 11), dt.date(2026, 5, 27), dt.date(2026, 7, 11), None),
])
def test_deadlines_follow_the_profile(world, settings, profile, dispute_due, complaint_due, complex_due, extension):
    settings.ARREARS_PROFILE = profile
    dispute = services.raise_dispute(loan(world), reason="amount_wrong", details="金额不对", source="phone")
    simple = services.raise_complaint(loan=loan(world), category="rude_language", details="辱骂", source="phone")
    hard = services.raise_complaint(loan=loan(world), category="third_party_told", details="告诉了同事",
                                    source="regulator", complex=True)
    assert (dispute.due_on, simple.due_on, hard.due_on) == (dispute_due, complaint_due, complex_due)
    if extension is None:
        with pytest.raises(Exception, match="no extension"):
            services.extend_complaint(hard.pk, reason="需要调取录音")
    else:
        extended = services.extend_complaint(hard.pk, reason="需要调取录音 / recordings needed")
        assert extended.due_on == extension and extended.extension_reason.startswith("需要调取录音")
        notice = ContactAttempt.objects.get(idempotency_key=f"complaint:{hard.pk}:extension")
        assert notice.template == "notice.complaint_extension" and str(extension) in notice.body
        with pytest.raises(Exception, match="only once"):
            services.extend_complaint(hard.pk, reason="再次")


def test_an_overdue_complaint_is_flagged_on_the_page_and_the_daily_step_alerts(client, world, caplog, capsys):
    complaint = services.raise_complaint(loan=loan(world), category="night_contact", details="夜间来电", source="phone")
    signed_in(client, world.users["comp1"])
    page = client.get("/disputes/").content.decode()
    assert f'data-id="{complaint.pk}"' in page and "overdue-flag" not in page
    assert services.raise_overdue_alert() == []
    # fifteen days on it is due; the day after it is overdue
    at_day(dt.date(2026, 5, 27))
    assert "overdue-flag" not in client.get("/disputes/").content.decode()
    at_day(dt.date(2026, 5, 28))
    assert "overdue-flag" in client.get("/disputes/").content.decode()
    with caplog.at_level("ERROR", logger="arrears.alerts"):
        services.raise_overdue_alert()
    assert any(f"complaint #{complaint.pk} is overdue" in r.getMessage() for r in caplog.records)
    capsys.readouterr()
    assert main(["complaints", "overdue"]) == 1
    assert f"complaint #{complaint.pk} is overdue" in capsys.readouterr().out
    complaint.refresh_from_db()
    assert complaint.overdue_alerted_on == dt.date(2026, 5, 28)


# --- disputes through the page --------------------------------------------------------------------


def test_a_compliance_officer_enters_a_phone_dispute_and_rejects_it_with_reasons(client, world):
    signed_in(client, world.users["comp1"])
    response = client.post("/disputes/new/", {"loan": "L-1001", "reason": "already_paid", "source": "phone",
                                              "details": "电话中称已还清"})
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.entered_by == world.users["comp1"] and [h.kind for h in in_force(loan(world).pk)] == ["dispute_open"]
    assert "电话中称已还清" in client.get("/disputes/").content.decode()
    # when it is decided: rejected, with reasons
    clock.set_now(MORNING + dt.timedelta(days=3))
    response = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "rejected", "reasons": "银行流水显示未还款"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.state, dispute.outcome_text, dispute.decided_by) == ("rejected", "银行流水显示未还款", world.users["comp1"])
    # then the hold ends, and the outcome goes to the borrower through the outbox, which the hold no longer stops
    assert not in_force(loan(world).pk).exists()
    letter = dispute.outcome_letter
    assert letter.template == "notice.dispute_outcome" and "银行流水显示未还款" in letter.body and letter.channel == "sms"
    # and deciding again is refused
    again = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "upheld", "reasons": "x"})
    assert again.status_code == 400 and "已有处理结果" in again.content.decode()


def test_the_outcome_notice_passes_a_hold_that_stops_collection(world):
    dispute = services.raise_dispute(loan(world), reason="not_my_debt", details="", source="letter")
    services.decide_dispute(dispute.pk, outcome="upheld", reasons="身份被冒用")
    # an upheld "not my debt" keeps collection stopped, and the written answer still goes out
    assert [h.kind for h in in_force(loan(world).pk)] == ["cease_contact"]
    dispute.refresh_from_db()
    assert send_guard.check(dispute.outcome_letter, at=MORNING + dt.timedelta(hours=1)).allowed


def test_under_us_regf_a_repeat_dispute_with_no_new_facts_gets_the_short_answer(world, settings):
    settings.ARREARS_PROFILE = "us-regf"
    first = services.raise_dispute(loan(world), reason="amount_wrong", details="", source="letter")
    services.decide_dispute(first.pk, outcome="rejected", reasons="verified against the ledger")
    repeat = services.raise_dispute(loan(world), reason="amount_wrong", details="", source="letter")
    assert repeat.duplicate_of == first and repeat.hold is None and repeat.state == "rejected"
    assert "Duplicates dispute" in repeat.outcome_text
    assert not in_force(loan(world).pk).exists()
    # new facts make it a new dispute, with its hold
    fresh = services.raise_dispute(loan(world), reason="amount_wrong", details="the fee was charged twice", source="letter")
    assert fresh.duplicate_of is None and fresh.hold is not None


def test_bad_input_is_refused_and_nothing_stored(client, world):
    signed_in(client, world.users["comp1"])
    assert client.post("/disputes/new/", {"loan": "NO-SUCH", "reason": "other", "source": "phone", "details": "x"}).status_code == 400
    assert client.post("/disputes/new/", {"loan": "L-1001", "reason": "other", "source": "phone", "details": ""}).status_code == 400
    assert client.post("/disputes/complaints/new/", {"category": "impostor", "source": "web", "details": "x"}).status_code == 400
    assert not Dispute.objects.exists() and not BorrowerComplaint.objects.exists() and not in_force(loan(world).pk).exists()


@pytest.mark.parametrize("who", ["col1", "lead1", "strat1", "agent1"])
def test_only_compliance_reads_and_acts(client, world, who):
    signed_in(client, world.users[who])
    assert client.get("/disputes/").status_code == 403
    assert client.post("/disputes/new/", {"loan": "L-1001", "reason": "other", "source": "phone", "details": "x"}).status_code == 403
    assert not Dispute.objects.exists()


# --- complaints: closing feeds the scorecard and the record -----------------------------------------


def test_closing_a_complaint_names_who_was_responsible_and_feeds_the_collector_s_record(client, world):
    signed_in(client, world.users["comp1"])
    response = client.post("/disputes/complaints/new/", {"loan": "L-1001", "category": "rude_language", "source": "phone",
                                                          "details": "催收员辱骂", "collector": "col1", "channel": "call"})
    assert response.status_code == 302
    complaint = BorrowerComplaint.objects.get()
    assert complaint.about_collector == world.users["col1"] and [h.kind for h in in_force(loan(world).pk)] == ["complaint_review"]
    response = client.post(f"/disputes/complaints/{complaint.pk}/close/", {"upheld": "yes", "responsible": "collector",
                                                                           "outcome": "已核实录音，对催收员进行培训"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.responsible) == ("upheld", "collector")
    assert services.collector_record(world.users["col1"]) == {"received": 1, "upheld": 1, "open": 0}
    assert not in_force(loan(world).pk).exists()
    assert ContactAttempt.objects.filter(idempotency_key=f"complaint:{complaint.pk}:outcome").exists()


def test_a_complaint_about_the_agency_holding_the_loan_counts_on_its_scorecard(world):
    from tests.e2e.test_agencies_portal import agency, placed_loan
    from arrears.agencies.models import Complaint

    firm = agency("丙催收", "91310000MA1FL000C3", ["loan_reference"])
    placement = placed_loan("L-AG1", firm)
    complaint = services.raise_complaint(loan=placement.loan, category="third_party_told", details="告诉了邻居", source="portal")
    assert complaint.about_agency == firm
    row = Complaint.objects.get(agency=firm)
    assert row.placement == placement and row.upheld is None
    services.close_complaint(complaint.pk, upheld=True, responsible="agency", outcome="核实属实，扣减佣金")
    row.refresh_from_db()
    assert row.upheld is True


def test_the_night_alerts_an_overdue_complaint_once_and_counts_the_same_when_run_again(world, caplog):
    from arrears.nightly.steps import STEP_NAMES, NightOptions, complaints

    complaint = services.raise_complaint(loan=loan(world), category="night_contact", details="夜间来电", source="phone")
    assert STEP_NAMES[-1] == "complaints"
    # the night of its due day: not yet overdue (the officer had the whole day)
    assert complaints(dt.date(2026, 5, 26), NightOptions()) == {"overdue_complaints": 0, "overdue_disputes": 0}
    # the night of its due day, still undecided: overdue the next morning, alerted once
    with caplog.at_level("ERROR", logger="arrears.alerts"):
        first = complaints(dt.date(2026, 5, 27), NightOptions())
        again = complaints(dt.date(2026, 5, 27), NightOptions())
    assert first == again == {"overdue_complaints": 1, "overdue_disputes": 0}
    alerts = [r for r in caplog.records if f"complaint #{complaint.pk} is overdue" in r.getMessage()]
    assert len(alerts) == 1
    complaint.refresh_from_db()
    assert complaint.overdue_alerted_on == dt.date(2026, 5, 28)
