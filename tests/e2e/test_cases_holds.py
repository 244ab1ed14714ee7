"""Holds placed and released by the people allowed to: through the account page, the JSON API and the
command line; refused by role (403) and scope (404); binding the compliance guard until their end
date or their release; told on the account page and in the account's explanation.

The world is tests/e2e/workbench_world.py (team East works L-1001, West works L-1006) with a legal
officer "legal1"; the clock stands at Tuesday 2026-05-12 10:00 in Shanghai unless a test moves it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils.html import escape

from arrears import clock
from arrears.cases.models import AccountHold
from arrears.cli import main
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from tests.e2e.test_pages import row, tables
from tests.e2e import workbench_world
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db

WORKDAY_MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Shanghai
SHANGHAI_MIDNIGHT_14TH = dt.datetime(2026, 5, 13, 16, 0, tzinfo=dt.UTC)  # 2026-05-14 00:00 in Shanghai


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
def mobile(world) -> ContactPoint:
    return ContactPoint.objects.get(borrower=world.book.borrowers["B-0001"], kind="mobile", owner="borrower")


def loan_pk(world, loan="L-1001") -> int:
    return world.book.loans[loan].pk


def place_page(client, world, loan="L-1001", **fields):
    return client.post(f"/cases/loans/{loan_pk(world, loan)}/holds/", fields)


def place_api(client, **fields):
    return client.post("/api/cases/holds", fields, content_type="application/json")


def release_api(client, hold_id, **fields):
    return client.post(f"/api/cases/holds/{hold_id}/release", fields, content_type="application/json")


def a_hold(world, kind="bankruptcy", loan="L-1001", **fields) -> AccountHold:
    from arrears.cases.holds import place_hold

    return place_hold(loan_id=loan_pk(world, loan), kind=kind, reason=fields.pop("reason", "法院通知 / court notice"),
                      source="cli", **fields)


def sms_at(world, mobile, at):
    return check_now(loan_id=loan_pk(world), channel="sms", contact_point_id=mobile.pk, at=at)


def english(client):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


# --- the account page -----------------------------------------------------------------------------


def test_a_team_lead_places_a_bankruptcy_hold_with_an_end_date_from_the_account_page(client, world):
    # given the team lead of the account's team
    signed_in(client, world.users["lead1"])
    # when they place a bankruptcy hold ending on 2026-05-14
    response = place_page(client, world, kind="bankruptcy", reason="法院受理破产申请", until="2026-05-14")
    # then they are sent back to the page's holds, with the hold stored as placed through the web
    assert response.status_code == 302 and response["Location"] == "/accounts/L-1001/#holds"
    hold = AccountHold.objects.get()
    assert (hold.kind, hold.reason, hold.source, hold.placed_by) == ("bankruptcy", "法院受理破产申请", "web", world.users["lead1"])
    assert hold.since == WORKDAY_MORNING and hold.until == SHANGHAI_MIDNIGHT_14TH  # 00:00 that day, the lender's time
    # and the page lists it in words, in force, with its dates, reason and who placed it
    page = client.get(response["Location"])
    assert "已设置暂停" in page.content.decode()
    cells = row(page, "hold-table", str(hold.pk))
    assert cells[:6] == ["破产", "生效中", "2026-05-12 10:00", "2026-05-14 00:00", "法院受理破产申请", "网页 · lead1"]


def test_the_form_offers_each_role_only_the_kinds_it_may_place(client, world, legal):
    def offered(user) -> list[str] | None:
        html = signed_in(client, user).get("/accounts/L-1001/").content.decode()
        if 'id="hold-form"' not in html:
            return None
        form = html[html.index('id="hold-form"'):]
        select = form[form.index("<select"):form.index("</select>")]
        return [part.split('"')[0] for part in select.split('value="')[1:]]

    assert offered(world.users["col1"]) == ["dispute_open", "cease_contact"]
    assert '<option value="dispute_open">债务争议</option>' in client.get("/accounts/L-1001/").content.decode()
    assert offered(world.users["lead1"]) == ["dispute_open", "cease_contact", "complaint_review", "bankruptcy", "deceased"]
    assert offered(world.users["comp1"]) == ["dispute_open", "cease_contact", "complaint_review", "bankruptcy", "deceased"]
    assert offered(legal) == ["bankruptcy", "deceased", "legal_hold"]
    assert offered(world.users["strat1"]) is None


def test_a_compliance_officer_releases_a_hold_and_the_page_shows_who_when_and_why(client, world):
    # given a dispute hold in force, placed through a recorded contact
    hold = a_hold(world, kind="dispute_open", reason="借款人称非本人借款")
    signed_in(client, world.users["comp1"])
    assert 'id="release-hold-%d"' % hold.pk in client.get("/accounts/L-1001/").content.decode()
    # when the compliance officer releases it an hour later
    clock.set_now(WORKDAY_MORNING + dt.timedelta(hours=1))
    response = client.post(f"/cases/holds/{hold.pk}/release/", {"reason": "核实为本人借款"})
    # then it has ended at that moment, the release kept with it
    assert response.status_code == 302 and response["Location"] == "/accounts/L-1001/#holds"
    hold.refresh_from_db()
    assert hold.until == hold.released_at == WORKDAY_MORNING + dt.timedelta(hours=1)
    assert (hold.released_by, hold.release_reason) == (world.users["comp1"], "核实为本人借款")
    # and the page shows it ended, with who released it, when and why, and no release form any more
    page = client.get("/accounts/L-1001/")
    cells = row(page, "hold-table", str(hold.pk))
    assert cells[0] == "债务争议" and cells[1] == "已结束" and cells[3] == "2026-05-12 11:00"
    assert cells[6] == "由 comp1 于 2026-05-12 11:00 解除: 核实为本人借款"
    assert 'id="release-hold-%d"' % hold.pk not in page.content.decode()


def test_the_page_speaks_english_when_asked(client, world):
    hold = a_hold(world, kind="deceased", reason="death certificate")
    english(signed_in(client, world.users["lead1"]))
    page = client.get("/accounts/L-1001/")
    cells = row(page, "hold-table", str(hold.pk))
    assert cells[:2] == ["deceased", "in force"] and cells[3] == "until released" and cells[5] == "command line · system"
    assert "Place a hold" in page.content.decode()


def test_a_collector_may_not_place_a_bankruptcy_hold(client, world):
    signed_in(client, world.users["col1"])
    assert place_page(client, world, kind="bankruptcy", reason="法院通知").status_code == 403
    assert not AccountHold.objects.exists()


def test_a_strategy_manager_may_place_no_hold(client, world):
    signed_in(client, world.users["strat1"])
    assert place_page(client, world, kind="dispute_open", reason="x").status_code == 403
    assert not AccountHold.objects.exists()


@pytest.mark.parametrize("who", ["col3", "agent1"])
def test_an_account_outside_one_s_scope_is_not_found(client, world, who):
    # given a dispute hold on East's account
    hold = a_hold(world, kind="dispute_open")
    signed_in(client, world.users[who])
    # then neither placing nor releasing finds it, as for an unknown account
    assert place_page(client, world, kind="dispute_open", reason="争议").status_code == 404
    assert client.post(f"/cases/holds/{hold.pk}/release/", {"reason": "x"}).status_code == 404
    assert client.post("/cases/loans/999999/holds/", {"kind": "dispute_open", "reason": "x"}).status_code == 404
    assert AccountHold.objects.get().released_at is None and AccountHold.objects.count() == 1


def test_a_hold_without_a_reason_is_refused_with_the_field_s_error(client, world):
    signed_in(client, world.users["lead1"])
    response = place_page(client, world, kind="bankruptcy", reason="  ")
    assert response.status_code == 400
    assert "请说明原因" in response.content.decode()
    assert not AccountHold.objects.exists()
    english(client)
    assert "Give the reason." in place_page(client, world, kind="bankruptcy", reason="").content.decode()


@pytest.mark.parametrize("day", ["2026-05-12", "2026-05-01"])
def test_an_end_date_not_after_today_is_refused(client, world, day):
    signed_in(client, world.users["lead1"])
    response = place_page(client, world, kind="bankruptcy", reason="法院通知", until=day)
    assert response.status_code == 400
    assert escape("结束日期须晚于今天") in response.content.decode()
    assert not AccountHold.objects.exists()


def test_a_collector_may_not_release_and_an_ended_hold_cannot_be_released_again(client, world):
    hold = a_hold(world, kind="dispute_open")
    signed_in(client, world.users["col1"])
    assert client.post(f"/cases/holds/{hold.pk}/release/", {"reason": "x"}).status_code == 403
    signed_in(client, world.users["lead1"])
    assert client.post(f"/cases/holds/{hold.pk}/release/", {"reason": ""}).status_code == 400
    assert client.post(f"/cases/holds/{hold.pk}/release/", {"reason": "已核实"}).status_code == 302
    again = client.post(f"/cases/holds/{hold.pk}/release/", {"reason": "再次"})
    assert again.status_code == 409 and "此暂停已结束" in again.content.decode()
    hold.refresh_from_db()
    assert hold.release_reason == "已核实"


def test_the_pages_answer_only_post():
    from django.test import Client

    assert Client().get("/cases/loans/1/holds/").status_code == 405


def test_every_string_of_the_holds_has_a_chinese_translation():
    import ast
    import re
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation.template import templatize

    import arrears.cases

    app = Path(arrears.cases.__file__).parent
    msgids = set()
    for template in (app / "templates").rglob("*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        msgids.update(ast.literal_eval(lit) for lit in re.findall(r"\bn?gettext\((u?'(?:[^'\\]|\\.)*')", code))
    for module in app.glob("*.py"):
        if module.name == "apps.py":  # its name is bilingual in itself
            continue
        msgids.update(re.findall(r'(?<![\w.])_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', module.read_text(encoding="utf-8")))
    assert len(msgids) > 30
    with translation.override("zh-hans"):
        untranslated = sorted(m for m in msgids if translation.gettext(m) == m)
    assert untranslated == []


def test_the_table_has_a_row_for_each_hold(client, world):
    a_hold(world, kind="dispute_open")
    a_hold(world, kind="bankruptcy")
    signed_in(client, world.users["comp1"])
    assert len(tables(client.get("/accounts/L-1001/"))["hold-table"]) == 3  # the head and two holds


# --- the API --------------------------------------------------------------------------------------


def test_a_legal_officer_places_lists_and_releases_a_legal_hold_through_the_api(client, world, legal):
    signed_in(client, legal)
    # when the legal officer places a legal hold ending at midnight of the 14th, Shanghai time
    placed = place_api(client, loan="L-1001", kind="legal_hold", reason="诉前保全", until="2026-05-14T00:00:00+08:00")
    # then it is answered 201 with the hold
    assert placed.status_code == 201
    body = placed.json()
    assert body["kind"] == "legal_hold" and body["kind_words"] == {"zh": "法律程序暂停", "en": "legal hold"}
    assert body["in_force"] is True and body["source"] == "api" and body["placed_by"] == "legal1"
    assert dt.datetime.fromisoformat(body["until"]) == SHANGHAI_MIDNIGHT_14TH and body["may_release"] is True
    # and the loan's holds list it
    listed = client.get("/api/cases/holds", {"loan": "L-1001"}).json()
    assert listed["loan"] == "L-1001" and [h["id"] for h in listed["holds"]] == [body["id"]]
    # when they release it
    clock.set_now(WORKDAY_MORNING + dt.timedelta(minutes=30))
    released = release_api(client, body["id"], reason="保全解除")
    # then it has ended at once, with who, when and why
    assert released.status_code == 200
    after = released.json()
    assert after["in_force"] is False and after["state"] == "ended" and after["released_by"] == "legal1"
    assert after["release_reason"] == "保全解除"
    assert dt.datetime.fromisoformat(after["released_at"]) == WORKDAY_MORNING + dt.timedelta(minutes=30)
    # and releasing it again is refused as a conflict, in both languages
    again = release_api(client, body["id"], reason="再次")
    assert again.status_code == 409 and again.json()["error"] == {"zh": "此暂停已结束", "en": "This hold has already ended"}


def test_the_account_api_carries_the_holds(client, world):
    hold = a_hold(world, kind="deceased")
    signed_in(client, world.users["col1"])
    body = client.get(f"/api/workbench/accounts/{loan_pk(world)}").json()
    assert [(h["id"], h["kind"], h["in_force"], h["may_release"]) for h in body["holds"]] == [
        (hold.pk, "deceased", True, False)]


def test_the_api_refuses_a_role_that_may_not_place_or_release_that_kind(client, world):
    signed_in(client, world.users["col1"])
    refused = place_api(client, loan="L-1001", kind="legal_hold", reason="x")
    assert refused.status_code == 403
    assert refused.json()["error"] == {"zh": "您的角色不能设置“法律程序暂停”暂停",
                                       "en": "Your role may not place a hold of the kind 'legal hold'"}
    hold = a_hold(world, kind="cease_contact")
    assert release_api(client, hold.pk, reason="x").status_code == 403
    signed_in(client, world.users["strat1"])
    assert place_api(client, loan="L-1001", kind="dispute_open", reason="x").status_code == 403
    assert AccountHold.objects.count() == 1 and AccountHold.objects.get().released_at is None


def test_the_api_answers_404_outside_one_s_scope(client, world):
    hold = a_hold(world, kind="dispute_open")
    signed_in(client, world.users["col3"])
    assert client.get("/api/cases/holds", {"loan": "L-1001"}).status_code == 404
    assert client.get("/api/cases/holds", {"loan": "NO-SUCH"}).status_code == 404
    assert place_api(client, loan="L-1001", kind="dispute_open", reason="x").status_code == 404
    assert release_api(client, hold.pk, reason="x").status_code == 404
    assert release_api(client, 999999, reason="x").json()["error"] == {"zh": "没有此暂停", "en": "No such hold"}
    assert AccountHold.objects.count() == 1


def test_listing_without_a_loan_is_a_400_in_both_languages(client, world):
    signed_in(client, world.users["col1"])
    response = client.get("/api/cases/holds")
    assert response.status_code == 400
    assert response.json()["errors"]["loan"] == [{"zh": "请给出贷款编号（loan）", "en": "Give the loan's external id (loan)"}]


@pytest.mark.parametrize(
    ("fields", "field", "zh", "en"),
    [
        ({"kind": "bankruptcy", "reason": ""}, "reason", "请说明原因", "Give the reason."),
        ({"kind": "bankruptcy"}, "reason", "请说明原因", "Give the reason."),
        ({"kind": "holiday", "reason": "x"}, "kind", "选择一个有效的选项", "Select a valid choice"),
        ({"kind": "bankruptcy", "reason": "x", "until": "2026-05-14T00:00:00"}, "until", "带 UTC 偏移", "UTC offset"),
        ({"kind": "bankruptcy", "reason": "x", "until": "next week"}, "until", "ISO 8601", "ISO 8601"),
        ({"kind": "bankruptcy", "reason": "x", "until": "2026-05-12T09:00:00+08:00"}, "until", "须晚于开始时间",
         "after the start"),
    ],
)
def test_bad_input_to_the_api_is_a_400_with_field_errors_in_both_languages(client, world, fields, field, zh, en):
    signed_in(client, world.users["lead1"])
    response = place_api(client, loan="L-1001", **fields)
    assert response.status_code == 400
    errors = response.json()["errors"][field]
    assert zh in errors[0]["zh"] and en in errors[0]["en"]
    assert not AccountHold.objects.exists()


def test_a_release_without_a_reason_is_a_400(client, world):
    hold = a_hold(world, kind="dispute_open")
    signed_in(client, world.users["lead1"])
    response = release_api(client, hold.pk)
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    hold.refresh_from_db()
    assert hold.released_at is None


# --- the guard ------------------------------------------------------------------------------------


def test_a_hold_with_an_end_date_stops_binding_by_itself(client, world, mobile):
    # given a bankruptcy hold placed on the page, ending on 2026-05-14 (00:00 Shanghai)
    signed_in(client, world.users["lead1"])
    assert place_page(client, world, kind="bankruptcy", reason="法院通知", until="2026-05-14").status_code == 302
    # then an SMS is blocked by the hold's rule the day before, at 10:00 and a minute before the end
    before = sms_at(world, mobile, dt.datetime(2026, 5, 13, 2, 0, tzinfo=dt.UTC))
    assert not before.allowed and "cn.hold.bankruptcy" in before.rule_ids
    assert "cn.hold.bankruptcy" in sms_at(world, mobile, SHANGHAI_MIDNIGHT_14TH - dt.timedelta(minutes=1)).rule_ids
    # and allowed at 10:00 on the end date, with nothing having run in between
    after = sms_at(world, mobile, dt.datetime(2026, 5, 14, 2, 0, tzinfo=dt.UTC))
    assert after.allowed, after.rule_ids


def test_a_released_hold_stops_binding_at_once(client, world, mobile):
    # given a hold with no end, placed through the API
    signed_in(client, world.users["comp1"])
    hold_id = place_api(client, loan="L-1001", kind="bankruptcy", reason="法院通知").json()["id"]
    assert "cn.hold.bankruptcy" in sms_at(world, mobile, WORKDAY_MORNING + dt.timedelta(minutes=5)).rule_ids
    # when it is released ten minutes later
    clock.set_now(WORKDAY_MORNING + dt.timedelta(minutes=10))
    assert release_api(client, hold_id, reason="法院撤销").status_code == 200
    # then it no longer binds from that moment, though it did before
    assert sms_at(world, mobile, WORKDAY_MORNING + dt.timedelta(minutes=10)).allowed
    assert not sms_at(world, mobile, WORKDAY_MORNING + dt.timedelta(minutes=9)).allowed


# --- the command line -----------------------------------------------------------------------------


def test_the_operator_places_lists_and_releases_a_hold_from_the_command_line(world, capsys):
    # when the operator places a deceased hold until 2026-05-14
    assert main(["holds", "place", "L-1001", "deceased", "--reason", "死亡证明", "--until", "2026-05-14"]) == 0
    out = capsys.readouterr().out
    hold = AccountHold.objects.get()
    assert f"已设置暂停 #{hold.pk} 借款人身故" in out and f"Placed hold #{hold.pk} deceased" in out
    assert (hold.source, hold.placed_by, hold.until) == ("cli", None, SHANGHAI_MIDNIGHT_14TH)
    # then the list shows it in both languages, with its end in the lender's time
    assert main(["holds", "list", "L-1001"]) == 0
    listed = capsys.readouterr().out
    assert "生效中" in listed and "in force" in listed and "2026-05-14T00:00+08:00" in listed and "死亡证明" in listed
    # when it is released
    assert main(["holds", "release", str(hold.pk), "--reason", "信息有误"]) == 0
    assert "已解除暂停" in capsys.readouterr().out
    hold.refresh_from_db()
    assert hold.released_at == WORKDAY_MORNING and hold.release_reason == "信息有误"
    main(["holds", "list", "L-1001"])
    assert "ended" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "zh", "en"),
    [
        (["holds", "place", "NO-SUCH", "bankruptcy", "--reason", "x"], "找不到贷款", "no loan"),
        (["holds", "place", "L-1001", "holiday", "--reason", "x"], "未知的暂停类型", "unknown hold kind"),
        (["holds", "place", "L-1001", "bankruptcy"], "须说明原因", "needs a reason"),
        (["holds", "place", "L-1001", "bankruptcy", "--reason", "x", "--until", "2026-05-12"], "须晚于今天", "after today"),
        (["holds", "place", "L-1001", "bankruptcy", "--reason", "x", "--until", "14/05/2026"], "YYYY-MM-DD", "YYYY-MM-DD"),
        (["holds", "release", "abc", "--reason", "x"], "应为数字", "is a number"),
        (["holds", "release", "999999", "--reason", "x"], "找不到暂停", "no hold"),
        (["holds", "list", "NO-SUCH"], "找不到贷款", "no loan"),
    ],
)
def test_bad_input_on_the_command_line_exits_1_in_both_languages(world, capsys, arguments, zh, en):
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert zh in err and en in err and "Traceback" not in err
    assert not AccountHold.objects.exists()


def test_releasing_an_ended_hold_on_the_command_line_exits_1(world, capsys):
    hold = a_hold(world, until=WORKDAY_MORNING + dt.timedelta(hours=1))
    clock.set_now(WORKDAY_MORNING + dt.timedelta(hours=2))
    assert main(["holds", "release", str(hold.pk), "--reason", "x"]) == 1
    err = capsys.readouterr().err
    assert "此暂停已结束" in err and "already ended" in err


# --- the explanation ------------------------------------------------------------------------------


def test_the_explanation_tells_the_holds_in_force_in_both_languages(client, world, capsys):
    # given a deceased hold placed today, after the last cycle (2026-04-30)
    signed_in(client, world.users["lead1"])
    place_page(client, world, kind="deceased", reason="家属提供死亡证明", until="2026-06-01")
    # then `arrears explain` tells it, in both languages, and that contact is held while it is
    assert main(["explain", "L-1001"]) == 0
    out = capsys.readouterr().out
    assert "借款人身故：自 2026-05-12 10:00 起，至 2026-06-01 00:00 止；原因：家属提供死亡证明" in out
    assert "deceased: from 2026-05-12 10:00, until 2026-06-01 00:00; reason: 家属提供死亡证明" in out
    assert "暂停期间停止催收联系" in out and "contact is held while they are" in out
    # and the account page's explanation says the same
    page = client.get("/accounts/L-1001/").content.decode()
    assert "借款人身故：自 2026-05-12 10:00 起" in page and "暂停期间停止催收联系" in page
    # but the account as it stood on 2026-03-31 had no hold
    assert main(["explain", "L-1001", "--as-of", "2026-03-31", "--lang", "en"]) == 0
    assert "Hold" not in capsys.readouterr().out


def test_a_hold_ended_before_the_day_is_not_told_and_one_on_the_day_is(world, capsys):
    from arrears.strategy.explaining import holds_on

    day = dt.date(2026, 4, 30)
    a_hold(world, kind="complaint_review", since=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
           until=dt.datetime(2026, 4, 29, 16, 0, tzinfo=dt.UTC))  # ended at 00:00 on the 30th, Shanghai
    a_hold(world, kind="cease_contact", reason="本人要求", since=dt.datetime(2026, 4, 30, 3, 0, tzinfo=dt.UTC),
           until=dt.datetime(2026, 4, 30, 9, 0, tzinfo=dt.UTC))
    assert [h.kind for h in holds_on(loan_pk(world), day)] == ["cease_contact"]
    assert main(["explain", "L-1001", "--as-of", "2026-04-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Holds in force on 2026-04-30" in out
    assert "cease contact: from 2026-04-30 11:00, until 2026-04-30 17:00; reason: 本人要求." in out
    assert "complaint under review" not in out

