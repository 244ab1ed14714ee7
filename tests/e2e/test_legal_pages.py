"""Legal reviews on the page (/legal/) and over JSON (/api/legal/): the open reviews oldest first and
the decided ones; a legal officer refers or declines with a reason; bad input changes nothing and
says why in the reader's language; a role that may not decide is refused (403), an unknown review
is 404, a review decided already is 409; readers see only the reviews of the accounts they see.

The world is tests/e2e/workbench_world.py (team East works L-1001, L-1003 and L-1005, West works
L-1006) with a legal officer "legal1" and an administrator "admin1". Reviews, as the night opens them:
    L-1001  opened 2026-04-28  DPD 95   overdue ¥2,123.45   open
    L-1006  opened 2026-04-21  DPD 120  overdue ¥3,000.00   open       (team West)
    L-1005  opened 2026-04-14  DPD 100  overdue ¥1,500.00   declined by legal1 on 2026-04-20
The clock stands at 2026-05-12 10:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client

import arrears.legal
from arrears import clock
from arrears.legal.models import LegalReview
from tests.e2e import workbench_world
from tests.e2e.test_pages import row, tables, text
from tests.translations import marked_strings, untranslated
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db

WORKDAY_MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Shanghai
DECIDED_BEFORE = dt.datetime(2026, 4, 20, 7, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(WORKDAY_MORNING)
    yield WORKDAY_MORNING
    clock.set_now(None)


@pytest.fixture
def legal(world, django_user_model):
    user = django_user_model.objects.create_user(username="legal1", password=None)
    user.groups.add(Group.objects.get(name="legal_officer"))
    return user


@pytest.fixture
def admin(world, django_user_model):
    user = django_user_model.objects.create_user(username="admin1", password=None)
    user.groups.add(Group.objects.get(name="admin"))
    return user


def a_review(world, loan: str, opened_on: dt.date, days_past_due: int, overdue: int, **decided) -> LegalReview:
    return LegalReview.objects.create(
        loan=world.book.loans[loan], opened_on=opened_on, segment="legal_review", rule="legal_review.legal_case_review",
        days_past_due=days_past_due, overdue_amount=overdue, balance=1_000_000, **decided,
    )


@pytest.fixture
def reviews(world, legal) -> dict[str, LegalReview]:
    return {
        "L-1001": a_review(world, "L-1001", dt.date(2026, 4, 28), 95, 212_345),
        "L-1006": a_review(world, "L-1006", dt.date(2026, 4, 21), 120, 300_000),
        "L-1005": a_review(world, "L-1005", dt.date(2026, 4, 14), 100, 150_000, state="declined", decided_by=legal,
                           decided_at=DECIDED_BEFORE, note="已与借款人达成还款计划"),
    }


def in_english(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


def decide_page(client, review: LegalReview, **fields):
    return client.post(f"/legal/{review.pk}/decide/", fields)


def decide_api(client, review_id: int, **fields):
    return client.post(f"/api/legal/reviews/{review_id}/decision", fields, content_type="application/json")


def stored(review: LegalReview) -> tuple:
    review.refresh_from_db()
    return review.state, review.decided_by_id, review.decided_at, review.note


# --- the list -------------------------------------------------------------------------------------


def test_a_legal_officer_sees_the_open_reviews_oldest_first_and_the_decided_ones(client, reviews, legal):
    # when the legal officer opens the page
    response = signed_in(client, legal).get("/legal/")
    # then the open reviews are listed oldest first, each with its account, dates, days past due, amount and segment
    assert response.status_code == 200
    open_rows = tables(response)["open-reviews"][1:]
    assert [cells[0] for _key, cells in open_rows] == ["L-1006", "L-1001"]
    assert row(response, "open-reviews", str(reviews["L-1001"].pk))[:5] == ["L-1001", "2026-04-28", "95", "¥2,123.45", "法律审查"]
    assert '<a href="/accounts/L-1001/">L-1001</a>' in text(response)
    # and each open review has a decision form
    assert f'action="/legal/{reviews["L-1001"].pk}/decide/"' in text(response)
    # and the decided review says what was decided, by whom, when and why
    decided = row(response, "decided-reviews", str(reviews["L-1005"].pk))
    assert decided == ["L-1005", "2026-04-14", "不予移交，退回催收", "legal1", "2026-04-20 15:30", "已与借款人达成还款计划"]


def test_the_list_reads_in_english_for_an_english_reader(client, reviews, legal):
    response = in_english(signed_in(client, legal)).get("/legal/")
    assert row(response, "open-reviews", str(reviews["L-1006"].pk))[4] == "Legal review"
    assert row(response, "decided-reviews", str(reviews["L-1005"].pk))[2] == "declined: back to collection"
    assert "Refer for legal action" in text(response) and "Decline: back to collection" in text(response)


def test_a_team_lead_reads_only_their_teams_reviews_and_may_not_decide(client, world, reviews):
    # when team East's lead opens the page
    response = signed_in(client, world.users["lead1"]).get("/legal/")
    # then only East's reviews are listed (L-1006 is West's), with no decision form
    assert response.status_code == 200
    assert [cells[0] for _key, cells in tables(response)["open-reviews"][1:]] == ["L-1001"]
    assert [cells[0] for _key, cells in tables(response)["decided-reviews"][1:]] == ["L-1005"]
    assert "/decide/" not in text(response)


@pytest.mark.parametrize("reader", ["comp1", "strat1", "lead1"])
def test_readers_find_the_page_in_the_navigation(client, world, reviews, reader):
    response = signed_in(client, world.users[reader]).get("/")
    assert 'id="nav-legal"' in text(response) and 'href="/legal/"' in text(response)


def test_nothing_to_review_says_so(client, legal):
    response = signed_in(client, legal).get("/legal/")
    assert "没有待处理的法务审查。" in text(response) and "尚无已处理的法务审查。" in text(response)


# --- deciding on the page -------------------------------------------------------------------------


def test_a_legal_officer_refers_a_review_for_legal_action(client, reviews, legal):
    review = reviews["L-1001"]
    signed_in(client, legal)
    # when the legal officer refers it with a reason
    response = decide_page(client, review, decision="refer", note="已拒绝还款三次，材料齐全")
    # then the page goes back to the list with a message in Chinese
    assert response.status_code == 302 and response["Location"] == f"/legal/#decided-{review.pk}"
    shown = client.get(response["Location"])
    assert "已移交法律程序：L-1001。" in text(shown)
    # and the decision is kept with who made it, when and why
    assert stored(review) == ("referred", legal.pk, WORKDAY_MORNING, "已拒绝还款三次，材料齐全")
    # and it has left the open reviews for the decided ones
    assert [cells[0] for _key, cells in tables(shown)["open-reviews"][1:]] == ["L-1006"]
    assert row(shown, "decided-reviews", str(review.pk))[2:5] == ["已移交法律程序", "legal1", "2026-05-12 10:00"]


def test_an_administrator_declines_a_review_in_english(client, reviews, admin):
    review = reviews["L-1006"]
    in_english(signed_in(client, admin))
    response = decide_page(client, review, decision="decline", note="Paying again since May")
    assert response.status_code == 302
    assert "Declined, back to collection: L-1006." in text(client.get(response["Location"]))
    assert stored(review) == ("declined", admin.pk, WORKDAY_MORNING, "Paying again since May")


@pytest.mark.parametrize(
    ("fields", "field", "zh", "en"),
    [
        ({"decision": "refer", "note": ""}, "note", "请说明处理理由。", "Give the reason for the decision."),
        ({"decision": "refer", "note": "   "}, "note", "请说明处理理由。", "Give the reason for the decision."),
        ({"decision": "refer", "note": "理" * 2001}, "note", "2000", "at most 2000 characters"),
        ({"decision": "sue", "note": "理由"}, "decision", "请选择移交法律程序或退回催收。", "Choose to refer or to decline."),
        ({"note": "理由"}, "decision", "请选择移交法律程序或退回催收。", "Choose to refer or to decline."),
    ],
)
def test_bad_input_is_shown_under_its_form_in_the_readers_language_and_nothing_is_stored(
    client, reviews, legal, fields, field, zh, en
):
    review = reviews["L-1001"]
    before = stored(review)
    signed_in(client, legal)
    # when the form is sent with bad input, in Chinese then in English
    chinese = decide_page(client, review, **fields)
    english = decide_page(in_english(client), review, **fields)
    # then the page is shown again (400) with the error under that review's form, in the reader's language
    assert chinese.status_code == 400 and english.status_code == 400
    assert zh in text(chinese) and en in text(english)
    assert f'id="decide-{review.pk}"' in text(chinese) and "处理未保存：请检查各字段。" in text(chinese)
    if field == "note" and fields["note"].strip():
        assert fields["note"] in text(chinese)  # what was typed is kept
    # and nothing was stored
    assert stored(review) == before


@pytest.mark.parametrize("who", ["lead1", "comp1", "strat1", "col1", "agent1"])
def test_a_role_that_may_not_decide_is_refused_and_nothing_is_stored(client, world, reviews, who):
    review = reviews["L-1001"]
    before = stored(review)
    response = decide_page(signed_in(client, world.users[who]), review, decision="refer", note="试图移交")
    assert response.status_code == 403
    assert stored(review) == before


@pytest.mark.parametrize("who", ["col1", "agent1"])
def test_a_role_that_may_not_read_is_refused_the_page(client, world, reviews, who):
    response = signed_in(client, world.users[who]).get("/legal/")
    assert response.status_code == 403
    assert 'id="nav-legal"' not in text(signed_in(client, world.users[who]).get("/plans/awaiting/"))


def test_a_signed_out_visitor_is_sent_to_sign_in(client, reviews):
    assert client.get("/legal/")["Location"].startswith("/login/")
    response = client.post(f"/legal/{reviews['L-1001'].pk}/decide/", {"decision": "refer", "note": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert stored(reviews["L-1001"])[0] == "open"


def test_a_decision_without_the_csrf_token_is_refused(reviews, legal):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(legal)
    response = browser.post(f"/legal/{reviews['L-1001'].pk}/decide/", {"decision": "refer", "note": "理由"})
    assert response.status_code == 403
    assert stored(reviews["L-1001"])[0] == "open"


def test_an_unknown_review_is_not_found(client, reviews, legal):
    response = decide_page(signed_in(client, legal), LegalReview(pk=999_999), decision="refer", note="理由")
    assert response.status_code == 404


def test_a_review_decided_already_says_so_and_keeps_the_first_decision(client, reviews, legal):
    review = reviews["L-1005"]
    response = decide_page(signed_in(client, legal), review, decision="refer", note="再议")
    assert response.status_code == 409 and "此法务审查已处理" in text(response)
    assert stored(review) == ("declined", legal.pk, DECIDED_BEFORE, "已与借款人达成还款计划")


# --- the API --------------------------------------------------------------------------------------


def test_the_api_lists_the_open_reviews_oldest_first(client, reviews, legal):
    response = signed_in(client, legal).get("/api/legal/reviews", {"state": "open"})
    assert response.status_code == 200
    body = response.json()
    assert [line["loan"] for line in body["reviews"]] == ["L-1006", "L-1001"]
    first = body["reviews"][1]
    assert first == {
        "id": reviews["L-1001"].pk, "loan": "L-1001", "account_url": "/accounts/L-1001/", "opened_on": "2026-04-28",
        "segment": "legal_review", "segment_words": {"zh": "法律审查", "en": "Legal review"},
        "rule": "legal_review.legal_case_review", "days_past_due": 95, "overdue_amount_fen": 212_345,
        "balance_fen": 1_000_000, "state": "open", "state_words": {"zh": "待审查", "en": "awaiting review"},
        "decided_by": None, "decided_at": None, "note": "",
    }


def test_the_api_lists_every_state_or_one_and_refuses_an_unknown_state(client, reviews, legal):
    signed_in(client, legal)
    every = client.get("/api/legal/reviews").json()["reviews"]
    assert [(line["loan"], line["state"]) for line in every] == [("L-1006", "open"), ("L-1001", "open"), ("L-1005", "declined")]
    assert [line["loan"] for line in client.get("/api/legal/reviews", {"state": "declined"}).json()["reviews"]] == ["L-1005"]
    assert client.get("/api/legal/reviews", {"state": "referred"}).json()["reviews"] == []
    bad = client.get("/api/legal/reviews", {"state": "closed"})
    assert bad.status_code == 400 and set(bad.json()["errors"]["state"][0]) == {"zh", "en"}


def test_the_api_lists_a_team_leads_reviews_only(client, world, reviews):
    body = signed_in(client, world.users["lead1"]).get("/api/legal/reviews").json()
    assert [line["loan"] for line in body["reviews"]] == ["L-1001", "L-1005"]


def test_a_legal_officer_refers_a_review_through_the_api(client, reviews, legal):
    review = reviews["L-1001"]
    response = decide_api(signed_in(client, legal), review.pk, refer=True, note="材料齐全")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "referred" and body["decided_by"] == "legal1" and body["note"] == "材料齐全"
    assert dt.datetime.fromisoformat(body["decided_at"]) == WORKDAY_MORNING
    assert stored(review) == ("referred", legal.pk, WORKDAY_MORNING, "材料齐全")


def test_an_administrator_declines_a_review_through_the_api(client, reviews, admin):
    response = decide_api(signed_in(client, admin), reviews["L-1006"].pk, refer=False, note="已恢复还款")
    assert response.status_code == 200 and response.json()["state"] == "declined"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"refer": True}, "note"),
        ({"refer": True, "note": "  "}, "note"),
        ({"refer": True, "note": "理" * 2001}, "note"),
        ({"note": "理由"}, "refer"),
        ({"refer": "perhaps", "note": "理由"}, "refer"),
    ],
)
def test_bad_input_to_the_api_is_a_400_with_the_fields_errors_in_both_languages(client, reviews, legal, fields, field):
    review = reviews["L-1001"]
    response = decide_api(signed_in(client, legal), review.pk, **fields)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field] and set(errors[field][0]) == {"zh", "en"}
    assert stored(review)[0] == "open"


def test_the_api_refuses_a_role_that_may_not_decide_an_unknown_review_and_a_decided_one(client, world, reviews, legal):
    # a team lead may read, not decide
    refused = decide_api(signed_in(client, world.users["lead1"]), reviews["L-1001"].pk, refer=True, note="理由")
    assert refused.status_code == 403 and refused.json()["error"]["en"] == "Your role may not decide legal reviews"
    # a collector may not even read
    assert signed_in(client, world.users["col1"]).get("/api/legal/reviews").status_code == 403
    # an unknown review, and one decided already
    signed_in(client, legal)
    assert decide_api(client, 999_999, refer=True, note="理由").status_code == 404
    decided = decide_api(client, reviews["L-1005"].pk, refer=True, note="再议")
    assert decided.status_code == 409 and decided.json()["error"]["zh"] == "此法务审查已处理"
    assert stored(reviews["L-1001"])[0] == "open" and stored(reviews["L-1005"])[0] == "declined"


def test_the_api_answers_401_to_a_signed_out_caller(client, reviews):
    assert client.get("/api/legal/reviews").status_code == 401
    assert decide_api(client, reviews["L-1001"].pk, refer=True, note="理由").status_code == 401


# --- the admin ------------------------------------------------------------------------------------


def test_the_admin_shows_the_reviews_and_changes_nothing(client, django_user_model, reviews):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.cn", "a-long-password-1"))
    review = reviews["L-1001"]
    assert client.get("/admin/legal/legalreview/").status_code == 200
    assert client.get(f"/admin/legal/legalreview/{review.pk}/change/").status_code == 200
    assert client.get("/admin/legal/legalreview/add/").status_code == 403
    assert client.post(f"/admin/legal/legalreview/{review.pk}/change/", {"state": "referred"}).status_code == 403
    assert client.post(f"/admin/legal/legalreview/{review.pk}/delete/", {"post": "yes"}).status_code == 403
    assert stored(review)[0] == "open"


# --- every string in both languages ---------------------------------------------------------------


def test_every_string_of_the_legal_pages_is_translated():
    msgids = marked_strings(arrears.legal)
    assert len(msgids) > 25
    assert untranslated(msgids) == []
