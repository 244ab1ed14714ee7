"""A field visit from the plan's review to the report, on a real database: screening, approval,
scheduling with notice through the outbox, the guard's visit rules, code, check-in, check-out,
attachments, incidents, and who sees which visit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from arrears.access.roles import Role
from arrears.agencies.models import Agency, AgencyStaff, Contract, Placement, StaffRole
from arrears.contact.models import ContactAttempt
from arrears.errors import InputError
from arrears.ledger.models import ContactPoint
from arrears.visits import services
from arrears.visits.access import visible_visits
from arrears.visits.models import Visit, VisitEvent
from arrears.visits.services import Booking, Report
from arrears.visits.workflow import StepRefused
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI)  # Monday morning
VISIT_DAY = dt.date(2026, 5, 12)
# contracts, placements and authorisations in these tests run long past any day a test runs on
LONG_AFTER = dt.date(2099, 12, 31)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def person(django_user_model, username: str, *roles: Role, full_name: str = ""):
    first, _, last = full_name.partition(" ")
    user = django_user_model.objects.create_user(username, password="a-long-test-password-1", first_name=first, last_name=last)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def agency_with_field_staff(name: str, credit_code: str, *names: str, django_user_model=None) -> tuple[Agency, list[AgencyStaff]]:
    agency = Agency.objects.create(name=name, credit_code=credit_code)
    staff = []
    for i, full_name in enumerate(names):
        user = None
        if django_user_model is not None:
            user = person(django_user_model, f"{credit_code[-4:]}-{i}", Role.FIELD_COLLECTOR)
        staff.append(
            AgencyStaff.objects.create(
                agency=agency, user=user, full_name=full_name, role=StaffRole.FIELD_COLLECTOR,
                credential_number=f"C-{credit_code[-4:]}-{i}", training_completed_on=dt.date(2026, 1, 5),
                authorised_from=dt.date(2026, 1, 10), authorised_until=LONG_AFTER,
            )
        )
    return agency, staff


def contract_for(agency: Agency, *, visits_allowed: bool = True) -> Contract:
    return Contract.objects.create(
        agency=agency, reference=f"C-{agency.credit_code[-6:]}-{visits_allowed}", valid_from=dt.date(2026, 1, 1),
        valid_until=LONG_AFTER, buckets=["M2", "M3"], channels=["call", "visit"], visits_allowed=visits_allowed,
        purpose="催收", processing_duration="合同期内", processing_method="电话及上门", data_types="姓名、地址", protection_measures="加密",
    )


def placed_with(agency: Agency, loan, *, visits_allowed: bool = True) -> Placement:
    """The case placed with the agency under a contract, the borrower told by a letter that went out."""
    notice = ContactAttempt.objects.create(
        idempotency_key=f"placement:{loan.pk}:{agency.pk}", loan=loan, channel="letter", template="placement_notice",
        state="sent", sent_at=dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC),
    )
    return Placement.objects.create(
        loan=loan, agency=agency, contract=contract_for(agency, visits_allowed=visits_allowed), placed_on=dt.date(2026, 4, 1),
        expires_on=LONG_AFTER, state="active", bucket="M2", overdue_at_placement=3_300_000,
        balance_at_placement=12_000_000, notice=notice, activated_on=dt.date(2026, 4, 2),
    )


VISIT_TEAM = "外访审批组 / visit approvals"


def screened_visit(external_id: str = "L-V1", *, verified_address: bool = True) -> Visit:
    """A visit screened on a new account whose case belongs to the team the `lead` fixture leads
    (a team lead sees the visits of the accounts they may open)."""
    from arrears.access.models import Team
    from arrears.cases.models import CollectionCase

    loan = make_loan(external_id)
    CollectionCase.objects.create(loan=loan, opened_on=dt.date(2026, 5, 1),
                                  team=Team.objects.get_or_create(name=VISIT_TEAM)[0])
    address = ContactPoint.objects.create(
        borrower=loan.borrower, kind="address", value="上海市浦东新区世纪大道 100 号", verified=verified_address
    )
    ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"139{loan.pk:08d}", verified=True)
    return Visit.objects.create(
        loan=loan, screened_on=dt.date(2026, 5, 10), days_past_due=70, overdue_amount=3_300_000, address=address,
        segment="visit_review", rule="default/v1/visit_review/visit_request",
    )


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security


def visit_team_lead(django_user_model):
    """The team lead who leads the team of every `screened_visit`'s account."""
    from arrears.access.models import Team
    from arrears.access.sync import sync_roles

    sync_roles()  # the roles' permissions: a team lead sees the accounts (and visits) of their team
    user = person(django_user_model, "lead", Role.TEAM_LEAD)
    team, _ = Team.objects.get_or_create(name=VISIT_TEAM)
    team.lead = user
    team.save()
    return user


