"""The account page's work: may-I-call, recording contacts and their effects, notes, promises,
assignment and optimistic locking — through the pages and the JSON API, under each role's scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils.html import escape

from arrears.cases.models import AccountHold, CollectionCase
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.ledger.models import ContactPoint
from arrears.promises.models import Promise
from arrears import clock
from arrears.workbench.models import Note
from tests.e2e.test_pages import tables
from tests.e2e.workbench_world import signed_in, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

WORKDAY_MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Shanghai
LATE_NIGHT = dt.datetime(2026, 5, 12, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai


@pytest.fixture
def at_ten(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: WORKDAY_MORNING)
    return WORKDAY_MORNING


@pytest.fixture
def points(world):
    zhang = world.book.borrowers["B-0001"]
    found = {p.kind + ("-third" if p.owner != "borrower" else ""): p for p in ContactPoint.objects.filter(borrower=zhang)}
    return found  # mobile, email, mobile-third


def case_of(world, loan="L-1001") -> CollectionCase:
    return CollectionCase.objects.get(pk=world.cases[loan].pk)


def record(client, world, loan="L-1001", **fields):
    data = {"version": case_of(world, loan).version, "channel": "call", "party": "debtor", **fields}
    return client.post(f"/workbench/loans/{world.book.loans[loan].pk}/contact/", data)


def api_record(client, world, loan="L-1001", **fields):
    data = {"version": case_of(world, loan).version, "channel": "call", "party": "debtor", **fields}
    return client.post(
        f"/api/workbench/accounts/{world.book.loans[loan].pk}/contacts", data, content_type="application/json"
    )


# --- the page, by role -----------------------------------------------------------------------


def test_a_collector_sees_the_case_the_forms_and_masked_contacts(client, world, at_ten):
    signed_in(client, world.users["col1"])
    page = client.get("/accounts/L-1001/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="contact-form"' in html and 'id="may-i-call-form"' in html and 'id="note-form"' in html
    assert "138****5678" in html and "13812345678" not in html
    assert 'id="case-team">East<' in html


def test_compliance_sees_contacts_unmasked_but_cannot_work_the_account(client, world, at_ten):
    signed_in(client, world.users["comp1"])
    html = client.get("/accounts/L-1001/").content.decode()
    assert "13812345678" in html
    assert 'id="contact-form"' not in html
    assert record(client, world, outcome="no_answer").status_code == 403
    assert api_record(client, world, outcome="no_answer").status_code == 403


# outside one's scope the account answers as one that does not exist (404); the workbench pages refuse a
# role outside the back office (403) before they look for the account
@pytest.mark.parametrize(("who", "page_write"), [("col3", 404), ("agent1", 403)])
def test_someone_outside_the_team_cannot_open_or_work_the_account(client, world, who, page_write):
    signed_in(client, world.users[who])
    assert client.get("/accounts/L-1001/").status_code == 404
    loan_id = world.book.loans["L-1001"].pk
    assert client.get(f"/api/workbench/accounts/{loan_id}").status_code == 404
    assert record(client, world, outcome="no_answer").status_code == page_write
    assert api_record(client, world, outcome="no_answer").status_code == 404
    assert client.get("/accounts/?q=L-1001").status_code in (200, 403)
    if who == "col3":  # the search lists only what one may open
        assert "L-1001/" not in client.get("/accounts/?q=L-1001").content.decode()


def test_the_account_api_returns_the_page_s_data(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    body = client.get(f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}").json()
    assert body["loan"]["external_id"] == "L-1001"
    assert body["case"]["team"] == "East" and body["may_work"] is True
    assert {p["value"] for p in body["contact_points"]} >= {"138****5678"}
    # and the ledger as the page shows it: schedule, payments with what each paid, history, case events
    loan = world.book.loans["L-1001"]
    assert [(k["seq"], k["principal"]) for k in body["schedule"]] == list(
        loan.instalments.order_by("seq").values_list("seq", "principal"))
    assert sorted(p["reference"] for p in body["payments"]) == sorted(loan.payments.values_list("reference", flat=True))
    assert body["payments"][0]["allocation"] is not None
    for payment in body["payments"]:
        if payment["allocation"] is not None and payment["reverses"] is None:
            assert sum(payment["allocation"].values()) == payment["amount"]
    assert [h["as_of"] for h in body["state_history"]] == [
        day.isoformat() for day in loan.state_history.order_by("-as_of").values_list("as_of", flat=True)]
    assert len(body["case_events"]) == loan.case_events.count()
    assert client.get("/api/workbench/accounts/999999").status_code == 404


# --- may I call now? ----------------------------------------------------------------------------


def test_may_i_call_the_borrower_at_ten_in_the_morning(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    page = client.get(f"/accounts/L-1001/?check-contact_point={points['mobile'].pk}&check-channel=call")
    assert 'id="may-i-call-result" data-allowed="true"' in page.content.decode()
    api = client.get(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/may-i-call?contact_point={points['mobile'].pk}"
    ).json()
    assert api["allowed"] is True and api["violations"] == []


def test_may_i_call_late_at_night_names_the_rule_in_both_languages(client, world, points, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: LATE_NIGHT)
    signed_in(client, world.users["col1"])
    loan_id = world.book.loans["L-1001"].pk
    api = client.get(f"/api/workbench/accounts/{loan_id}/may-i-call?contact_point={points['mobile'].pk}").json()
    assert api["allowed"] is False
    assert api["violations"] and all(v["rule_id"] and v["zh"] and v["en"] for v in api["violations"])
    page = client.get(f"/accounts/L-1001/?check-contact_point={points['mobile'].pk}&check-channel=call")
    html = page.content.decode()
    assert 'data-allowed="false"' in html
    assert f'data-rule="{api["violations"][0]["rule_id"]}"' in html
    assert escape(api["violations"][0]["zh"]) in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/accounts/L-1001/?check-contact_point={points['mobile'].pk}&check-channel=call").content.decode()
    assert escape(api["violations"][0]["en"]) in html


def test_may_i_call_a_third_party_marked_do_not_contact_is_blocked(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    loan_id = world.book.loans["L-1001"].pk
    api = client.get(
        f"/api/workbench/accounts/{loan_id}/may-i-call?contact_point={points['mobile-third'].pk}"
    ).json()
    assert api["allowed"] is False


@pytest.mark.parametrize("query", ["contact_point=abc", "contact_point=1&channel=pigeon", "", "contact_point=999999"])
def test_may_i_call_with_bad_input_is_a_400(client, world, at_ten, query):
    signed_in(client, world.users["col1"])
    response = client.get(f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/may-i-call?{query}")
    assert 400 <= response.status_code < 500


# --- recording a contact and its effects -------------------------------------------------------


def test_a_promise_is_recorded_with_its_amount_in_fen(client, world, at_ten, points):
    # given
    signed_in(client, world.users["col1"])
    version = case_of(world).version
    # when
    response = record(
        client, world, outcome="promise", contact_point=points["mobile"].pk, promise_amount="500.50",
        promise_date="2026-05-20",
    )
    # then
    assert response.status_code == 302 and response["Location"].endswith("#contact-history")
    promise = Promise.objects.get(loan=world.book.loans["L-1001"])
    assert (promise.amount, promise.due_date, promise.state, promise.made_by) == (
        50_050, dt.date(2026, 5, 20), "pending", world.users["col1"]
    )
    attempt = ContactAttempt.objects.get(loan=world.book.loans["L-1001"])
    assert (attempt.outcome, attempt.state, attempt.conversation, attempt.record.recorded_by.username) == (
        "promise", "done", True, "col1"
    )
    assert case_of(world).version == version + 1
    page = client.get("/accounts/L-1001/")
    assert [cells[2] for _key, cells in tables(page)["promise-table"][1:]] == ["¥500.50"]
    assert len(tables(page)["contact-history-table"]) == 2


def test_a_dispute_places_a_hold_and_the_guard_then_blocks(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    body = api_record(client, world, outcome="dispute", contact_point=points["mobile"].pk, note="说这笔贷款不是他借的").json()
    assert body["effects"] == ["dispute_hold"]
    assert AccountHold.objects.filter(loan=world.book.loans["L-1001"], kind="dispute_open", until=None).exists()
    answer = client.get(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/may-i-call?contact_point={points['mobile'].pk}"
    ).json()
    assert answer["allowed"] is False


def test_a_stop_request_opts_the_point_out_of_that_channel(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    body = api_record(client, world, outcome="stop_channel", contact_point=points["mobile"].pk, channel="sms").json()
    assert body["effects"] == ["opted_out"]
    assert ChannelOptOut.objects.filter(contact_point=points["mobile"], channel="sms").exists()
    loan_id = world.book.loans["L-1001"].pk
    sms = client.get(f"/api/workbench/accounts/{loan_id}/may-i-call?contact_point={points['mobile'].pk}&channel=sms")
    assert sms.json()["allowed"] is False


def test_a_wrong_number_marks_the_point_invalid(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    assert record(client, world, outcome="wrong_number", contact_point=points["mobile"].pk).status_code == 302
    points["mobile"].refresh_from_db()
    assert points["mobile"].valid is False


@pytest.mark.parametrize("outcome", ["wrong_number", "stop_channel"])
def test_outcomes_about_a_contact_point_need_one(client, world, at_ten, outcome):
    signed_in(client, world.users["col1"])
    response = api_record(client, world, outcome=outcome)
    assert response.status_code == 400
    assert "contact_point" in response.json()["errors"]
    assert not ContactAttempt.objects.exists()


def test_a_note_with_a_threat_is_kept_with_its_findings_shown(client, world, at_ten):
    signed_in(client, world.users["col1"])
    text = "告诉他再不还钱，你全家都别想好过。"
    response = client.post(f"/workbench/loans/{world.book.loans['L-1001'].pk}/notes/", {"text": text})
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.text == text and note.findings and note.findings[0]["rule_id"] == "lint.threat_violence"
    html = client.get("/accounts/L-1001/").content.decode()
    assert 'data-rule="lint.threat_violence"' in html and escape(note.findings[0]["message_zh"]) in html
    api = client.post(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/notes", {"text": text}, content_type="application/json"
    )
    assert api.status_code == 201 and api.json()["findings"][0]["rule_id"] == "lint.threat_violence"
    assert Note.objects.count() == 2


def test_a_plain_note_has_no_findings(client, world, at_ten):
    signed_in(client, world.users["col1"])
    api = client.post(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/notes",
        {"text": "客户说下周发工资后还款。"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["findings"] == []


# --- bad input: 4xx with field errors, never a 500 -------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": ""}, "outcome"),
        ({"outcome": "teleported"}, "outcome"),
        ({"outcome": "no_answer", "channel": "pigeon"}, "channel"),
        ({"outcome": "promise", "promise_amount": "abc", "promise_date": "2026-05-20"}, "promise_amount"),
        ({"outcome": "promise", "promise_amount": "-5", "promise_date": "2026-05-20"}, "promise_amount"),
        ({"outcome": "promise", "promise_amount": "1.234", "promise_date": "2026-05-20"}, "promise_amount"),
        ({"outcome": "promise", "promise_amount": "100", "promise_date": "2026-05-01"}, "promise_date"),
        ({"outcome": "promise", "promise_amount": "100", "promise_date": "2027-01-01"}, "promise_date"),
        ({"outcome": "promise", "promise_amount": "100", "promise_date": "20/05/2026"}, "promise_date"),
        ({"outcome": "promise"}, "promise_amount"),
        ({"outcome": "no_answer", "contact_point": 999999}, "contact_point"),
        ({"outcome": "no_answer", "version": "x"}, "version"),
        ({"outcome": "no_answer", "note": "字" * 2001}, "note"),
    ],
)
def test_bad_contact_input_is_a_400_naming_the_field_in_both_languages(client, world, at_ten, fields, field):
    signed_in(client, world.users["col1"])
    api = api_record(client, world, **fields)
    assert api.status_code == 400
    errors = api.json()["errors"]
    assert field in errors and errors[field][0]["zh"] and errors[field][0]["en"]
    assert errors[field][0]["zh"] != errors[field][0]["en"]
    page = record(client, world, **fields)
    assert page.status_code == 400 and 'class="errorlist' in page.content.decode()
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize(
    "body", ['{"outcome": ["no_answer"]}', "not json", '{"version": {"a": 1}}', "[]", '{"contact_point": 1.5}']
)
def test_malformed_api_bodies_are_4xx(client, world, at_ten, body):
    signed_in(client, world.users["col1"])
    response = client.post(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/contacts", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_a_party_that_does_not_match_the_contact_point_is_refused(client, world, at_ten, points):
    signed_in(client, world.users["col1"])
    response = api_record(client, world, outcome="no_answer", contact_point=points["mobile-third"].pk, party="debtor")
    assert response.status_code == 400 and "party" in response.json()["errors"]


# --- optimistic locking ---------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_a_clear_message_and_nothing_is_saved(client, world, at_ten, points):
    # given two collectors opened the case at the same version
    signed_in(client, world.users["col1"])
    stale = case_of(world).version
    assert api_record(client, world, outcome="no_answer", contact_point=points["mobile"].pk).status_code == 201
    # when the second edit arrives on the old version
    response = client.post(
        f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/contacts",
        {"version": stale, "channel": "call", "party": "debtor", "outcome": "promise", "promise_amount": "100",
         "promise_date": "2026-05-20", "contact_point": points["mobile"].pk},
        content_type="application/json",
    )
    # then it is a 409 naming both versions, and neither the attempt nor the promise was written
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == stale + 1
    assert "someone else" in body["error"]["en"] and "他人" in body["error"]["zh"]
    assert ContactAttempt.objects.count() == 1 and not Promise.objects.exists()
    page = client.post(
        f"/workbench/loans/{world.book.loans['L-1001'].pk}/contact/",
        {"version": stale, "channel": "call", "party": "debtor", "outcome": "no_answer", "contact_point": points["mobile"].pk},
    )
    assert page.status_code == 409
    assert 'id="problem"' in page.content.decode() and "他人修改" in page.content.decode()


def test_a_team_lead_assigns_within_the_team_and_a_stale_assignment_is_refused(client, world):
    signed_in(client, world.users["lead1"])
    case = case_of(world, "L-1003")
    ok = client.post(
        f"/api/workbench/cases/{case.pk}/assign",
        {"version": case.version, "team": world.east.pk, "assignee": world.users["col2"].pk},
        content_type="application/json",
    )
    assert ok.status_code == 200 and case_of(world, "L-1003").assignee == world.users["col2"]
    stale = client.post(f"/workbench/cases/{case.pk}/assign/", {"version": case.version, "team": world.east.pk})
    assert stale.status_code == 409
    outsider = client.post(
        f"/api/workbench/cases/{case.pk}/assign",
        {"version": case.version + 1, "team": world.east.pk, "assignee": world.users["col3"].pk},
        content_type="application/json",
    )
    assert outsider.status_code == 400  # col3 is not in team East
    signed_in(client, world.users["col1"])
    refused = client.post(
        f"/api/workbench/cases/{case.pk}/assign", {"version": case.version + 1}, content_type="application/json"
    )
    assert refused.status_code == 403


# --- promises over the API ------------------------------------------------------------------


def test_promises_api_takes_and_lists_promises(client, world, at_ten):
    signed_in(client, world.users["col1"])
    loan_id = world.book.loans["L-1005"].pk
    made = client.post(
        "/api/promises/",
        {"loan_id": loan_id, "version": case_of(world, "L-1005").version, "amount": "880", "due_date": "2026-05-15"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["amount"] == 88_000
    listed = client.get(f"/api/promises/?loan_id={loan_id}").json()["promises"]
    assert [p["state"] for p in listed] == ["pending"]
    bad = client.post(
        "/api/promises/", {"loan_id": loan_id, "version": 1, "amount": "0", "due_date": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"amount", "due_date"}
    signed_in(client, world.users["col3"])
    assert client.get(f"/api/promises/?loan_id={loan_id}").status_code == 404


def test_the_account_page_shows_the_loan_s_plans_and_the_proposal_form(client, world, at_ten):
    # given a collector on an account of their team
    signed_in(client, world.users["col1"])
    # when they open the account page
    body = client.get("/accounts/L-1001/").content.decode()
    # then the plans section offers the proposal form that posts to the loan's plans
    loan_id = world.book.loans["L-1001"].pk
    assert 'id="plans"' in body
    assert f'action="/plans/loan/{loan_id}/"' in body


def test_the_api_docs_load_only_assets_served_here(client, world):
    # given anyone who opens the API's documentation
    signed_in(client, world.users["col1"])
    body = client.get("/api/docs").content.decode()
    # then every script and stylesheet is served by arrears itself
    assets = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert assets and all(url.startswith("/") for url in assets), assets


def test_a_contact_without_the_point_it_went_through_is_refused_with_a_field_error(client, world, at_ten):
    # given a collector on the account, and a form sent with nothing chosen but what the page preselects
    signed_in(client, world.users["col1"])
    loan = world.book.loans["L-1001"]
    response = client.post(
        f"/workbench/loans/{loan.pk}/contact/",
        {"version": case_of(world).version, "channel": "call", "party": "debtor", "outcome": "right_party_contact"},
    )
    # then nothing is recorded and the contact point field says why, in the reader's language
    assert response.status_code == 400
    assert not ContactAttempt.objects.exists()
    assert 'id="id_contact_point"' in response.content.decode() and "必填" in response.content.decode()
    # and the API answers the same, in both languages
    answer = client.post(f"/api/workbench/accounts/{loan.pk}/contacts",
                         {"version": case_of(world).version, "channel": "call", "outcome": "right_party_contact"},
                         content_type="application/json")
    assert answer.status_code == 400 and "contact_point" in answer.json()["errors"]
    assert not ContactAttempt.objects.exists()
