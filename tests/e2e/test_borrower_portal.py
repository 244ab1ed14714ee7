"""The borrower portal at /my/: signing in with the loan reference, the ID's last 4 and a one-time
code sent through the outbox; what the borrower then sees; the notice; disputes and complaints.

The book is tests/e2e/conftest.py: 张伟 (B-0001, ID ending 123X, verified mobile 13812345678) holds
L-1001 (45 days past due) and L-1004; 王芳 (B-0003) holds L-1003 and L-1005 and has no verified
mobile or email. The clock stands at Tuesday 2026-05-12 10:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from arrears import clock
from arrears.borrower.models import PaperCopyRequest, SignInCode
from arrears.cases.holds import in_force
from arrears.contact.models import ContactAttempt
from arrears.disputes.models import BorrowerComplaint, Dispute, Evidence

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(MORNING)
    yield
    clock.set_now(None)


def code_sent(loan="L-1001") -> str:
    """The code in the newest sign-in message the outbox holds for the loan (as the SMS would carry it)."""
    attempt = ContactAttempt.objects.filter(loan__external_id=loan, template="portal.sign_in_code").order_by("-id").first()
    return re.search(r"\b(\d{6})\b", attempt.body).group(1)


def ask_for_code(client, reference="L-1001", last4="123X"):
    return client.post("/my/", {"reference": reference, "id_last4": last4})


def signed_in(client, reference="L-1001") -> Client:
    assert ask_for_code(client, reference).status_code == 302
    response = client.post("/my/code/", {"code": code_sent(reference)})
    assert response.status_code == 302 and response["Location"] == "/my/home/", response.content.decode()[:500]
    return client


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/my/"})
    return client


# --- signing in ---------------------------------------------------------------------------------


def test_the_right_details_send_a_code_through_the_outbox_and_the_code_signs_in(client, book):
    # when the borrower gives the loan reference and the ID's last 4
    response = ask_for_code(client, " l-1001 ", "123x")
    # then a code goes to the verified mobile through the outbox, and only its digest is stored
    assert response.status_code == 302 and response["Location"] == "/my/code/"
    attempt = ContactAttempt.objects.get(template="portal.sign_in_code")
    assert (attempt.channel, attempt.contact_point.value, attempt.state) == ("sms", "13812345678", "planned")
    code = code_sent()
    stored = SignInCode.objects.get()
    assert code not in stored.digest and len(stored.digest) == 64
    assert stored.expires_at == MORNING + dt.timedelta(minutes=10)
    # when they type it
    response = client.post("/my/code/", {"code": code})
    # then they are signed in and see their loans
    assert response.status_code == 302
    home = client.get("/my/home/")
    assert home.status_code == 200 and "L-1001" in home.content.decode() and "L-1004" in home.content.decode()
    assert home["Cache-Control"] == "no-store"
    # and the code cannot be used again
    again = Client()
    ask_for_code(again)
    assert again.post("/my/code/", {"code": code}).status_code == 400


def test_no_answer_tells_whether_a_loan_exists(book):
    answers = []
    for reference, last4 in (("L-1001", "123X"), ("L-1001", "0000"), ("NO-SUCH", "123X"), ("L-1003", "0021")):
        client = Client()
        response = ask_for_code(client, reference, last4)
        page = client.get("/my/code/")
        answers.append((response.status_code, response["Location"], page.status_code,
                        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())))
    # every request is answered the same way, whether the loan exists, the last 4 match, or a code could go out
    assert len(set(answers)) == 1
    # only the matching one with a verified mobile sent a code (L-1003's borrower has none)
    assert ContactAttempt.objects.filter(template="portal.sign_in_code").count() == 1


def test_a_wrong_code_is_refused_in_both_languages_and_the_right_one_still_works(client, book):
    ask_for_code(client)
    wrong = "000000" if code_sent() != "000000" else "111111"
    response = client.post("/my/code/", {"code": wrong})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert "borrower_portal" not in client.session
    english(client)
    assert "The code is not correct" in client.post("/my/code/", {"code": "abc"}).content.decode()
    assert client.post("/my/code/", {"code": code_sent()}).status_code == 302


def test_an_expired_code_is_refused(client, book):
    ask_for_code(client)
    clock.set_now(MORNING + dt.timedelta(minutes=10, seconds=1))
    response = client.post("/my/code/", {"code": code_sent()})
    assert response.status_code == 400 and "验证码已过期" in response.content.decode()
    assert "borrower_portal" not in client.session


def test_five_wrong_codes_kill_the_code_and_brute_force_is_rate_limited(client, book):
    ask_for_code(client)
    right = code_sent()
    wrong = [f"{n:06d}" for n in range(20) if f"{n:06d}" != right]
    for guess in wrong[:5]:
        assert client.post("/my/code/", {"code": guess}).status_code == 400
    # the right code no longer works once five wrong ones were tried
    assert client.post("/my/code/", {"code": right}).status_code == 400
    # and after ten tries from one pending sign-in, every further try is refused as too many
    for guess in wrong[5:9]:
        client.post("/my/code/", {"code": guess})
    limited = client.post("/my/code/", {"code": right})
    assert limited.status_code == 429 and "尝试次数过多" in limited.content.decode()
    assert "borrower_portal" not in client.session


def test_sign_in_requests_are_limited_per_loan_reference_whether_or_not_it_exists(book):
    for reference in ("L-1001", "NO-SUCH"):
        statuses = [ask_for_code(Client(REMOTE_ADDR=f"10.0.0.{n}"), reference, "9999").status_code for n in range(6)]
        assert statuses == [302] * 5 + [429]


def test_sign_in_requests_are_limited_per_address(book):
    client = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [ask_for_code(client, f"X-{n}", "1234").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_pages_behind_sign_in_send_a_stranger_to_sign_in(client, book):
    for url in ("/my/home/", "/my/loans/L-1001/", "/my/loans/L-1001/notice.pdf", "/my/loans/L-1001/dispute/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/my/", url


def test_the_session_sees_only_that_borrower_s_loans(client, book):
    signed_in(client)
    assert client.get("/my/loans/L-1001/").status_code == 200
    assert client.get("/my/loans/L-1003/").status_code == 404  # 王芳's loan
    assert client.post("/my/loans/L-1003/dispute/", {"reason": "not_my_debt"}).status_code == 404
    assert not Dispute.objects.exists()


def test_the_session_ends_after_half_an_hour_unused(client, book):
    signed_in(client)
    clock.set_now(MORNING + dt.timedelta(minutes=31))
    assert client.get("/my/loans/L-1001/")["Location"] == "/my/"


# --- what the borrower sees -----------------------------------------------------------------------


def test_the_loan_page_shows_the_itemised_balance_dpd_schedule_payments_collector_and_messages(client, book):
    ContactAttempt.objects.create(idempotency_key="sent-1", loan=book.loans["L-1001"], channel="sms", state="sent",
                                  template="reminder", sent_at=MORNING - dt.timedelta(days=3), subject="")
    signed_in(client)
    page = client.get("/my/loans/L-1001/").content.decode()
    assert 'id="balance-total">¥10,000.00' in page
    assert 'id="dpd">45<' in page
    assert "¥2,000.00" in page and "¥200.00" in page  # overdue principal and interest
    assert page.count("<tr><td>") >= 12  # twelve instalments and the payments
    assert "2026-03-10" in page  # a payment's value date
    assert "本机构催收团队" in page
    assert "2026-05-09" in page  # the SMS sent three days ago
    assert 'href="/agencies/whitelist/"' in page


def test_the_notice_downloads_as_pdf_and_a_paper_copy_is_queued_as_a_letter(client, book):
    from arrears.ledger.models import ContactPoint

    ContactPoint.objects.create(borrower=book.borrowers["B-0001"], kind="address", value="北京市朝阳区一号", verified=True)
    signed_in(client)
    pdf = client.get("/my/loans/L-1001/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    response = client.post("/my/loans/L-1001/paper-copy/")
    assert response.status_code == 302
    copy = PaperCopyRequest.objects.get()
    assert copy.due_on == dt.date(2026, 5, 17)
    assert (copy.letter.channel, copy.letter.template, copy.letter.state) == ("letter", "written_collection_notice", "planned")


# --- disputes -----------------------------------------------------------------------------------


def test_a_dispute_from_the_portal_holds_the_account_at_once_with_its_evidence(client, book):
    signed_in(client)
    response = client.post("/my/loans/L-1001/dispute/", {
        "reason": "already_paid", "details": "我已于四月还清",
        "evidence": [SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")],
    })
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.reason, dispute.source, dispute.due_on) == ("already_paid", "portal", dt.date(2026, 5, 27))
    assert [h.kind for h in in_force(book.loans["L-1001"].pk)] == ["dispute_open"]
    assert Evidence.objects.get().content_type == "application/pdf"
    assert "争议" in client.get("/my/loans/L-1001/").content.decode()


@pytest.mark.parametrize(("name", "data"), [
    ("receipt.pdf", b"MZ\x90\x00 not a pdf at all"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
    ("notes.txt", b"plain text"),
    ("receipt.png", PDF),
])
def test_an_upload_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(client, book, name, data):
    signed_in(client)
    response = client.post("/my/loans/L-1001/dispute/", {
        "reason": "other", "details": "见附件", "evidence": [SimpleUploadedFile(name, data, content_type="application/pdf")]})
    assert response.status_code == 400
    assert "不是 PDF 或图片" in response.content.decode() or "名称与内容不符" in response.content.decode()
    assert not Dispute.objects.exists() and not Evidence.objects.exists() and not in_force(book.loans["L-1001"].pk).exists()


def test_a_ten_megabyte_text_field_is_refused_and_nothing_is_stored(client, book):
    signed_in(client)
    big = "争" * (10 * 1024 * 1024 // 3)
    response = client.post("/my/loans/L-1001/dispute/", {"reason": "other", "details": big})
    assert response.status_code == 400
    assert not Dispute.objects.exists() and not in_force(book.loans["L-1001"].pk).exists()
    response = client.post("/my/loans/L-1001/complaint/", {"category": "other", "details": "x" * 5000})
    assert response.status_code == 400 and not BorrowerComplaint.objects.exists()


def test_a_complaint_from_the_portal_has_its_deadline_and_a_review_hold(client, book):
    signed_in(client)
    response = client.post("/my/loans/L-1001/complaint/", {"category": "night_contact", "details": "晚上十一点打电话"})
    assert response.status_code == 302
    complaint = BorrowerComplaint.objects.get()
    assert (complaint.category, complaint.due_on, complaint.source) == ("night_contact", dt.date(2026, 5, 27), "portal")
    assert [h.kind for h in in_force(book.loans["L-1001"].pk)] == ["complaint_review"]


def test_the_portal_speaks_english_when_asked(client, book):
    english(client)
    page = client.get("/my/").content.decode()
    assert "Send me a code" in page and "Loan reference" in page


# --- a wrong collector code, reported ---------------------------------------------------------------


def test_a_wrong_collector_code_offers_a_report_that_lands_as_an_impostor_complaint(client, book):
    page = client.post("/visits/verify/", {"code": "ABCD-EFGH"}).content.decode()
    assert 'id="verify-refusal"' in page and 'action="/my/report-impostor/"' in page
    response = client.post("/my/report-impostor/", {"what": "自称催收公司的人上门要钱，核验码不对", "reach": "13800000000"})
    assert response.status_code == 200 and 'id="reported"' in response.content.decode()
    complaint = BorrowerComplaint.objects.get()
    assert (complaint.category, complaint.source, complaint.loan, complaint.contact_details) == (
        "impostor", "verify_page", None, "13800000000")
    assert complaint.due_on == dt.date(2026, 5, 27)


def test_an_empty_or_oversized_impostor_report_is_refused_and_nothing_stored(client, book):
    assert client.post("/my/report-impostor/", {"what": "  "}).status_code == 400
    assert client.post("/my/report-impostor/", {"what": "x" * 2001}).status_code == 400
    assert not BorrowerComplaint.objects.exists()
