"""Every page of the admin site answers: the add and the change page of every registered model, opened
by the superuser and by a member of staff in each role, answer 200 where the admin lets that person
add or change (or view) the model, 403 where it does not, and never 500 (the admin's widgets are
drawn by Django templates while the rest of the forms use Jinja2: arrears.web.renderers).

A model registered with the admin without joining INSTANCES fails test_every_registered_model_is_tried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.e2e.access_world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

WHO = ("superuser", *ROLES)
# The models whose admin adds nothing, for anyone: records written by the product itself.
NEVER_ADDED = frozenset({
    "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",  # the sign-in lockout's own records
    "visits.visit", "visits.safetyincident",  # made by the screening and at the door
    "legal.legalreview",  # opened by the nightly screening
    "legal.legalcase",  # opened by a legal officer through arrears.legal.cases, after its checks
    "credit.creditreport", "credit.creditobjection",  # made by `arrears credit report`, recorded through the service
    "nightly.nightlyrun",  # the record of the nights
    # the records nobody may rewrite through the admin (docs/audit.md): read-only there
    "audit.auditentry", "contact.contactattempt", "contact.channeloptout", "agencies.dataaccess",
})


def _existing(model_label: str) -> Callable[[World], object]:
    """An instance the access world already holds."""
    from django.apps import apps

    return lambda world: apps.get_model(model_label)._default_manager.order_by("pk").first()


def _access_attempt(world: World):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", user_agent="ua", http_accept="*/*",
                                        path_info="/login/", get_data="", post_data="", failures_since_start=1)


def _failure_log(world: World):
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="ua",
                                           http_accept="*/*", path_info="/login/")


def _access_log(world: World):
    from axes.models import AccessLog

    return AccessLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="ua", http_accept="*/*",
                                    path_info="/login/")


def _opt_out(world: World):
    from arrears.contact.models import ChannelOptOut

    return ChannelOptOut.objects.create(contact_point=world.mobiles["mine"], channel="sms", at=timezone.now(),
                                        source="inbound_sms")


def _strategy(world: World):
    from arrears.strategy.models import StrategyVersion

    return StrategyVersion.objects.create(name="admin-test", version=1, document="segments: []",
                                          active_from=world.today)


def _alert(world: World):
    from arrears.outbox.models import OutboxAlert

    return OutboxAlert.objects.create(provider="gateway", channel="sms", opened_at=timezone.now())


def _template(world: World):
    from arrears.messaging.models import TemplateVersion

    return TemplateVersion.objects.create(code="admin_test", channel="sms", language="zh-hans", version=1, body="您好")


def _complaint(world: World):
    from arrears.agencies.models import Complaint

    return Complaint.objects.create(agency=world.agencies["own_agency"], received_on=world.today, summary="投诉")


def _feedback(world: World):
    from arrears.agencies.models import Feedback

    return Feedback.objects.create(agency=world.agencies["own_agency"], on_date=world.today, rating=4)


def _data_access(world: World):
    from arrears.agencies.models import DataAccess

    return DataAccess.objects.create(at=timezone.now(), user=world.users["agency_collector"], action="view")


def _dispute(world: World):
    from arrears.agencies.models import StatementDispute

    placement = world.placements["own_agency"]
    return StatementDispute.objects.create(
        agency=placement.agency, month=world.today.replace(day=1), placement=placement, reason="金额不符",
        raised_by=world.users["agency_manager"], raised_at=timezone.now(),
    )


def _incident(world: World):
    from arrears.visits.models import SafetyIncident

    now = timezone.now()
    return SafetyIncident.objects.create(visit=world.visits["named_visit"], kind="verbal_abuse", occurred_at=now,
                                         description="辱骂", reported_at=now)


def _credit_report(world: World):
    from arrears.credit.models import CreditReport

    return CreditReport.objects.create(as_of=world.today, path="var/credit/D1.jsonl", created_at=timezone.now())


def _night(world: World):
    from arrears.nightly.models import NightlyRun

    return NightlyRun.objects.create(as_of=world.today - dt.timedelta(days=1), started_at=timezone.now())


INSTANCES: dict[str, Callable[[World], object]] = {
    "auth.group": _existing("auth.group"),
    "auth.user": _existing("auth.user"),
    "axes.accessattempt": _access_attempt,
    "axes.accesslog": _access_log,
    "axes.accessfailurelog": _failure_log,
    "contact.contactattempt": _existing("contact.contactattempt"),
    "contact.channeloptout": _opt_out,
    "strategy.strategyversion": _strategy,
    "strategy.plannedaction": _existing("strategy.plannedaction"),
    "access.team": _existing("access.team"),
    "outbox.outboxalert": _alert,
    "messaging.templateversion": _template,
    "agencies.agency": _existing("agencies.agency"),
    "agencies.agencystaff": _existing("agencies.agencystaff"),
    "agencies.contract": _existing("agencies.contract"),
    "agencies.placement": _existing("agencies.placement"),
    "agencies.complaint": _complaint,
    "agencies.feedback": _feedback,
    "agencies.scoreweight": _existing("agencies.scoreweight"),
    "agencies.dataaccess": _data_access,
    "agencies.statementdispute": _dispute,
    "visits.visit": _existing("visits.visit"),
    "visits.safetyincident": _incident,
    "legal.legalreview": _existing("legal.legalreview"),
    "legal.legalcase": _existing("legal.legalcase"),
    "credit.creditreport": _credit_report,
    "credit.creditobjection": _existing("credit.creditobjection"),
    "nightly.nightlyrun": _night,
    "audit.auditentry": _existing("audit.auditentry"),  # the access world's own changes are logged
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@pytest.fixture(scope="module")
def admin_world(django_db_setup, django_db_blocker):
    """The access world with one instance of every registered model, and a member of staff in each role."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        instances = {}
        for model in admin.site._registry:
            make = INSTANCES.get(_label(model))
            if make is not None:
                instances[_label(model)] = make(world)
        people = {"superuser": get_user_model().objects.create_superuser("admin-site-root", password=None)}
        for role in ROLES:
            person = world.users[role]
            person.is_staff = True  # the admin site is for staff only; what they may do there is the role's
            person.save(update_fields=["is_staff"])
            people[role] = person
        yield instances, people
        transaction.set_rollback(True)


