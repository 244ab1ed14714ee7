"""/api/web/: the portfolio, roll rates and account search as JSON, under the pages' rules."""

from __future__ import annotations

import pytest

from tests.e2e.test_pages_scope import people, signed_in  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def by_bucket(body: dict) -> dict:
    return {line["bucket"]: line for line in body["buckets"]}


def test_the_portfolio_of_the_whole_book_for_a_strategy_manager(client, people):
    body = signed_in(client, people["manager"]).get("/api/web/portfolio").json()
    assert body["as_of"] == "2026-04-30"
    assert body["scope"] == {"whole_book": True}
    assert body["accounts"] == 6
    assert body["balance_fen"] == 3_050_000
    assert by_bucket(body)["M2"]["accounts"] == 2
    assert by_bucket(body)["M2"]["balance_share"] == {"accounts": 1_600_000, "of": 3_050_000, "per_mille": 525}
    assert {s["status"]: s["accounts"] for s in body["statuses"]}["delinquent"] == 4


def test_a_collectors_portfolio_counts_only_their_scope(client, people):
    body = signed_in(client, people["ca"]).get("/api/web/portfolio").json()
    assert body["scope"] == {"whole_book": False, "scope_teams": ["华东一组"]}
    assert body["accounts"] == 2
    assert body["balance_fen"] == 1_300_000
    assert by_bucket(body)["M0"]["accounts"] == 0


def test_roll_rates_as_json_within_scope(client, people):
    body = signed_in(client, people["ca"]).get("/api/web/roll-rates").json()
    assert (body["start"], body["end"]) == ("2026-03-31", "2026-04-30")
    rows = {row["bucket"]: row for row in body["rows"]}
    assert rows["M0"]["accounts"] == 1 and rows["M0"]["to"]["M1"]["per_mille"] == 1000
    assert rows["M1"]["accounts"] == 1 and rows["M1"]["forward"]["per_mille"] == 1000
    whole = signed_in(client, people["manager"]).get("/api/web/roll-rates?as_of=2026-04-30").json()
    assert {row["bucket"]: row["accounts"] for row in whole["rows"]}["M1"] == 4


@pytest.mark.parametrize("as_of", ["garbage", "2026-02-30", "9999-99-99"])
def test_a_bad_roll_rate_date_is_a_400_with_the_field_named(client, people, as_of):
    response = signed_in(client, people["manager"]).get("/api/web/roll-rates", {"as_of": as_of})
    assert response.status_code == 400
    errors = response.json()["errors"]["as_of"]
    assert errors[0]["zh"] and errors[0]["en"] and errors[0]["zh"] != errors[0]["en"]


def test_a_day_without_history_says_so(client, people):
    body = signed_in(client, people["manager"]).get("/api/web/roll-rates?as_of=2026-03-31").json()
    assert body["enough_history"] is False and body["rows"] == []


def test_search_finds_only_loans_one_may_open(client, people):
    found = signed_in(client, people["ca"]).get("/api/web/accounts", {"q": "L-1005"}).json()
    assert found["total"] == 0 and found["loans"] == []
    found = client.get("/api/web/accounts", {"q": "L-1001"}).json()
    assert [loan["external_id"] for loan in found["loans"]] == ["L-1001"]
    assert found["loans"][0]["national_id_masked"] == "110105********123X"
    assert found["loans"][0]["bucket"] == "M2"
    by_name = signed_in(client, people["manager"]).get("/api/web/accounts", {"q": "张伟", "by": "name"}).json()
    assert by_name["key"] == "name" and {loan["external_id"] for loan in by_name["loans"]} == {"L-1001", "L-1004"}


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x", "by": "phone"}, {"q": "x", "page": "0"},
                                    {"q": "x", "page": "two"}, {"q": "x" * 101}, {}])
def test_bad_search_input_is_a_4xx_never_a_500(client, people, params):
    response = signed_in(client, people["manager"]).get("/api/web/accounts", params)
    assert 400 <= response.status_code < 500
    assert "error" in response.json() or "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/web/portfolio", "/api/web/roll-rates", "/api/web/accounts?q=L-1001"])
def test_agency_users_get_403_and_strangers_401(client, people, path):
    assert client.get(path).status_code == 401
    assert signed_in(client, people["agency"]).get(path).status_code == 403
