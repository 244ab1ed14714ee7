"""One small world for the access matrix over HTTP (tests/e2e/test_access_http_matrix.py).

    team East: lead "team_lead", collectors "collector" and "mate"      team West: lead "west_lead", collector "west"
    MX-OWN-7001   East, assigned to "collector"         ("mine")        the lender's own visit, approved ("lender_visit")
    MX-MATE-7002  East, assigned to "mate"              ("teammate")    placed with agency 安和 ("own_agency"),
                                                                        its visit under way now ("named_visit")
    MX-POOL-7005  East, nobody assigned                 ("team_pool")
    MX-WEST-7003  West, assigned to "west"              ("other_team")  placed with agency 博远 ("other_agency")
    MX-NONE-7004  no case                               ("no_case")

Every case is in the internal queue; each loan but MX-POOL has a 12-instalment plan waiting for a
team lead or an administrator; MX-OWN and MX-WEST each have a legal review awaiting a decision. The agency roles (agency_manager, agency_collector, field_collector)
are authorised staff of 安和; "field_collector" is named on the visit under way, with a second field
collector of 安和. The legal officer, like the compliance officer, sees the whole book and works no
case. Each of the nine roles (admin among them) has a signed-in session made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from tests.outbox_peers import daytime_zone

ROLES = (
    "admin",
    "strategy_manager",
    "compliance_officer",
    "legal_officer",
    "team_lead",
    "collector",
    "agency_manager",
    "agency_collector",
    "field_collector",
)
LOAN_IDS = {
    "mine": "MX-OWN-7001",
    "teammate": "MX-MATE-7002",
    "other_team": "MX-WEST-7003",
    "no_case": "MX-NONE-7004",
    "team_pool": "MX-POOL-7005",
}
PLACED_LOAN = {"own_agency": "teammate", "other_agency": "other_team"}  # which case each agency holds
BORROWER_NAME = "矩阵"  # every borrower bears this name: one search (names are found whole) finds the whole world
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PIPL = dict(
    purpose="催收 / collection", processing_duration="委案期内 / while placed", processing_method="电话及上门 / calls and visits",
    data_types="姓名、手机、地址 / name, mobile, address", protection_measures="加密 / encryption", end_of_term="delete",
)
COMMISSION = [{"bucket": "M2", "tiers": [{"from_recovery_bp": 0, "rate_bp": 1200}]}]


@dataclass(frozen=True)
class World:
    today: dt.date
    users: dict
    loans: dict  # object name → Loan
    cases: dict  # object name → CollectionCase
    mobiles: dict  # object name → the borrower's mobile ContactPoint
    plans: dict  # object name → the waiting Plan on that loan
    teams: dict
    agencies: dict  # "own_agency" / "other_agency" → Agency
    placements: dict
    proposals: dict
    uploads: dict
    visits: dict  # "named_visit" / "lender_visit" → Visit
    attachments: dict
    staff: dict  # name → AgencyStaff
    lender_crew: tuple  # two of the lender's own field collectors
    reviews: dict  # object name → the open LegalReview on that loan
    legal_cases: dict  # object name → the open LegalCase on that loan ("teammate", "no_case")
    objections: dict  # object name → an unanswered credit-report objection on that loan ("mine", "other_team")
    sessions: dict  # role → session key

    def client(self, who: str) -> Client:
        """A browser signed in as `who` (a role), or nobody's for "anonymous"."""
        from django.conf import settings

        client = Client()
        if who != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[who]
        return client