@pytest.fixture
def lead(django_user_model):
    return visit_team_lead(django_user_model)


@pytest.fixture
def crew(django_user_model):
    """Two of the lender's own field collectors."""
    return [
        person(django_user_model, "field1", Role.FIELD_COLLECTOR, full_name="周 明"),
        person(django_user_model, "field2", Role.FIELD_COLLECTOR, full_name="吴 刚"),
    ]


def booking(crew, **changes) -> Booking:
    fields = dict(day=VISIT_DAY, starts=dt.time(10), ends=dt.time(11), user_ids=tuple(u.pk for u in crew))
    fields.update(changes)
    return Booking(**fields)


def sent_by_outbox(visit: Visit, at: dt.datetime) -> None:
    """What the outbox worker does once the notice goes out."""
    ContactAttempt.objects.filter(pk=visit.notice_id).update(state="sent", sent_at=at)


def events(visit: Visit) -> list[str]:
    return list(VisitEvent.objects.filter(visit=visit).order_by("id").values_list("kind", flat=True))


def test_a_visit_runs_from_approval_to_report_with_every_step_recorded(lead, crew):
    # given a screened visit
    visit = screened_visit()
    # when a field collector tries to approve it, they are refused; a team lead approves
    with pytest.raises(StepRefused):
        services.approve(visit.pk, actor=crew[0])
    services.approve(visit.pk, actor=lead, note="地址已核实")
    # and the lead schedules it with two named collectors, 10:00–11:00 borrower's time tomorrow
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    # then the window is stored in UTC and the notice waits in the outbox as a planned contact attempt
    assert visit.state == "scheduled"
    assert visit.starts_at == dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)
    notice = ContactAttempt.objects.get(pk=visit.notice_id)
    assert (notice.channel, notice.template, notice.state) == ("sms", "visit_notice", "planned")
    assert notice.contact_point.kind == "mobile"
    context = services.notice_context(notice)
    assert context["date"] == "2026-05-12" and context["window"] == "10:00–11:00"
    assert "2026-05-12 10:00–11:00" in notice.body and context["purpose_zh"] in notice.body
    assert context["purpose_en"] in notice.body and "/visits/verify/" in notice.body
    assert "3,300" not in notice.body and "33000" not in notice.body  # never the debt
    # when the collectors arrive before the notice has gone out, check-in is blocked by the guard
    arrival = dt.datetime(2026, 5, 12, 10, 5, tzinfo=SHANGHAI)
    with pytest.raises(StepRefused) as refused:
        services.check_in(visit.pk, actor=crew[0], now=arrival)
    assert refused.value.rule_ids == ("cn.visit_advance_notice",)
    assert "check_in_blocked" in events(visit)
    # once the outbox has sent it, they take a code, the borrower checks it, and they check in
    sent_by_outbox(visit, NOW + dt.timedelta(minutes=5))
    code = services.issue_code(visit.pk, actor=crew[0], now=arrival)
    verified = services.verify(code, client="test-client", now=arrival + dt.timedelta(minutes=1))
    assert [v.name for v in verified.visitors] == ["周 明", "吴 刚"] and verified.agency_name == ""
    services.check_in(visit.pk, actor=crew[1], now=arrival + dt.timedelta(minutes=2))
    # and they attach the signed agreement, and check out with the checklist and outcome
    services.attach(visit.pk, actor=crew[0], upload=SimpleUploadedFile("还款协议.pdf", PDF, "application/pdf"), now=arrival)
    visit = services.check_out(
        visit.pk, actor=crew[0], now=arrival + dt.timedelta(minutes=50),
        report=Report(identification_shown=True, purpose_stated=True, no_disclosure=True, outcome="promise", notes="同意分期",
                      promise_amount=120_000, promise_due=dt.date(2026, 5, 20)),
    )
    # then the visit is part of the account's contact history, and every step is recorded with who and when
    assert visit.state == "completed" and visit.record.channel == "visit" and visit.record.outcome == "promise"
    assert visit.record.attempted_at == visit.checked_in_at
    # and the outcome has its effects: the promise is kept for the nightly judging, and meeting the
    # borrower at the address verified it again by visit
    promise = visit.record.promises.get()
    assert (promise.amount, promise.due_date, promise.made_by) == (120_000, dt.date(2026, 5, 20), crew[0])
    assert visit.address.verifications.filter(method="visit", verified=True, by=crew[0]).exists()
    assert events(visit) == [
        "approved", "scheduled", "notice_queued", "check_in_blocked", "code_issued", "code_verified",
        "checked_in", "attachment_added", "checked_out",
    ]
    assert VisitEvent.objects.get(visit=visit, kind="approved").actor == lead
    stored = visit.attachments.get()
    assert stored.content_type == "application/pdf" and stored.file.read() == PDF


