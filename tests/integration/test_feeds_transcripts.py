"""Call transcripts in the contacts feed are linted on import: the findings are kept with the
attempt, shown on the account's contact history and in the content review list; a transcript
with findings still lands (the call was made), and a malformed one goes to the rejects file with
its reasons in both languages. Runs on SQLite or PostgreSQL, whichever DATABASE_URL names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from arrears.contact.models import ContactAttempt
from arrears.feeds import import_contacts
from tests.integration.test_feeds import read_rejects, write_csv
from tests.integration.test_feeds_contacts import COLUMNS, DIGEST, book, contact_row, products  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

THREAT_ZH = "你好，我是催收员。再不还钱，兄弟们今晚就上门打断你的腿。"
LAWFUL_EN = "Hello, this is Hefeng Consumer Finance. Your instalment is five days late; you can pay in the app."
DISCLOSING = "您好，请转告您的朋友，他在我们这里的借款已经逾期两个月了，欠款一万二。"


def transcript_file(tmp_path: Path) -> Path:
    rows = [
        contact_row("T01", transcript=THREAT_ZH, recording_ref="rec/T01.wav", recording_sha256=DIGEST),
        contact_row("T02", transcript=LAWFUL_EN, recording_ref="rec/T02.wav"),
        contact_row("T03", contact="13900000001", party="third_party", outcome="third_party_answered",
                    transcript=DISCLOSING, recording_ref="rec/T03.wav"),
        contact_row("T04", transcript=THREAT_ZH),  # 4: no recording reference
        contact_row("T05", channel="sms", outcome="delivered", transcript=LAWFUL_EN, recording_ref="rec/T05.wav"),  # 5
        contact_row("T06"),  # a call without a transcript
    ]
    return write_csv(tmp_path / "contacts.csv", rows, COLUMNS)


def test_transcripts_are_linted_on_import_and_their_findings_kept_with_the_attempt(book, tmp_path: Path) -> None:
    # given a dialer's file with transcripts: a threat, a lawful call, a call that tells a third party of the debt
    source = transcript_file(tmp_path)

    # when it is imported
    outcome = import_contacts(source)

    # then every well-formed row lands, with or without findings, and the recording's reference and hash
    assert (outcome.landed, outcome.rejected) == (4, 2)
    held = {a.idempotency_key.rsplit(":", 1)[1]: a for a in ContactAttempt.objects.all()}
    threat = held["T01"]
    assert threat.transcript == THREAT_ZH
    assert (threat.recording_ref, threat.recording_sha256) == ("rec/T01.wav", DIGEST.lower())
    assert "violence" in {f["category"] for f in threat.content_findings}
    violence = next(f for f in threat.content_findings if f["category"] == "violence")
    assert violence["excerpt"] in THREAT_ZH and violence["message_zh"] and violence["message_en"]
    assert violence["citation_zh"] and violence["citation_en"]
    assert held["T02"].content_findings == [] and held["T02"].transcript == LAWFUL_EN
    assert "disclosure" in {f["category"] for f in held["T03"].content_findings}
    assert held["T06"].transcript == "" and held["T06"].content_findings == []
    # and the malformed transcripts are in the rejects file with their reasons in both languages
    reasons = {(int(r["row"]), r["field"]): (r["reason_zh"], r["reason_en"]) for r in read_rejects(outcome.rejects_path)}
    assert reasons == {
        (4, "transcript"): ("通话转写须同时填写录音位置 recording_ref", "a call transcript needs its recording_ref"),
        (5, "transcript"): ("通话转写只适用于渠道 call", "a transcript goes with the channel call only"),
    }

    # when the same file is imported again
    again = import_contacts(source)

    # then nothing changes: the records are repeats, the findings as they were
    assert (again.landed, again.unchanged) == (0, 4)
    assert ContactAttempt.objects.count() == 4
    assert ContactAttempt.objects.get(pk=threat.pk).content_findings == threat.content_findings


def test_findings_show_on_the_contact_history_and_in_the_content_review_list(book, tmp_path: Path, admin_client) -> None:
    # given the imported transcripts
    import_contacts(transcript_file(tmp_path))
    threat = ContactAttempt.objects.get(idempotency_key="feed:dialer-a:T01")

    # when a reviewer opens the account page and the content review list, in English and in Chinese
    account = admin_client.get(reverse("account", args=["L0001"]), HTTP_ACCEPT_LANGUAGE="en")
    review = admin_client.get(reverse("workbench:content-review"), HTTP_ACCEPT_LANGUAGE="en")
    review_zh = admin_client.get(reverse("workbench:content-review"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then both show the threat's findings with the recording they came from; the lawful call has none
    assert account.status_code == review.status_code == review_zh.status_code == 200
    page = account.content.decode()
    assert f'data-attempt-findings="{threat.pk}"' in page and "rec/T01.wav" in page
    assert "Call transcript: content check findings" in page and 'data-category="violence"' in page
    listed = review.content.decode()
    assert f'data-attempt="{threat.pk}"' in listed and 'data-category="violence"' in listed
    lawful = ContactAttempt.objects.get(idempotency_key="feed:dialer-a:T02")
    assert f'data-attempt="{lawful.pk}"' not in listed
    assert "内容审查" in review_zh.content.decode()


def test_a_transcript_cites_the_regulation_for_its_loans_product_kind(book, tmp_path: Path) -> None:
    # given L0001's product is a credit card and L0002's a microloan
    from arrears.ledger.models import Loan, Product

    card = Product.objects.create(code="CARD", name_zh="信用卡", name_en="Credit card", kind="credit_card",
                                  repayment_method="annuity", annual_rate_bp=1800)
    micro = Product.objects.create(code="MICRO", name_zh="小额贷款", name_en="Microloan", kind="microloan",
                                   repayment_method="annuity", annual_rate_bp=1800)
    Loan.objects.filter(external_id="L0001").update(product=card)
    Loan.objects.filter(external_id="L0002").update(product=micro)
    rows = [
        contact_row("K01", transcript=THREAT_ZH, recording_ref="rec/K01.wav"),
        contact_row("K02", loan_id="L0002", contact="13800000002", transcript=THREAT_ZH, recording_ref="rec/K02.wav"),
    ]

    # when the transcripts are imported
    import_contacts(write_csv(tmp_path / "contacts.csv", rows, COLUMNS))

    # then each finding cites the regulation for its product's kind, never the consumer-loan guideline
    cited = {a.idempotency_key[-3:]: {f["citation_zh"] for f in a.content_findings} for a in ContactAttempt.objects.all()}
    assert cited["K01"] and all("信用卡业务监督管理办法" in c for c in cited["K01"])
    assert cited["K02"] and all("小额贷款公司监督管理暂行办法" in c for c in cited["K02"])
    assert not any("消费类贷款催收工作指引" in c for c in cited["K01"] | cited["K02"])


def test_the_demo_dialer_reports_calls_whose_transcripts_show_findings(book, tmp_path: Path) -> None:
    from arrears.demo import dialer_transcripts

    lines = dialer_transcripts(tmp_path, dt.date(2026, 3, 2))

    held = ContactAttempt.objects.exclude(transcript="")
    assert held.count() == 2  # the book's two borrowers
    assert [a.content_findings == [] for a in held.order_by("attempted_at")] == [True, False]
    assert "/workbench/content-review/" in lines[0]
    assert dialer_transcripts(tmp_path, dt.date(2026, 3, 2)) and held.count() == 2  # run again: the same