def _person(username: str, *roles: str, full_name: str = ""):
    first, _, last = full_name.partition(" ")
    user = get_user_model().objects.create_user(username, password=None, first_name=first, last_name=last)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def _loan(product, key: str, index: int, today: dt.date, *, time_zone: str = "Asia/Shanghai"):
    from arrears.cycle.models import AccountState, AccountStateHistory
    from arrears.ledger.models import Borrower, ContactPoint, Instalment, Loan
    from arrears.ledger.records import RepaymentMethod
    from arrears.ledger.schedule import build_schedule

    borrower = Borrower.objects.create(
        external_id=f"MXB-{index}", name=BORROWER_NAME, national_id_cipher="c",
        national_id_digest=f"mx-digest-{index}", national_id_masked=f"110105********{index:04d}", time_zone=time_zone,
    )
    mobile = ContactPoint.objects.create(borrower=borrower, kind="mobile", value=f"1390000{index:04d}", verified=True)
    address = ContactPoint.objects.create(borrower=borrower, kind="address", value=f"上海市浦东新区世纪大道{index}号", verified=True)
    start = today - dt.timedelta(days=75)  # two instalments fallen due and unpaid
    loan = Loan.objects.create(
        external_id=LOAN_IDS[key], borrower=borrower, product=product, principal=1_200_000, term_months=12, start_date=start
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, start)
    )
    aged = dict(
        loan=loan, as_of=today - dt.timedelta(days=1), days_past_due=45, bucket="M2", status="delinquent",
        overdue_principal=200_000, overdue_interest=12_345, fee_outstanding=0, penalty_outstanding=0,
        principal_outstanding=1_000_000, balance=1_012_345, credit=0, penalty_charged=0, fee_charged=0,
        charges_withheld=0, paid_total=0,
    )
    AccountState.objects.create(**aged)
    AccountStateHistory.objects.create(**aged)
    return loan, mobile, address


def _agency(name: str, code: str, today: dt.date):
    from arrears.agencies.models import Agency, Contract

    agency = Agency.objects.create(name=name, name_en=f"{name} Ltd", credit_code=code, registered_on=dt.date(2018, 1, 1),
                                   complaints_phone="400-000-0000")
    Contract.objects.create(
        agency=agency, reference=f"MX-{code[-4:]}", valid_from=today - dt.timedelta(days=60),
        valid_until=today + dt.timedelta(days=300), buckets=["M2"], channels=["call", "sms", "visit"], visits_allowed=True,
        shared_fields=["borrower_name", "loan_reference", "days_past_due", "overdue_amount", "mobile", "address"],
        commission_schedule=COMMISSION, **PIPL,
    )
    return agency


def _staff(agency, user, full_name: str, role: str, today: dt.date):
    from arrears.agencies.models import AgencyStaff

    return AgencyStaff.objects.create(
        agency=agency, user=user, full_name=full_name, role=role, credential_number=f"MX-{full_name}",
        training_completed_on=today - dt.timedelta(days=100), authorised_from=today - dt.timedelta(days=90),
    )


def _placement(loan, agency, today: dt.date):
    from arrears.agencies.models import Placement
    from arrears.contact.models import ContactAttempt

    told = timezone.now() - dt.timedelta(days=6)
    notice = ContactAttempt.objects.create(
        idempotency_key=f"outsourcing_notice:{loan.pk}", loan=loan, channel="sms", template="outsourcing_notice",
        state="sent", sent_at=told, attempted_at=told,
    )
    return Placement.objects.create(
        loan=loan, agency=agency, contract=agency.contracts.get(), placed_on=today - dt.timedelta(days=7),
        expires_on=today + dt.timedelta(days=23), state="active", bucket="M2", overdue_at_placement=212_345,
        balance_at_placement=1_012_345, notice=notice, activated_on=today - dt.timedelta(days=5),
    )


def _attachment(visit, user):
    import hashlib

    from arrears.visits.models import VisitAttachment

    row = VisitAttachment(
        visit=visit, original_name="协议.pdf", content_type="application/pdf", extension=".pdf", size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=user, uploaded_at=timezone.now(),
    )
    row.file.save(f"mx-{visit.pk}.pdf", ContentFile(PDF), save=False)
    row.save()
    return row


