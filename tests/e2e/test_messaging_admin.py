"""Template versions in the admin, through the Django test client as an admin user: edits make
new versions, the preview renders a real account with the lint's findings, approval is lint-gated,
and template errors are clear messages, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from arrears.cycle.service import run_cycle
from arrears.messaging.models import TemplateVersion
from arrears.messaging.service import create_draft
from tests.integration.test_messaging_render import make_account

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 5, 10)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.cn", "a-long-password-1")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def loan():
    loan = make_account("L-ADMIN-1")
    run_cycle(AS_OF)
    return loan


def preview_url(version: TemplateVersion) -> str:
    return reverse("admin:messaging_templateversion_preview", args=[version.pk])


def test_the_preview_renders_a_real_account_and_a_clean_draft_is_approved_by_an_admin(admin_client, loan):
    # given a draft whose wording is lawful
    draft = create_draft(code="sms_overdue_notice", channel="sms", language="zh-hans",
                         body="{{ borrower_name }}您好，您的借款逾期金额{{ overdue_amount }}，请通过{{ app_name }}还款。")
    # when the admin previews it for the loan
    page = admin_client.get(preview_url(draft), {"loan": loan.external_id})
    # then the page shows the message for that account, with the opt-out line, and no finding
    html = page.content.decode()
    assert page.status_code == 200
    assert "张三丰您好" in html and "回复TD退订" in html and "lint-clean" in html
    # when the admin approves it, then it is in force
    response = admin_client.post(preview_url(draft), {"loan": loan.external_id, "approve": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "approved" and draft.approved_with_loan == loan.external_id
    assert draft.approved_by.username == "admin"


def test_a_threatening_draft_shows_its_findings_and_approval_is_refused(admin_client, loan):
    # given a draft that threatens the borrower's employer
    draft = create_draft(code="agency_sms", channel="sms", language="zh-hans",
                         body="{{ borrower_name }}，再不还款{{ overdue_amount }}我们将通知您的单位。")
    # when previewed, then the lint's findings are listed
    html = admin_client.get(preview_url(draft), {"loan": loan.external_id}).content.decode()
    assert "lint.third_party_pressure" in html and "通知您的单位" in html
    # when the admin presses approve anyway, then it is refused and stays a draft
    response = admin_client.post(preview_url(draft), {"loan": loan.external_id, "approve": "1"})
    assert response.status_code == 200 and "Not approved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_editing_a_version_in_the_admin_saves_a_new_draft_version(admin_client, loan):
    # given an approved version
    first = create_draft(code="promise_reminder", channel="sms", language="en", body="{{ lender_name }}: Hi {{ borrower_name }}, please pay as agreed.")
    admin_client.post(preview_url(first), {"loan": loan.external_id, "approve": "1"})
    # when the admin edits its text
    change = reverse("admin:messaging_templateversion_change", args=[first.pk])
    response = admin_client.post(change, {"subject": "", "body": "Hi {{ borrower_name }}, thank you for your promise.", "note": "warmer"})
    # then the approved version is unchanged and a version 2 draft holds the edit
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == "approved" and "please pay as agreed" in first.body
    second = TemplateVersion.objects.get(code="promise_reminder", language="en", version=2)
    assert second.state == "draft" and "thank you" in second.body and second.note == "warmer"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{ borrower_name ", "Template syntax error"),
        ("Hi {% if %}", "Template syntax error"),
    ],
)
def test_a_template_syntax_error_is_a_form_error_not_a_500(admin_client, body, message):
    # when the admin adds a template with broken syntax
    response = admin_client.post(reverse("admin:messaging_templateversion_add"), {
        "code": "x", "channel": "sms", "language": "en", "audience": "debtor", "subject": "", "body": body, "note": "",
    })
    # then the form is shown again with a clear error, and nothing is saved
    assert response.status_code == 200 and message in response.content.decode()
    assert not TemplateVersion.objects.exists()


def test_an_unknown_variable_or_loan_in_the_preview_is_a_clear_message(admin_client, loan):
    # given a draft using a variable that does not exist, and one using the national id
    typo = create_draft(code="t1", channel="sms", language="en", body="Hi {{ borower_name }}")
    national_id = create_draft(code="t2", channel="sms", language="en", body="ID {{ national_id }}")
    # when previewed, then the page names the unknown variable and the available ones, with no 500
    page = admin_client.get(preview_url(typo), {"loan": loan.external_id})
    assert page.status_code == 200 and "Unknown variable: borower_name" in page.content.decode()
    assert "national_id" in admin_client.get(preview_url(national_id), {"loan": loan.external_id}).content.decode()
    # and an unknown loan is named
    page = admin_client.get(preview_url(typo), {"loan": "NO-SUCH"})
    assert page.status_code == 200 and "No loan with external id" in page.content.decode()


def test_a_user_without_admin_access_cannot_reach_the_preview(client, loan):
    # given a signed-in collector who is not staff
    user = get_user_model().objects.create_user("collector", password="a-long-password-1")
    client.force_login(user)
    draft = create_draft(code="t3", channel="sms", language="en", body="Hi")
    # when they open the preview, then the admin sends them to its login
    response = client.get(preview_url(draft), {"loan": loan.external_id})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_preview_page_speaks_zh_hans_by_default(client, loan):
    # given an admin with no language chosen
    user = get_user_model().objects.create_superuser("admin-zh", "zh@example.cn", "a-long-password-1")
    client.force_login(user)
    draft = create_draft(code="t4", channel="sms", language="zh-hans", body="{{ borrower_name }}您好")
    # when they open the version and its preview
    change = client.get(reverse("admin:messaging_templateversion_change", args=[draft.pk])).content.decode()
    page = client.get(preview_url(draft), {"loan": "NO-SUCH"}).content.decode()
    # then the words are Chinese, the error too
    assert "用真实账户预览" in change
    assert "贷款外部编号" in page and "找不到外部编号为" in page
