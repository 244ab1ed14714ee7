"""Plans over HTTP: the JSON API and the pages, each role within its scope and limit, bad input as 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from arrears.access.models import Team
from arrears.access.sync import sync_roles
from arrears.cases.models import CollectionCase
from arrears.ledger.models import Borrower, Instalment, Loan, Product
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule
from arrears.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()

    def person(name, role):
        user = User.objects.create_user(name, password="a-long-test-password-1")
        user.groups.add(Group.objects.get(name=role))
        return user

    users = {
        "collector": person("collector", "collector"),
        "lead": person("lead", "team_lead"),
        "stranger": person("stranger", "collector"),
        "officer": person("officer", "compliance_officer"),
    }
    team = Team.objects.create(name="East", lead=users["lead"])
    team.members.add(users["collector"])
    Team.objects.create(name="West").members.add(users["stranger"])
    product = Product.objects.create(
        code="CASH", name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800,
        penalty_rate_bp=2700, late_fee=5000, grace_days=3,
    )
    borrower = Borrower.objects.create(
        external_id="B-1", name="李四", national_id_cipher="c", national_id_digest="d", national_id_masked="1101********0000"
    )
    start = timezone.localdate() - dt.timedelta(days=75)  # two instalments fallen due and unpaid
    loan = Loan.objects.create(
        external_id="L-PLAN-1", borrower=borrower, product=product, principal=1_200_000, term_months=12, start_date=start
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, start)
    )
    CollectionCase.objects.create(loan=loan, opened_on=start + dt.timedelta(days=35), team=team, assignee=users["collector"])
    return users, loan


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def proposal(**fields) -> dict:
    return {"kind": "instalments", "start_date": timezone.localdate().isoformat(), **fields}


def test_preview_shows_the_new_schedule_and_writes_nothing(world):
    users, loan = world
    # when the collector previews 4 instalments
    response = client_of(users["collector"]).post(
        f"/api/plans/loans/{loan.pk}/preview", proposal(instalments=4), content_type="application/json"
    )
    # then the rows repay the opening balance exactly, and nothing is stored
    assert response.status_code == 200
    body = response.json()
    assert len(body["rows"]) == 4
    assert sum(r["principal"] + r["interest"] for r in body["rows"]) == body["opening"]["total"]
    assert not Plan.objects.exists()


def test_a_proposal_over_the_collectors_limit_is_approved_by_the_team_lead(world):
    users, loan = world
    # given the collector proposes 10 instalments (a collector may grant 6)
    response = client_of(users["collector"]).post(
        f"/api/plans/loans/{loan.pk}/plans", proposal(instalments=10, reason="illness"), content_type="application/json"
    )
    assert response.status_code == 201
    plan = response.json()
    assert plan["status"] == "proposed" and plan["approver_roles"] == ["team_lead", "admin"]
    # when the collector tries to approve it, then it is refused with the reason in both languages
    refused = client_of(users["collector"]).post(
        f"/api/plans/plans/{plan['id']}/approve", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "limit" in refused.json()["errors"][0]["en"] and "额度" in refused.json()["errors"][0]["zh"]
    # when a collector of another team looks, then the loan does not exist for them
    assert client_of(users["stranger"]).get(f"/api/plans/loans/{loan.pk}/plans").status_code == 404
    assert client_of(users["stranger"]).post(f"/api/plans/plans/{plan['id']}/approve", {}, content_type="application/json").status_code == 404
    # when the team lead approves it
    approved = client_of(users["lead"]).post(
        f"/api/plans/plans/{plan['id']}/approve", {"note": "documents seen"}, content_type="application/json"
    )
    # then it is in force, each step recorded with who took it
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "active" and body["decided_by"] == "lead"
    assert [(e["kind"], e["actor"]) for e in body["events"]] == [
        ("proposed", "collector"), ("approved", "lead"), ("activated", "lead")
    ]
    listed = client_of(users["collector"]).get(f"/api/plans/loans/{loan.pk}/plans").json()
    assert [p["id"] for p in listed] == [plan["id"]]


def test_a_compliance_officer_sees_plans_but_may_not_propose(world):
    users, loan = world
    client = client_of(users["officer"])
    assert client.get(f"/api/plans/loans/{loan.pk}/plans").status_code == 200
    assert client.post(f"/api/plans/loans/{loan.pk}/plans", proposal(instalments=2), content_type="application/json").status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (proposal(kind="holiday"), 400, "kind"),
        (proposal(instalments=0), 400, "instalments"),
        (proposal(kind="deferral", deferral_months=99), 400, "deferral_months"),
        (proposal(kind="waiver", waiver="1.234"), 400, "waiver"),
        (proposal(kind="waiver", waiver="99999999"), 400, "waiver"),
        (proposal(start_date="2001-01-01"), 400, "start_date"),
        (proposal(instalments="many"), 422, None),
        (proposal(start_date="2026-13-45"), 422, None),
        ({"instalments": 3}, 422, None),
    ],
)
def test_bad_input_gets_field_errors_never_a_500(world, body, status, field):
    users, loan = world
    response = client_of(users["collector"]).post(f"/api/plans/loans/{loan.pk}/plans", body, content_type="application/json")
    assert response.status_code == status
    if field:
        error = response.json()["errors"][0]
        assert error["field"] == field and error["zh"] and error["en"]
    assert not Plan.objects.exists()


def test_the_page_previews_then_proposes_and_shows_errors_in_the_readers_language(world):
    users, loan = world
    client = client_of(users["collector"])
    page = client.get(f"/plans/loan/{loan.pk}/")
    assert page.status_code == 200 and "L-PLAN-1" in page.content.decode()
    assert "还款方案" in page.content.decode() and "提出还款方案" in page.content.decode()  # zh-Hans by default
    # when the collector previews 3 instalments on the page
    form = {"kind": "instalments", "start_date": timezone.localdate().isoformat(), "instalments": "3", "waiver": "0"}
    shown = client.post(f"/plans/loan/{loan.pk}/", {**form, "action": "preview"})
    # then the new schedule is shown, nothing stored
    assert shown.status_code == 200 and shown.context["shown"] is not None and len(shown.context["shown"].rows) == 3
    assert not Plan.objects.exists()
    # when it is proposed (within the collector's limit) it is in force
    made = client.post(f"/plans/loan/{loan.pk}/", {**form, "action": "propose"})
    assert made.status_code == 302
    assert Plan.objects.get().status == "active"
    # when a bad waiver is previewed in English, the field says why
    client.post("/i18n/setlang/", {"language": "en"})
    bad = client.post(f"/plans/loan/{loan.pk}/", {**form, "kind": "waiver", "waiver": "abc", "action": "preview"})
    assert bad.status_code == 400
    assert "at most two decimals" in bad.content.decode()


def test_a_team_lead_finds_the_plans_awaiting_them(world):
    users, loan = world
    client_of(users["collector"]).post(
        f"/api/plans/loans/{loan.pk}/plans", proposal(instalments=9), content_type="application/json"
    )
    page = client_of(users["lead"]).get("/plans/awaiting/")
    assert page.status_code == 200 and [p.loan_id for p in page.context["plans"]] == [loan.pk]
    assert client_of(users["collector"]).get("/plans/awaiting/").context["plans"] == []
