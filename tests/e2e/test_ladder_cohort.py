"""The whole ladder, night after night: a cohort of three loans from their first day past due to a
home visit, a repayment plan and a legal review, every night run by the nightly runner and every
person acting between nights through the product's own services, as `arrears simulate` has them.

    loan   road
    LN-A   reminded by SMS on DPD 1, replies TD (opted out), the DPD 3 SMS is blocked, pays and is cured
    LN-B   reminded, called from DPD 4, promises and breaks it, three unanswered calls, placed with an
           agency at DPD 31, screened for a home visit at DPD 60, visited (the borrower checks the
           collectors' code), claims hardship and gets an instalment plan
    LN-C   refuses three times on calls, kept in house (a small amount), legal review at DPD 90, referred
           the next morning and a payment order sought: filed, issued within the court's days, served, not
           objected to within 15 days, in force, enforced and the money recovered; the ledger and the credit
           report follow each step

Each stage is asserted on the day the default strategy's cadence and conditions give, read from
the strategy itself; at the end every contact made or sent is judged again by the guard's audit,
which must find nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arrears import clock
from arrears.nightly.runner import run_night
from arrears.nightly.steps import NightOptions
from tests.outbox_peers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Asia/Shanghai"
LOANS_HEADER = ("loan_id,borrower_id,borrower_name,national_id,time_zone,mobile,address,address_verified,"
                "product,principal,term_months,start_date")
# loan: (borrower, name, national id, mobile, principal in yuan, start date)
COHORT = {
    "LN-A": ("BR-A", "李娜", "11010519491231002X", "13800000001", "6000.00", dt.date(2026, 1, 10)),
    "LN-B": ("BR-B", "张伟", "110105198001010016", "13800000002", "24000.00", dt.date(2026, 1, 10)),
    "LN-C": ("BR-C", "王芳", "440106199002020029", "13800000003", "6000.00", dt.date(2025, 12, 12)),
}
FIRST_NIGHT = dt.date(2026, 2, 9)  # the night the loans arrive: A and B fall due the next day, C is 28 days late
PROMISE_DAYS = 3  # B's promise: pay within three days of the call


def _loans_file(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [f"{loan},{borrower},{name},{nid},{ZONE},{mobile},上海市徐汇区漕溪北路{index}号,true,CASH,{principal},12,{start}"
            for index, (loan, (borrower, name, nid, mobile, principal, start)) in enumerate(COHORT.items(), start=100)]
    (folder / "loans.csv").write_text("\n".join([LOANS_HEADER, *rows]) + "\n", encoding="utf-8")


def _payment_file(folder: Path, loan: str, amount_fen: int, day: dt.date) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    yuan, fen = divmod(amount_fen, 100)
    (folder / "payments.csv").write_text(
        "reference,loan_id,amount,value_date,channel\n"
        f"PAY-{loan}-{day:%Y%m%d},{loan},{yuan}.{fen:02d},{day},app\n", encoding="utf-8")


def _champions_only(active_from: dt.date) -> None:
    """The default strategy with its champion arms alone, in force from `active_from`: which arm a loan
    falls in is a hash of its database id, which differs from run to run on PostgreSQL, and the
    cohort walks the days the champion cadence names."""
    from importlib import resources

    import yaml

    from arrears.strategy.versions import store_version

    document = yaml.safe_load(resources.files("arrears.strategy").joinpath("default.yaml").read_text(encoding="utf-8"))
    for segment in document["segments"]:
        segment.pop("challenger", None)
    document["version"] += 1
    store_version(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), active_from)


def _strategy_days():
    """The days past due the default strategy names for each stage."""
    from arrears.strategy import default_strategy

    segments = {segment.id: segment for segment in default_strategy().segments}

    def action(segment: str, channel: str):
        return next(a for a in segments[segment].cadence if a.channel == channel)

    return {
        "reminder_sms": action("early_reminder", "sms").on_dpd,
        "first_call": action("internal_collection", "call").from_dpd,
        "placement": action("agency_placement", "letter").on_dpd[0],
        "visit_review": action("visit_review", "visit_request").from_dpd,
        "legal_review": action("legal_review", "legal_review").from_dpd,
    }


def _pay_first_plan_instalment(folder: Path, loan, day: dt.date) -> None:
    from arrears.ledger.models import Instalment
    from arrears.plans.models import Plan

    plan = Plan.objects.get(loan=loan, status=Plan.Status.ACTIVE)
    first = Instalment.objects.filter(reschedule=plan.reschedule).order_by("seq").first()
    assert first.due_date == day
    _payment_file(folder, loan.external_id, first.principal + first.interest, day)


def _refer_and_open(ladder, day: dt.date, loan):
    """The legal officer refers the review and opens a payment-order case, after the checks."""
    from arrears.legal.cases import open_case
    from arrears.legal.models import LegalReview
    from arrears.legal.reviews import decide

    with clock.set_to(ladder.at(day, 15)):  # after the morning's outbox round: the hold binds from now on
        review = LegalReview.objects.get(loan=loan, state="open")
        decide(review.pk, user=ladder.organisation.legal, refer=True, note="三次拒绝还款 / refused three times")
        return open_case(user=ladder.organisation.legal, route="payment_order", review_id=review.pk,
                         forum="上海市徐汇区人民法院", note="债权债务关系明确 / the debt is clear")


def _advance(ladder, day: dt.date, case, stage: str, *, recovered: int = 0) -> None:
    from arrears.legal.cases import advance

    with clock.set_to(ladder.at(day, 15)):
        advance(case.pk, user=ladder.organisation.legal, to=stage, entered_on=day, recovered=recovered,
                case_number="(2026)沪0104民督88号" if stage == "filed" else "", fees_paid=5_000 if stage == "filed" else 0)


def _credit_report(day: dt.date, folder: Path) -> dict:
    import json

    from arrears.credit.models import CreditReport
    from arrears.credit.reporting import run_report

    made = CreditReport.objects.filter(as_of=day).first()  # a month end: the night's credit step reported it
    if made is None:
        with clock.set_to(ladder_morning(day)):
            made = run_report(day, directory=folder)
    path = Path(made.path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {line["record"]["基础段"]["AcctCode"]: line for line in lines}


def ladder_morning(day: dt.date) -> dt.datetime:
    return clock.at_local(day + dt.timedelta(days=1), dt.time(6))


class Ladder:
    """The cohort's world: the nights, the organisation and the outbox worker with its local peers."""

    def __init__(self, feeds: Path, peers, worker, organisation) -> None:
        self.feeds, self.peers, self.worker, self.organisation = feeds, peers, worker, organisation
        self.options = NightOptions(feeds_dir=feeds)
        self.nights: list[dt.date] = []

    def night(self, day: dt.date) -> None:
        run_night(day, self.options)
        self.nights.append(day)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return clock.at_local(day, dt.time(hour, minute))

    def outbox_round(self, day: dt.date, hour: int = 10):
        """The worker's round at `hour`; what the peers received."""
        with clock.set_to(self.at(day, hour)):
            self.worker.drain()
        return self.peers.take_new()

    def hear_replies(self, day: dt.date, hour: int) -> None:
        """The worker listens at `hour` until the SMSC has passed on a borrower's reply."""
        heard = self.worker.tally.opt_outs
        with clock.set_to(self.at(day, hour)):
            assert wait_until(lambda: self.worker.drain(listen_seconds=0.3).opt_outs > heard, timeout=15)

    def morning(self, day: dt.date) -> None:
        from arrears.simulate.organisation import assign_open_cases_to_team

        with clock.set_to(self.at(day, 8, 30)):
            assign_open_cases_to_team()

    def call(self, day: dt.date, loan, outcome: str, *, minute: int = 0, **details):
        """A collector opens the account from the queue, asks the guard, calls and records the outcome."""
        from arrears.cases.models import CollectionCase
        from arrears.guard import check_now
        from arrears.workbench.recording import ContactEntry, record_contact

        at = self.at(day, 11, minute)
        point = _mobile(loan)
        with clock.set_to(at):
            decision = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=at)
            assert decision.allowed, decision.rule_ids
            case = CollectionCase.objects.get(loan=loan, closed_on__isnull=True)
            entry = ContactEntry(case_id=case.pk, version=case.version, channel="call", party="debtor",
                                 outcome=outcome, contact_point_id=point.pk, **details)
            return record_contact(self.organisation.collectors[0], entry, now=at)