def build_world() -> World:
    from arrears.access.models import Team
    from arrears.access.sync import sync_roles
    from arrears.agencies.models import PlanProposal, ResultUpload, StaffRole
    from arrears.cases.models import CollectionCase
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.models import CycleRun
    from arrears.ledger.models import Product
    from arrears.legal.models import LegalReview
    from arrears.plans import services as plans
    from arrears.strategy.models import PlannedAction
    from arrears.visits import services as visits
    from arrears.visits.models import Visit
    from arrears.workbench import queue

    sync_roles()
    today = timezone.localdate()
    users = {role: _person(role, role) for role in ROLES}
    users["mate"] = _person("mate", "collector")
    users["west"] = _person("west", "collector")
    users["west_lead"] = _person("west_lead", "team_lead")
    users["agency_b"] = _person("agency_b", "agency_collector")
    crew = (_person("lender_fc1", "field_collector", full_name="周 明"), _person("lender_fc2", "field_collector", full_name="吴 刚"))
    east = Team.objects.create(name="MX East", lead=users["team_lead"])
    east.members.add(users["collector"], users["mate"])
    west = Team.objects.create(name="MX West", lead=users["west_lead"])
    west.members.add(users["west"])

    product = Product.objects.create(
        code="MX-CASH", name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800,
        penalty_rate_bp=2700, late_fee=5000, grace_days=3,
    )
    zone_at_noon = daytime_zone()  # the visit under way is at a lawful hour whenever the tests run
    loans, mobiles, addresses = {}, {}, {}
    for index, key in enumerate(("mine", "teammate", "other_team", "no_case", "team_pool")):
        zone = zone_at_noon if key == "teammate" else "Asia/Shanghai"
        loans[key], mobiles[key], addresses[key] = _loan(product, key, index, today, time_zone=zone)
    owners = {"mine": (east, users["collector"]), "teammate": (east, users["mate"]), "team_pool": (east, None),
              "other_team": (west, users["west"])}
    cases = {}
    for key, (team, assignee) in owners.items():
        cases[key] = CollectionCase.objects.create(
            loan=loans[key], opened_on=today - dt.timedelta(days=40), team=team, assignee=assignee
        )
        PlannedAction.objects.create(
            as_of=today - dt.timedelta(days=1), loan=loans[key], strategy="default v1", segment="internal_collection",
            owner="internal_queue", arm="champion", rule="internal_collection.call", channel="call", template="call",
            allowed=True,
        )
    now = timezone.now()
    CycleRun.objects.create(as_of=today - dt.timedelta(days=1), engine="duckdb", accounts=5, started_at=now, finished_at=now)
    queue.ensure_fresh()
    plans_waiting = {
        key: plans.propose(users["collector"], loans[key], "instalments", today, instalments=12, reason="矩阵 / matrix")
        for key in ("mine", "teammate", "other_team", "no_case")
    }
    assert all(plan.status == "proposed" for plan in plans_waiting.values())

    agencies = {"own_agency": _agency("安和催收", "91310000MXA1FL0001", today),
                "other_agency": _agency("博远催收", "91310000MXB1FL0002", today)}
    own = agencies["own_agency"]
    staff = {
        "agency_manager": _staff(own, users["agency_manager"], "马经理", StaffRole.MANAGER, today),
        "agency_collector": _staff(own, users["agency_collector"], "高催收", StaffRole.COLLECTOR, today),
        "field_collector": _staff(own, users["field_collector"], "陈一", StaffRole.FIELD_COLLECTOR, today),
        "second_field": _staff(own, None, "林二", StaffRole.FIELD_COLLECTOR, today),
        "agency_b": _staff(agencies["other_agency"], users["agency_b"], "赵三", StaffRole.COLLECTOR, today),
    }
    placements = {"own_agency": _placement(loans["teammate"], own, today),
                  "other_agency": _placement(loans["other_team"], agencies["other_agency"], today)}
    proposals = {
        key: PlanProposal.objects.create(
            placement=placement, proposed_by=users["agency_collector" if key == "own_agency" else "agency_b"],
            proposed_at=timezone.now(), instalments=3, instalment_amount=10_000, first_due_on=today,
        )
        for key, placement in placements.items()
    }
    uploads = {
        key: ResultUpload.objects.create(
            agency=agencies[key], user=users["agency_collector" if key == "own_agency" else "agency_b"],
            uploaded_at=timezone.now(), file_name="results.csv", rows_read=1, rows_rejected=1,
            rejects_csv=f"loan,reason\n{LOAN_IDS[PLACED_LOAN[key]]},矩阵\n",
        )
        for key in placements
    }

    # the agency's visit, booked two days ago around this moment in the borrower's zone, notice sent
    named = Visit.objects.create(
        loan=loans["teammate"], screened_on=today - dt.timedelta(days=3), days_past_due=70, overdue_amount=3_300_000,
        address=addresses["teammate"], segment="visit_review", rule="default/v1/visit_review/visit_request",
    )
    visits.approve(named.pk, actor=users["team_lead"])
    local_now = timezone.now().astimezone(ZoneInfo(zone_at_noon))
    booked_at = timezone.now() - dt.timedelta(days=2)
    named = visits.schedule(
        named.pk, actor=users["team_lead"], now=booked_at,
        booking=visits.Booking(
            day=local_now.date(), starts=(local_now - dt.timedelta(minutes=20)).time().replace(second=0, microsecond=0),
            ends=(local_now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0),
            staff_ids=(staff["field_collector"].pk, staff["second_field"].pk),
        ),
    )
    ContactAttempt.objects.filter(pk=named.notice_id).update(state="sent", sent_at=booked_at + dt.timedelta(minutes=5))
    lender = Visit.objects.create(
        loan=loans["mine"], screened_on=today - dt.timedelta(days=3), days_past_due=70, overdue_amount=3_300_000,
        address=addresses["mine"], segment="visit_review", rule="default/v1/visit_review/visit_request",
    )
    visits.approve(lender.pk, actor=users["team_lead"])
    visit_rows = {"named_visit": Visit.objects.get(pk=named.pk), "lender_visit": Visit.objects.get(pk=lender.pk)}
    attachments = {key: _attachment(visit, users["team_lead"]) for key, visit in visit_rows.items()}
    reviews = {
        key: LegalReview.objects.create(
            loan=loans[key], opened_on=today - dt.timedelta(days=2), segment="legal_review",
            rule="legal_review.legal_case_review", days_past_due=95, overdue_amount=212_345, balance=1_012_345,
        )
        for key in ("mine", "other_team")
    }
    from arrears.legal.models import LegalCase, LegalStage

    legal_cases = {}
    for key in ("teammate", "no_case"):
        legal_cases[key] = LegalCase.objects.create(
            loan=loans[key], route="suit", claim_amount=1_012_345, limitation_date=today + dt.timedelta(days=900),
            opened_on=today - dt.timedelta(days=1), note="矩阵 / matrix",
        )
        LegalStage.objects.create(case=legal_cases[key], stage="prepare", entered_on=today - dt.timedelta(days=1),
                                  recorded_at=timezone.now())

    from arrears.credit.models import CreditObjection

    objections = {
        key: CreditObjection.objects.create(loan=loans[key], received_on=today, answer_by=today + dt.timedelta(days=20),
                                            source="portal", claim="矩阵 / matrix")
        for key in ("mine", "other_team")
    }

    sessions = {}
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        sessions[role] = client.session.session_key
    return World(
        today=today, users=users, loans=loans, cases=cases, mobiles=mobiles, plans=plans_waiting,
        teams={"east": east, "west": west}, agencies=agencies, placements=placements, proposals=proposals,
        uploads=uploads, visits=visit_rows, attachments=attachments, staff=staff, lender_crew=crew, reviews=reviews,
        legal_cases=legal_cases, objections=objections, sessions=sessions,
    )