def test_every_registered_model_is_tried():
    registered = {_label(model) for model in admin.site._registry}
    assert registered - set(INSTANCES) == set(), "give each newly registered model an instance in INSTANCES"
    assert set(INSTANCES) - registered == set(), "a model left the admin: drop it from INSTANCES"


def _expected(model, person, page: str) -> int:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = person
    if page == "add":
        return 200 if model_admin.has_add_permission(request) else 403
    may = model_admin.has_change_permission(request) or model_admin.has_view_permission(request)
    return 200 if may else 403


@pytest.mark.parametrize("who", WHO)
def test_every_add_and_change_page_answers_as_the_admin_allows(admin_world, who):
    instances, people = admin_world
    person = people[who]
    client = Client(raise_request_exception=False)
    client.force_login(person)
    wrong, opened = [], 0
    for model in admin.site._registry:
        label = _label(model)
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        pages = {"add": f"{base}/add/", "change": f"{base}/{instances[label].pk}/change/"}
        for page, path in pages.items():
            with transaction.atomic():
                status = client.get(path).status_code
                transaction.set_rollback(True)
            expected = _expected(model, person, page)
            opened += status == 200
            if status != expected:
                wrong.append(f"{who} {page} {label}: {status}, expected {expected}")
    assert wrong == []
    if who == "superuser":
        # the superuser opens every change page, and every add page but those of records the product writes
        assert opened == 2 * len(admin.site._registry) - len(NEVER_ADDED)


def test_the_admin_adds_nothing_the_product_writes_itself(admin_world):
    _, people = admin_world
    refused = {_label(model) for model in admin.site._registry if _expected(model, people["superuser"], "add") == 403}
    assert refused == NEVER_ADDED