def _mobile(loan):
    from arrears.ledger.models import ContactPoint

    return ContactPoint.objects.get(borrower_id=loan.borrower_id, owner="borrower", kind="mobile")


def _overdue(loan) -> int:
    from arrears.cycle.models import AccountState

    state = AccountState.objects.get(loan=loan)
    return state.overdue_principal + state.overdue_interest + state.fee_outstanding + state.penalty_outstanding


def _planned(loan, day: dt.date, channel: str):
    from arrears.strategy.models import PlannedAction

    return list(PlannedAction.objects.filter(loan=loan, as_of=day, channel=channel))


def _planned_after(loan, day: dt.date) -> list:
    from arrears.strategy.models import PlannedAction

    return list(PlannedAction.objects.filter(loan=loan, as_of__gt=day).values_list("as_of", "segment", "channel"))


def _segment(loan, day: dt.date) -> str | None:
    from arrears.strategy.models import PlannedAction

    return PlannedAction.objects.filter(loan=loan, as_of=day).values_list("segment", flat=True).first()


def _dpd(loan, day: dt.date) -> int:
    from arrears.cycle.models import AccountStateHistory

    return AccountStateHistory.objects.get(loan=loan, as_of=day).days_past_due


def test_a_cohort_walks_the_ladder_on_the_days_the_strategy_says(tmp_path, settings):
    from arrears.agencies.models import Placement, PlacementEvent
    from arrears.cases.models import CaseEvent
    from arrears.contact.models import ChannelOptOut, ContactAttempt
    from arrears.guard.audit import audit
    from arrears.ledger.catalogue import read_catalogue, save_catalogue
    from arrears.ledger.models import Instalment, Loan
    from arrears.legal.models import LegalReview
    from arrears.messaging.defaults import load_defaults
    from arrears.outbox.local import start_local_peers
    from arrears.outbox.worker import Worker
    from arrears.plans.models import Plan
    from arrears.promises.models import Promise
    from arrears.simulate.organisation import ensure_organisation
    from arrears.visits.models import Visit

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    settings.VAR_DIR = tmp_path  # the nights' files (the month end's credit report) stay in the test's folder
    days = _strategy_days()
    feeds = tmp_path / "feeds"
    # given the products, the shipped templates, the organisation and the cohort's loans in the first night's feed
    with clock.set_to(clock.at_local(FIRST_NIGHT, dt.time(18))):
        save_catalogue(read_catalogue())
        load_defaults()
        _champions_only(FIRST_NIGHT - dt.timedelta(days=90))
        organisation = ensure_organisation(collectors=1, password="a-long-test-password-1",
                                           since=FIRST_NIGHT - dt.timedelta(days=90))
    _loans_file(feeds / FIRST_NIGHT.isoformat())
    with start_local_peers(letters=tmp_path / "print") as peers:
        worker = Worker(peers.config, owner="ladder")
        try:
            ladder = Ladder(feeds, peers, worker, organisation)
            ladder.night(FIRST_NIGHT)
            a, b, c = (Loan.objects.get(external_id=key) for key in COHORT)
            due = {loan.external_id: Instalment.objects.filter(loan=loan).order_by("seq").first().due_date
                   for loan in (a, b, c)}

            def on(loan, dpd: int) -> dt.date:
                """The business day on which `loan` is `dpd` days past due."""
                return due[loan.external_id] + dt.timedelta(days=dpd)

            first_sms, second_sms = days["reminder_sms"]
            call_day = on(b, days["first_call"]) + dt.timedelta(days=1)  # the work day after the night that plans it
            promise_due = call_day + dt.timedelta(days=PROMISE_DAYS)
            silent_days = [promise_due + dt.timedelta(days=n) for n in (2, 3, 4)]
            refusal_days = [FIRST_NIGHT + dt.timedelta(days=n) for n in (1, 2, 3)]
            a_pays_on = on(a, second_sms) + dt.timedelta(days=1)
            placement_night = on(b, days["placement"])
            visit_night = on(b, days["visit_review"])
            legal_night = on(c, days["legal_review"])
            visit_day = visit_night + dt.timedelta(days=2)
            # C's payment order: referred the morning after the review, filed the next day, issued 5 days on
            # (within the court's 5 to accept and 15 to issue), served 2 days later, in force when the 15 days
            # to object have run out, enforced the day after
            refer_day = legal_night + dt.timedelta(days=1)
            order_days = {"filed": refer_day + dt.timedelta(days=1)}
            order_days["issued"] = order_days["filed"] + dt.timedelta(days=5)
            order_days["served"] = order_days["issued"] + dt.timedelta(days=2)
            order_days["effective"] = order_days["served"] + dt.timedelta(days=16)
            order_days["enforcement"] = order_days["effective"] + dt.timedelta(days=1)
            close_day = order_days["enforcement"] + dt.timedelta(days=1)
            report_days = (dt.date(2026, 4, 30), close_day)
            reports: dict[dt.date, dict] = {}
            recovered_amount = None
            last_night = max(visit_day + dt.timedelta(days=1), close_day)
            received: dict[dt.date, list] = {}

            day = FIRST_NIGHT + dt.timedelta(days=1)
            while day <= last_night:
                # the working day: people act through the services, then the day's feed and the night
                ladder.morning(day)
                received[day] = ladder.outbox_round(day)
                if day == on(a, first_sms) + dt.timedelta(days=1):
                    # A reads the first reminder and replies TD: the number is opted out of SMS
                    to_a = next(m for m in received[day] if m.channel == "sms" and m.to.endswith(COHORT["LN-A"][3]))
                    peers.smsc.reply(to_a.to, "TD")
                    ladder.hear_replies(day, hour=11)
                if day in refusal_days:
                    ladder.call(day, c, "refusal")
                if day == call_day:
                    ladder.call(day, b, "promise", promise_amount=_overdue(b), promise_date=promise_due)
                if day in silent_days:
                    ladder.call(day, b, "no_answer")
                if day == a_pays_on:
                    _payment_file(feeds / day.isoformat(), "LN-A", _overdue(a), day)
                if day == visit_night + dt.timedelta(days=1):
                    _approve_and_book(ladder, day)
                if day == visit_day:
                    _visit(ladder, day, b)
                if day == visit_day + dt.timedelta(days=1):
                    _pay_first_plan_instalment(feeds / day.isoformat(), b, day)  # B keeps the plan while C is in court
                if day == refer_day:
                    case = _refer_and_open(ladder, day, c)
                for stage, stage_day in order_days.items():
                    if day == stage_day:
                        if stage == "enforcement":
                            recovered_amount = _overdue(c)
                        _advance(ladder, day, case, stage, recovered=recovered_amount if stage == "enforcement" else 0)
                if day == close_day:
                    _advance(ladder, day, case, "closed")
                ladder.night(day)
                if day in report_days:
                    reports[day] = _credit_report(day, tmp_path / "credit")
                day += dt.timedelta(days=1)
        finally:
            worker.close()

    # then the nights ran every day, the cohort aging one day a night
    assert ladder.nights == [FIRST_NIGHT + dt.timedelta(days=n) for n in range((last_night - FIRST_NIGHT).days + 1)]
    assert _dpd(b, placement_night) == days["placement"] and _dpd(c, legal_night) == days["legal_review"]

    # reminders: the SMS planned on DPD 1 and 3 and on no other day; B's reached the SMSC the next morning
    for dpd in range(1, 4):
        planned = _planned(b, on(b, dpd), "sms")
        assert [p.template for p in planned] == (["sms_due_reminder"] if dpd in days["reminder_sms"] else [])
    sent_b = [m for m in received[on(b, first_sms) + dt.timedelta(days=1)] if m.to.endswith(COHORT["LN-B"][3])]
    assert [m.channel for m in sent_b if m.channel == "sms"] == ["sms"]
    sms = ContactAttempt.objects.get(loan=b, channel="sms", as_of=on(b, first_sms))
    assert sms.state == "sent" and sms.provider_message_id == next(m for m in sent_b if m.channel == "sms").message_id

    # A: opted out by the reply, its DPD 3 reminder blocked by the plan, cured the night it paid
    assert ChannelOptOut.objects.filter(contact_point=_mobile(a), channel="sms", source="sms_reply").count() == 1
    (blocked,) = _planned(a, on(a, second_sms), "sms")
    assert not blocked.allowed and blocked.blocked_by == "cn.channel_opt_out"
    assert list(CaseEvent.objects.filter(loan=a, kind="cured").values_list("on_date", flat=True)) == [a_pays_on]

    # B: in-house calls from DPD 4, the promise made on the call and judged broken on its day
    assert _planned(b, on(b, days["first_call"] - 1), "call") == []
    assert [p.segment for p in _planned(b, on(b, days["first_call"]), "call")] == ["internal_collection"]
    (promise,) = Promise.objects.filter(loan=b)
    assert (promise.promised_on, promise.due_date, promise.state, promise.judged_on) == (
        call_day, promise_due, "broken", promise_due)
    assert _segment(b, promise_due - dt.timedelta(days=1)) == "promise_watch"
    assert _segment(b, promise_due) == "internal_collection"

    # B: placed with an agency the night it is 31 days past due, active once its notice letter went out
    assert _segment(b, placement_night - dt.timedelta(days=1)) == "internal_collection"
    assert _segment(b, placement_night) == "agency_placement"
    (placement,) = Placement.objects.filter(loan=b)
    assert placement.placed_on == placement_night and placement.bucket == "M2"
    activated = PlacementEvent.objects.get(placement=placement, kind="activated")
    assert activated.on_date == placement_night + dt.timedelta(days=1)

    # B: screened for a visit the night it is 60 days past due, visited with the code checked
    assert _segment(b, visit_night - dt.timedelta(days=1)) == "agency_placement"
    assert _segment(b, visit_night) == "visit_review"
    (visit,) = Visit.objects.filter(loan=b)
    assert visit.state == "completed"
    kinds = list(visit.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[:1] == ["screened"] and kinds.index("approved") < kinds.index("scheduled") < kinds.index(
        "code_verified") < kinds.index("checked_in") < kinds.index("checked_out")
    assert (visit.screened_on, visit.days_past_due) == (visit_night, days["visit_review"])
    # its notice went out by SMS the day it was booked, before the collectors checked in
    notice = visit.notice
    assert notice.channel == "sms" and notice.state == "sent" and notice.sent_at < visit.events.get(kind="checked_in").at
    # the visit's hardship claim leads to a plan in force that night
    (plan,) = Plan.objects.filter(loan=b)
    assert plan.status == Plan.Status.ACTIVE
    assert plan.start_date == visit_day + dt.timedelta(days=1)
    assert (_dpd(b, visit_day), _dpd(b, plan.start_date)) == (days["visit_review"] + 2, 0)
    assert list(CaseEvent.objects.filter(loan=b, kind="cured").values_list("on_date", flat=True)) == [plan.start_date]
    assert _planned_after(b, visit_night) == []
    # the agency kept the case through the visit; the night the plan made B current it was recalled
    placement.refresh_from_db()
    assert (placement.state, placement.ended_on) == ("recalled", plan.start_date)
    assert "the account is no longer overdue" in placement.end_reason

    # C: three refusals in house, then a legal review opened the night it is 90 days past due
    assert _segment(c, legal_night - dt.timedelta(days=1)) == "inhouse_late_mild"
    assert _segment(c, legal_night) == "legal_review"
    assert list(LegalReview.objects.filter(loan=c).values_list("opened_on", "state")) == [(legal_night, "referred")]

    # C: the payment order, each stage on its day with the procedure's deadline, the legal hold stopping the
    # plan's collection while the case was open, the money enforced reaching the ledger, the case closed
    from arrears.cases.models import AccountHold
    from arrears.cycle.models import AccountStateHistory
    from arrears.ledger.models import Payment
    from arrears.legal.models import LegalCase
    from arrears.strategy.models import PlannedAction

    case = LegalCase.objects.get(loan=c)
    stages = list(case.stages.values_list("stage", "entered_on", "due_by"))
    assert stages == [
        ("prepare", refer_day, None),
        ("filed", order_days["filed"], order_days["filed"] + dt.timedelta(days=5)),
        ("issued", order_days["issued"], order_days["issued"] + dt.timedelta(days=15)),
        ("served", order_days["served"], order_days["served"] + dt.timedelta(days=15)),
        ("effective", order_days["effective"], None),
        ("enforcement", order_days["enforcement"], None),
        ("closed", close_day, None),
    ]
    assert order_days["effective"] > order_days["served"] + dt.timedelta(days=15)  # no objection came in time
    hold = AccountHold.objects.get(loan=c, kind="legal_hold")
    assert hold.released_at is not None and case.state == "closed"
    assert not PlannedAction.objects.filter(loan=c, as_of__gt=refer_day, as_of__lt=close_day, allowed=True,
                                            channel__in=("sms", "call", "letter", "email", "app_push", "visit")).exists()
    (enforced,) = Payment.objects.filter(loan=c, channel="enforcement")
    assert (enforced.amount, enforced.value_date) == (recovered_amount, order_days["enforcement"])
    before = AccountStateHistory.objects.get(loan=c, as_of=order_days["enforcement"] - dt.timedelta(days=1))
    after = AccountStateHistory.objects.get(loan=c, as_of=order_days["enforcement"])
    assert after.paid_total - before.paid_total == recovered_amount and after.days_past_due == 0
    assert after.status == "cured" and after.overdue_principal == 0 and after.balance == after.principal_outstanding
    # the credit report: on 30 April C is reported in legal recovery (账户状态 8), past due; once the arrears were
    # enforced and the case closed, normal again, the five-category classification back to 正常
    from arrears.credit.models import SentRecord

    first = SentRecord.objects.filter(loan=c).order_by("as_of", "pk").first()
    assert first.event == "new" and first.as_of < dt.date(2026, 4, 30)  # the night of an earlier month end sent it
    april = reports[dt.date(2026, 4, 30)]["LN-C"]
    assert april["event"] == "five_category" and april["record"]["月度表现段"]["AcctStatus"] == "8"
    assert april["record"]["月度表现段"]["OverdPrd"] >= 3
    closing = reports[close_day]["LN-C"]
    assert closing["event"] == "five_category" and closing["record"]["月度表现段"]["AcctStatus"] == "1"
    assert (closing["record"]["月度表现段"]["FiveCate"], closing["record"]["月度表现段"]["OverdPrd"]) == ("1", 0)
    assert april["record"]["月度表现段"]["FiveCate"] in ("2", "3")
    assert closing["record"]["月度表现段"]["LatRpyDate"] == order_days["enforcement"].isoformat()

    # and the audit, judging every contact made or sent again at its own moment, finds nothing
    found = audit(FIRST_NIGHT, last_night)
    made = ContactAttempt.objects.filter(state__in=("sent", "done"), contact_point__isnull=False).count()
    assert found.judged == made and found.findings == ()
    judged_channels = set(ContactAttempt.objects.filter(state__in=("sent", "done")).values_list("channel", flat=True))
    assert {"sms", "call", "letter", "visit"} <= judged_channels


def _approve_and_book(ladder: Ladder, day: dt.date) -> None:
    """The team lead approves the visit screened overnight and books it for tomorrow with two field
    collectors; the notice goes out on the outbox's next round."""
    from arrears.visits import services
    from arrears.visits.models import Visit

    lead = ladder.organisation.lead
    at = ladder.at(day, 8, 45)
    with clock.set_to(at):
        (visit,) = Visit.objects.filter(state="screened")
        services.approve(visit.pk, actor=lead, note="地址已核实，金额较大 / verified address, large amount")
        booking = services.Booking(day=day + dt.timedelta(days=1), starts=dt.time(10), ends=dt.time(11),
                                   user_ids=tuple(u.pk for u in ladder.organisation.field_collectors))
        services.schedule(visit.pk, actor=lead, booking=booking, now=at)
    arrived = ladder.outbox_round(day, hour=12)
    assert any(m.channel == "sms" for m in arrived), arrived


def _visit(ladder: Ladder, day: dt.date, loan) -> None:
    """The collectors arrive, the borrower checks their code, the talk ends in a hardship claim; the
    lead then proposes an instalment plan, within their limit or approved by them."""
    from arrears.plans.models import Plan
    from arrears.plans.services import approve, propose
    from arrears.visits import services
    from arrears.visits.models import Visit

    visit = Visit.objects.get(loan=loan, state="scheduled")
    collector = ladder.organisation.field_collectors[0]
    arrival = visit.starts_at + dt.timedelta(minutes=5)
    code = services.issue_code(visit.pk, actor=collector, now=arrival)
    services.verify(code, client="ladder-borrower", now=arrival)
    services.check_in(visit.pk, actor=collector, now=arrival + dt.timedelta(minutes=1))
    leave = arrival + dt.timedelta(minutes=45)
    with clock.set_to(leave):
        report = services.Report(identification_shown=True, purpose_stated=True, no_disclosure=True,
                                 outcome="hardship_claim", notes="上门面谈，称失业 / met at home: lost their job")
        services.check_out(visit.pk, actor=collector, report=report, now=leave)
        lead = ladder.organisation.lead
        plan = propose(lead, loan, "instalments", day + dt.timedelta(days=1), instalments=6,
                       reason="上门核实困难，协商分期 / hardship seen on the visit: instalments agreed", today=day)
        if plan.status == Plan.Status.PROPOSED:
            approve(lead, plan, note="组长审批 / approved by the team lead", today=day)