def test_the_guards_visit_rules_block_scheduling_with_rule_ids_and_keep_the_block(lead, crew, django_user_model):
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    # one collector alone
    with pytest.raises(StepRefused) as alone:
        services.schedule(visit.pk, actor=lead, booking=booking(crew[:1]), now=NOW)
    assert alone.value.rule_ids == ("cn.visit_collectors",)
    # a window at night in the borrower's zone
    with pytest.raises(StepRefused) as night:
        services.schedule(visit.pk, actor=lead, booking=booking(crew, starts=dt.time(21, 30), ends=dt.time(22, 30)), now=NOW)
    assert night.value.rule_ids == ("cn.contact_hours",)
    # someone who is not a field collector is named
    clerk = person(django_user_model, "clerk", Role.COLLECTOR)
    with pytest.raises(StepRefused) as unauthorised:
        services.schedule(visit.pk, actor=lead, booking=booking([crew[0], clerk]), now=NOW)
    assert unauthorised.value.rule_ids == ("cn.visit_collectors", "visits.collector_authorised")
    # too soon for notice to reach the borrower
    with pytest.raises(StepRefused) as soon:
        services.schedule(visit.pk, actor=lead, booking=booking(crew, day=dt.date(2026, 5, 11), starts=dt.time(15), ends=dt.time(16)), now=NOW)
    assert soon.value.rule_ids == ("visits.notice_lead",)
    # then the visit is still approved, nothing was queued, and each guard block is kept with reasons
    visit.refresh_from_db()
    assert visit.state == "approved" and visit.notice_id is None and not visit.collectors.exists()
    blocks = VisitEvent.objects.filter(visit=visit, kind="schedule_blocked")
    assert blocks.count() == 3 and "cn.contact_hours" in blocks[1].note and "22:00" in blocks[1].note


def test_the_monthly_cap_counts_other_visits_of_the_account(lead, crew):
    # given an account visited twice already this month (recorded as contacts of channel visit)
    visit = screened_visit()
    for day in (4, 8):
        ContactAttempt.objects.create(
            idempotency_key=f"agency-visit-{day}", loan=visit.loan, channel="visit", state="done",
            attempted_at=dt.datetime(2026, 5, day, 3, tzinfo=dt.UTC), outcome="no_answer",
        )
    services.approve(visit.pk, actor=lead)
    # then a third this month is blocked, and one next month is not
    with pytest.raises(StepRefused) as capped:
        services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    assert capped.value.rule_ids == ("cn.monthly_visits",)
    services.schedule(visit.pk, actor=lead, booking=booking(crew, day=dt.date(2026, 6, 2)), now=NOW)


