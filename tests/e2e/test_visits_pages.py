"""The visit pages, the public verification page and the API, through HTTP with Django's client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from arrears.visits import services
from arrears.visits.models import Visit, VisitAttachment
from tests.integration.test_visits_workflow import (
    PDF,
    SHANGHAI,
    agency_with_field_staff,
    booking,
    person,
    screened_visit,
    sent_by_outbox,
    placed_with,
)
from arrears.access.roles import Role

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security


@pytest.fixture
def lead(django_user_model):
    from tests.integration.test_visits_workflow import visit_team_lead

    return visit_team_lead(django_user_model)


@pytest.fixture
def agency_visit(lead, django_user_model):
    """A visit by two field staff of one agency, scheduled for the coming days, notice sent."""
    agency, staff = agency_with_field_staff("安信外访", "91310000MA1FL0001X", "陈一", "林二", django_user_model=django_user_model)
    staff[0].photo.save("chen.png", ContentFile(PNG), save=True)
    visit = screened_visit("L-PAGE")
    placed_with(agency, visit.loan)
    services.approve(visit.pk, actor=lead)
    # booked in the real future, so the pages (which act "now") can take each step
    day = (timezone.now().astimezone(SHANGHAI) + dt.timedelta(days=2)).date()
    visit = services.schedule(visit.pk, actor=lead, booking=booking([], day=day, starts=dt.time(8), ends=dt.time(12), staff_ids=(staff[0].pk, staff[1].pk)))
    sent_by_outbox(visit, timezone.now())
    return visit, staff


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh_code(visit: Visit, collector, at: dt.datetime) -> str:
    return services.issue_code(visit.pk, actor=collector, now=at)


def test_the_lender_approves_and_schedules_through_the_pages(lead, django_user_model):
    crew = [person(django_user_model, f"field{i}", Role.FIELD_COLLECTOR, full_name=f"外 访{i}") for i in (1, 2)]
    visit = screened_visit()
    page = signed_in(lead)
    # the list shows the visit with what the lender decides on
    listing = page.get("/visits/").content.decode()
    assert f'data-visit="{visit.pk}"' in listing and "L-V1" in listing and "¥33,000.00" in listing
    # approving, then scheduling with one collector: the guard's refusal is shown with its rule id
    page.post(f"/visits/{visit.pk}/decide/", {"decision": "approve", "note": "ok"})
    day = (timezone.now().astimezone(SHANGHAI) + dt.timedelta(days=3)).date().isoformat()
    form = {"day": day, "starts": "10:00", "ends": "11:00", "purpose": "repayment_talk", "notice_channel": "sms"}
    refused = page.post(f"/visits/{visit.pk}/schedule/", {**form, "collectors": [f"user:{crew[0].pk}"]}, follow=True)
    assert "cn.visit_collectors" in refused.content.decode() and "至少 2 名" in refused.content.decode()
    english = page.post(f"/visits/{visit.pk}/schedule/", {**form, "collectors": [f"user:{crew[0].pk}"]}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "at least 2 collectors" in english.content.decode()
    # with two, it is scheduled and the window is shown in the borrower's time
    done = page.post(f"/visits/{visit.pk}/schedule/", {**form, "collectors": [f"user:{u.pk}" for u in crew]}, follow=True).content.decode()
    assert Visit.objects.get(pk=visit.pk).state == "scheduled"
    assert f"{day} 10:00 – 11:00" in done
    # a bad form is refused with a message, never a 500
    bad = page.post(f"/visits/{visit.pk}/schedule/", {"day": "2026-02-30"}, follow=True)
    assert bad.status_code == 200


def test_a_field_collector_cannot_approve_and_sees_only_their_visits(lead, agency_visit, django_user_model):
    visit, staff = agency_visit
    other = screened_visit("L-OTHER")
    collector = signed_in(staff[0].user)
    assert collector.get("/visits/").content.decode().count("data-visit=") == 1
    assert collector.get(f"/visits/{other.pk}/").status_code == 404
    # their read of the visit they are named on is kept, with who and when
    assert collector.get(f"/visits/{visit.pk}/").status_code == 200
    assert visit.events.filter(kind="read", actor=staff[0].user).count() == 1
    collector.post(f"/visits/{other.pk}/decide/", {"decision": "approve"})
    assert Visit.objects.get(pk=other.pk).state == "screened"
    # another agency's field collector sees nothing of this visit, by page or API
    _, rivals = agency_with_field_staff("乙机构", "91310000MA1FL0009X", "赵三", "钱四", django_user_model=django_user_model)
    rival = signed_in(rivals[0].user)
    assert rival.get(f"/visits/{visit.pk}/").status_code == 404
    assert rival.get(f"/api/visits/{visit.pk}").status_code == 404
    assert rival.get("/api/visits/").json() == []
    assert rival.get(f"/visits/{visit.pk}/attachments/1/").status_code == 404
    # and anonymous visitors are sent to sign in
    assert Client().get("/visits/").status_code == 302


def test_the_borrower_checks_the_code_and_sees_only_who_comes(agency_visit):
    visit, staff = agency_visit
    arrival = visit.starts_at + dt.timedelta(minutes=10)
    code = services.codes.shown(fresh_code(visit, staff[0].user, arrival))
    borrower = Client(enforce_csrf_checks=True)
    form_page = borrower.get("/visits/verify/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.content.decode()).group(1)
    # a post without the CSRF token is refused
    assert borrower.post("/visits/verify/", {"code": code}).status_code == 403
    # with it, at the door, the code shows the visitors' names, photo and agency
    services_now = services.timezone.now
    services.timezone.now = lambda: arrival + dt.timedelta(minutes=1)
    try:
        page = borrower.post("/visits/verify/", {"code": code.lower(), "csrfmiddlewaretoken": token})
    finally:
        services.timezone.now = services_now
    html = page.content.decode()
    assert page.status_code == 200 and "陈一" in html and "林二" in html and "安信外访" in html
    assert 'src="data:image/png;base64,' in html
    # and never the debt, the amount, the loan or the borrower's own details
    for secret in ("33,000", "3300000", "L-PAGE", visit.loan.borrower.name, "逾期", "overdue", "¥"):
        assert secret not in html, secret


def test_a_wrong_or_expired_code_gets_a_clear_message_in_both_languages(agency_visit):
    visit, staff = agency_visit
    borrower = Client()
    wrong = borrower.post("/visits/verify/", {"code": "ABCD-EFGH"}).content.decode()
    assert "核验码不正确" in wrong and "陈一" not in wrong
    wrong_en = borrower.post("/visits/verify/", {"code": "ABCD-EFGH"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The code is not correct" in wrong_en
    # a code issued at the start of the window has expired two hours later
    code = fresh_code(visit, staff[0].user, visit.starts_at)
    expired_at = visit.starts_at + services.codes.LIFETIME + dt.timedelta(seconds=1)
    with pytest.raises(services.VerificationRefused) as expired:
        services.verify(code, client="c", now=expired_at)
    assert expired.value.reason == "expired" and "已过期" in expired.value.zh and "expired" in expired.value.en
    # a code stops working when a new one is issued
    newer = fresh_code(visit, staff[1].user, visit.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(services.VerificationRefused):
        services.verify(code, client="c", now=visit.starts_at + dt.timedelta(minutes=6))
    assert services.verify(newer, client="c", now=visit.starts_at + dt.timedelta(minutes=6)).agency_name == "安信外访"


def test_the_verification_page_is_rate_limited(agency_visit):
    visit, staff = agency_visit
    borrower = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(services.RATE_LIMIT):
        assert borrower.post("/visits/verify/", {"code": "ABCD-EFGH"}).status_code == 200
    limited = borrower.post("/visits/verify/", {"code": "ABCD-EFGH"})
    assert limited.status_code == 429 and "尝试次数过多" in limited.content.decode()
    # even the right code waits, while another address is not held back
    code = fresh_code(visit, staff[0].user, visit.starts_at)
    assert borrower.post("/visits/verify/", {"code": code}).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").post("/visits/verify/", {"code": "ABCD-EFGH"}).status_code == 200


def test_attachments_upload_through_the_page_and_are_served_only_to_those_who_may_see(lead, agency_visit, django_user_model):
    visit, staff = agency_visit
    services.check_in(visit.pk, actor=staff[0].user, now=visit.starts_at + dt.timedelta(minutes=1))
    collector = signed_in(staff[0].user)
    refused = collector.post(f"/visits/{visit.pk}/attachments/", {"file": SimpleUploadedFile("x.pdf", b"GIF89a....")}, follow=True)
    assert "只接受 PDF、JPEG 或 PNG 文件" in refused.content.decode()
    collector.post(f"/visits/{visit.pk}/attachments/", {"file": SimpleUploadedFile("协议.pdf", PDF), "description": "signed"})
    stored = VisitAttachment.objects.get(visit=visit)
    download = collector.get(f"/visits/{visit.pk}/attachments/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert signed_in(lead).get(f"/visits/{visit.pk}/attachments/{stored.pk}/").status_code == 200
    stranger = person(django_user_model, "stranger", Role.FIELD_COLLECTOR)
    assert signed_in(stranger).get(f"/visits/{visit.pk}/attachments/{stored.pk}/").status_code == 404


def test_the_api_answers_a_refused_step_with_rule_ids_in_both_languages(lead, django_user_model):
    visit = screened_visit()
    api = signed_in(lead)
    assert api.post(f"/api/visits/{visit.pk}/approve", {"note": "ok"}, content_type="application/json").json()["state"] == "approved"
    crew = person(django_user_model, "solo", Role.FIELD_COLLECTOR)
    day = (timezone.now().astimezone(SHANGHAI) + dt.timedelta(days=3)).date()
    answer = api.post(
        f"/api/visits/{visit.pk}/schedule",
        {"day": day.isoformat(), "starts": "10:00", "ends": "11:00", "user_ids": [crew.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 409
    body = answer.json()
    assert "cn.visit_collectors" in body["rule_ids"] and body["zh"] and body["en"]
    bad = api.post(f"/api/visits/{visit.pk}/schedule", {"day": "not a date"}, content_type="application/json")
    assert bad.status_code == 422


def test_every_visit_text_has_a_zh_hans_translation():
    # given every English msgid the visit templates and modules use
    from pathlib import Path

    import polib
    from django.utils.translation.template import templatize

    import arrears.visits

    package = Path(arrears.visits.__file__).parent
    python_ids = re.compile(r"""\b_\(\s*(["'])((?:(?!\1).)+)\1\s*\)""")
    used = set()
    for source in package.glob("*.py"):
        used |= {m.group(2) for m in python_ids.finditer(source.read_text(encoding="utf-8"))}
    for template in package.glob("templates/visits/*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        used |= {m.group(2) for m in re.finditer(r"""gettext\(u?(["'])((?:(?!\1).)+)\1\)""", code)}
    catalogue = polib.pofile(str(package / "locale/zh_Hans/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in catalogue.translated_entries()}
    # then each has a translation in the app's own catalogue
    assert used and not (used - translated), sorted(used - translated)


def test_the_pages_default_to_zh_hans_and_switch_to_english(lead):
    visit = screened_visit()
    page = signed_in(lead)
    assert "上门催收" in page.get("/visits/").content.decode()
    assert "核验上门人员" in Client().get("/visits/verify/").content.decode()
    assert "Check your visitors" in Client().get("/visits/verify/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    detail = page.get(f"/visits/{visit.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decision" in detail and "Approve" in detail


def test_the_admin_shows_visits_read_only_without_the_code(django_user_model):
    # given a superuser and a visit
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password-1")
    visit = screened_visit()
    page = signed_in(admin_user)
    # then the visit's admin page shows it, offers no change, and never the code's digest
    html = page.get(f"/admin/visits/visit/{visit.pk}/change/").content.decode()
    assert "L-V1" in html and "code_digest" not in html and 'name="_save"' not in html
    assert page.get("/admin/visits/visit/add/").status_code == 403