def test_an_agency_visit_needs_a_placement_a_contract_allowing_visits_and_authorised_staff(lead, django_user_model):
    agency, staff = agency_with_field_staff("安信外访", "91310000MA1FL0001X", "陈一", "林二", django_user_model=django_user_model)
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    crew = booking([], staff_ids=(staff[0].pk, staff[1].pk))
    # with no contract and the case not placed with the agency
    with pytest.raises(StepRefused) as unplaced:
        services.schedule(visit.pk, actor=lead, booking=crew, now=NOW)
    # (with no contract the guard knows nothing of the agency, so its whitelist rule refuses too)
    assert set(unplaced.value.rule_ids) == {"cn.agency_authority", "cn.agency_whitelist", "cn.outsourcing_notice", "visits.placed_with_agency"}
    # placed, the borrower told, but under a contract that does not allow visits
    placement = placed_with(agency, visit.loan, visits_allowed=False)
    with pytest.raises(StepRefused) as no_visits:
        services.schedule(visit.pk, actor=lead, booking=crew, now=NOW)
    assert no_visits.value.rule_ids == ("cn.agency_authority",)
    # under a contract that allows them, but one collector's authorisation lapsed the day before
    Contract.objects.filter(pk=placement.contract_id).update(visits_allowed=True)
    AgencyStaff.objects.filter(pk=staff[1].pk).update(authorised_until=dt.date(2026, 5, 11))
    with pytest.raises(StepRefused) as lapsed:
        services.schedule(visit.pk, actor=lead, booking=crew, now=NOW)
    assert lapsed.value.rule_ids == ("cn.visit_collectors", "visits.collector_authorised") and "林二" in lapsed.value.zh
    # and with both authorised, the visit is scheduled and belongs to the agency
    AgencyStaff.objects.filter(pk=staff[1].pk).update(authorised_until=None)
    visit = services.schedule(visit.pk, actor=lead, booking=crew, now=NOW)
    assert visit.agency == agency
    # when the lender recalls the case before the day, the collectors cannot check in
    Placement.objects.filter(pk=placement.pk).update(state="recalled")
    sent_by_outbox(visit, NOW)
    with pytest.raises(StepRefused) as recalled:
        services.check_in(visit.pk, actor=staff[0].user, now=dt.datetime(2026, 5, 12, 10, 5, tzinfo=SHANGHAI))
    assert "visits.placed_with_agency" in recalled.value.rule_ids


def test_a_check_out_with_a_checklist_item_missed_is_kept_as_a_finding(lead, crew):
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    sent_by_outbox(visit, NOW)
    arrival = dt.datetime(2026, 5, 12, 10, 0, tzinfo=SHANGHAI)
    services.check_in(visit.pk, actor=crew[0], now=arrival)
    services.check_out(visit.pk, actor=crew[1], now=arrival + dt.timedelta(minutes=20),
                       report=Report(identification_shown=True, purpose_stated=True, no_disclosure=False, outcome="refusal"))
    finding = VisitEvent.objects.get(visit=visit, kind="checklist_finding")
    assert "no_disclosure" in finding.note and finding.actor == crew[1]


def test_attachments_of_the_wrong_type_or_size_are_refused(lead, crew):
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    sent_by_outbox(visit, NOW)
    services.check_in(visit.pk, actor=crew[0], now=dt.datetime(2026, 5, 12, 10, 0, tzinfo=SHANGHAI))
    with pytest.raises(InputError) as script:
        services.attach(visit.pk, actor=crew[0], upload=SimpleUploadedFile("agreement.pdf", b"<script>alert(1)</script>"))
    assert "PDF" in script.value.en and "PDF" in script.value.zh
    big = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "image/jpeg")
    with pytest.raises(InputError) as too_big:
        services.attach(visit.pk, actor=crew[0], upload=big)
    assert "too large" in too_big.value.en
    assert not visit.attachments.exists()


def test_a_safety_incident_is_reported_by_a_collector_of_the_visit(lead, crew, django_user_model):
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    outsider = person(django_user_model, "outsider", Role.FIELD_COLLECTOR)
    with pytest.raises(StepRefused):
        services.report_incident(visit.pk, actor=outsider, kind="threat", description="x")
    with pytest.raises(InputError):
        services.report_incident(visit.pk, actor=crew[0], kind="threat", description="  ")
    incident = services.report_incident(visit.pk, actor=crew[0], kind="threat", description="门口有人持棍威胁", police_called=True)
    assert incident.reported_by == crew[0] and "incident_reported" in events(visit)


def test_a_field_collector_sees_only_their_visits_and_an_agency_never_anothers(lead, crew, django_user_model):
    # given one visit of the lender's own crew, and one visit each of two agencies
    own = screened_visit("L-OWN")
    services.approve(own.pk, actor=lead)
    services.schedule(own.pk, actor=lead, booking=booking(crew), now=NOW)
    visits, teams = {}, {}
    for name, code in (("甲", "91310000MA1FL0002X"), ("乙", "91310000MA1FL0003X")):
        agency, staff = agency_with_field_staff(f"{name}机构", code, f"{name}一", f"{name}二", django_user_model=django_user_model)
        visit = screened_visit(f"L-{code[-4:]}")
        placed_with(agency, visit.loan)
        services.approve(visit.pk, actor=lead)
        services.schedule(visit.pk, actor=lead, booking=booking([], staff_ids=tuple(s.pk for s in staff)), now=NOW)
        visits[name], teams[name] = visit, staff
    manager_a = person(django_user_model, "manager-a", Role.AGENCY_MANAGER)
    AgencyStaff.objects.create(agency=teams["甲"][0].agency, user=manager_a, full_name="甲经理", role=StaffRole.MANAGER,
                               credential_number="M-1", authorised_from=dt.date(2026, 1, 1))
    unscheduled = screened_visit("L-NEW")
    # then each field collector sees only the visit they are named on
    assert set(visible_visits(crew[0])) == {own}
    assert set(visible_visits(teams["甲"][0].user)) == {visits["甲"]}
    assert set(visible_visits(teams["乙"][1].user)) == {visits["乙"]}
    # and an agency manager sees their agency's visits, never the other agency's or the lender's own
    assert set(visible_visits(manager_a)) == {visits["甲"]}
    # while the lender's team lead sees all, and someone with no role sees none
    assert set(visible_visits(lead)) == {own, visits["甲"], visits["乙"], unscheduled}
    assert not visible_visits(person(django_user_model, "nobody")).exists()
    # and a collector of another visit cannot take its steps
    with pytest.raises(StepRefused):
        services.issue_code(visits["甲"].pk, actor=teams["乙"][0].user, now=dt.datetime(2026, 5, 12, 10, tzinfo=SHANGHAI))


def test_a_scheduled_visit_is_moved_with_a_new_notice_and_the_old_one_withdrawn(lead, crew, django_user_model):
    # given a scheduled visit whose notice the outbox has not yet taken
    visit = screened_visit()
    services.approve(visit.pk, actor=lead)
    visit = services.schedule(visit.pk, actor=lead, booking=booking(crew), now=NOW)
    first_notice = visit.notice_id
    # when the lead moves it to the next day with another crew
    other = [crew[0], person(django_user_model, "field3", Role.FIELD_COLLECTOR, full_name="郑 三")]
    moved = services.schedule(visit.pk, actor=lead, booking=booking(other, day=dt.date(2026, 5, 13), starts=dt.time(14), ends=dt.time(15)), now=NOW)
    # then the old notice is withdrawn, a new one waits, and the crew is the new one
    assert ContactAttempt.objects.get(pk=first_notice).state == "blocked"
    assert moved.notice_id != first_notice and moved.notice.state == "planned" and "2026-05-13 14:00–15:00" in moved.notice.body
    assert sorted(moved.collectors.values_list("name", flat=True)) == ["周 明", "郑 三"]
    assert events(moved)[-3:] == ["notice_withdrawn", "rescheduled", "notice_queued"]
    # and a collector who was dropped can no longer take its steps
    with pytest.raises(StepRefused):
        services.issue_code(visit.pk, actor=crew[1], now=dt.datetime(2026, 5, 13, 14, 5, tzinfo=SHANGHAI))
