"""The web pages, through Django's test client, on the small book in conftest.py."""

from __future__ import annotations

import ast
import re
import sys
import types
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

import arrears.web

pytestmark = pytest.mark.django_db

PAGES = ["/", "/roll-rates/", "/accounts/?q=L-1001", "/accounts/L-1001/"]


@pytest.fixture
def staff(django_user_model, settings):
    """A strategy manager: sees every page and account, read-only, contact details masked."""
    from django.contrib.auth.models import Group

    from arrears.access.sync import sync_roles

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    sync_roles()
    user = django_user_model.objects.create_user(username="collector1", password="a-long-test-password-1")
    user.groups.add(Group.objects.get(name="strategy_manager"))
    return user


# --- reading the HTML -----------------------------------------------------------------------


class _Tables(HTMLParser):
    """Rows of every table with an id, each row a list of its cells' texts; rows keep their data-* key."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[str | None, list[str]]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._key: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
            self._key = next((value for name, value in attrs.items() if name.startswith("data-")), None)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append((self._key, self._row))
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[tuple[str | None, list[str]]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def row(response, table_id: str, key: str) -> list[str]:
    """The cells of the row whose data-* attribute or first cell is `key`."""
    for row_key, cells in tables(response)[table_id]:
        if row_key == key or (cells and cells[0] == key):
            return cells
    raise AssertionError(f"no row {key!r} in table {table_id!r}")


def text(response) -> str:
    return response.content.decode()


# --- signing in -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, book, path):
    # when
    response = client.get(path)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_staff_sign_in_and_land_on_the_portfolio(client, staff):
    # given
    assert client.get("/login/").status_code == 200
    # when
    response = client.post("/login/", {"username": "collector1", "password": "a-long-test-password-1"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_shows_the_form_again_with_an_error(client, staff):
    response = client.post("/login/", {"username": "collector1", "password": "wrong-password-000"})
    assert response.status_code == 200
    assert 'role="alert"' in text(response)


def test_repeated_wrong_passwords_lock_the_sign_in(client, staff):
    # given as many failures as allowed
    for _ in range(5):
        client.post("/login/", {"username": "collector1", "password": "wrong-password-000"})
    # when the right password comes next
    response = client.post("/login/", {"username": "collector1", "password": "a-long-test-password-1"})
    # then the sign-in stays locked, without an error page
    assert response.status_code in (403, 429)
    assert client.get("/").status_code == 302


def test_log_out_ends_the_session(staff_client):
    response = staff_client.post("/logout/")
    assert response.status_code == 302
    assert staff_client.get("/").status_code == 302


# --- portfolio ------------------------------------------------------------------------------


def test_portfolio_shows_accounts_and_amounts_by_bucket(staff_client, book):
    # when
    response = staff_client.get("/")
    # then
    assert response.status_code == 200
    assert "2026-04-30" in text(response)
    assert row(response, "bucket-table", "M0") == ["M0", "2", "33.3%", "¥7,500.00", "24.6%", "¥0.00"]
    assert row(response, "bucket-table", "M1") == ["M1", "2", "33.3%", "¥7,000.00", "23.0%", "¥1,300.00"]
    assert row(response, "bucket-table", "M2") == ["M2", "2", "33.3%", "¥16,000.00", "52.5%", "¥3,500.00"]
    assert row(response, "bucket-table", "M7+")[1] == "0"
    assert row(response, "bucket-table", "合计") == ["合计", "6", "100.0%", "¥30,500.00", "100.0%", "¥4,800.00"]


def test_portfolio_offers_a_tour_of_the_book(staff_client, book):
    # when the portfolio is opened, in Chinese and then in English
    chinese = text(staff_client.get("/"))
    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = text(staff_client.get("/"))
    # then it links to the tour, in the reader's language
    assert '<a href="/tour/">账户导览：每种状态一个账户 →</a>' in chinese
    assert '<a href="/tour/">A tour of the book: one account in each state →</a>' in english


def test_portfolio_counts_accounts_by_status(staff_client, book):
    response = staff_client.get("/")
    assert row(response, "status-table", "current")[1:] == ["1", "16.7%"]
    assert row(response, "status-table", "delinquent") == ["逾期", "4", "66.7%"]
    assert row(response, "status-table", "cured")[1] == "1"
    assert row(response, "status-table", "charged_off")[1] == "0"


def test_portfolio_reads_the_book_in_a_fixed_number_of_queries(staff_client, book, django_assert_max_num_queries):
    # session, user, the user's permissions (user's own, groups'), newest run (the cache key),
    # latest run by date, the currencies the book holds (on the loans' currency index), one grouped
    # query over the states
    with django_assert_max_num_queries(8):
        assert staff_client.get("/").status_code == 200


def test_portfolio_is_kept_per_cycle_run_and_refreshed_by_the_next_run(staff_client, book):
    # given the portfolio was read for the latest run
    from django.utils import timezone

    from arrears.cycle.models import AccountState, CycleRun

    assert row(staff_client.get("/"), "bucket-table", "M7+")[1] == "0"
    # when the next run moves an account to M7+
    AccountState.objects.filter(loan=book.loans["L-1006"]).update(bucket="M7+", as_of="2026-05-01")
    now = timezone.now()
    CycleRun.objects.create(as_of="2026-05-01", engine="duckdb", accounts=6, started_at=now, finished_at=now)
    # then the page shows the new run
    response = staff_client.get("/")
    assert row(response, "bucket-table", "M7+")[:2] == ["M7+", "1"]
    assert "2026-05-01" in text(response)


def test_portfolio_before_any_cycle_run_says_so(staff_client):
    response = staff_client.get("/")
    assert response.status_code == 200
    assert "尚未运行批处理" in text(response)


# --- roll rates -----------------------------------------------------------------------------


def test_roll_rates_show_the_transition_matrix_and_the_chart(staff_client, book):
    # when
    response = staff_client.get("/roll-rates/")
    # then
    assert response.status_code == 200
    body = text(response)
    assert "2026-03-31" in body and "2026-04-30" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="roll-rate-chart"' in body
    # from, accounts, roll forward, stay, improve, cure
    assert row(response, "roll-summary", "M0") == ["M0", "2", "50.0%", "50.0%", "0.0%", "—"]
    assert row(response, "roll-summary", "M1") == ["M1", "4", "50.0%", "25.0%", "0.0%", "25.0%"]
    matrix_m1 = row(response, "roll-matrix", "M1")
    assert matrix_m1[:4] == ["M1", "25.0%", "25.0%", "50.0%"]
    assert matrix_m1[-1] == "4"
    assert row(response, "roll-matrix", "M3")[1] == "—"


def test_roll_rates_for_a_day_without_history_say_there_is_not_enough(staff_client, book):
    response = staff_client.get("/roll-rates/?as_of=2026-03-31")
    assert response.status_code == 200
    assert 'id="not-enough-history"' in text(response)
    assert "历史数据尚不足" in text(response)


def _history_starts_on(day):
    """Move the book's earlier day of history (and its cycle run) to `day`."""
    import datetime as dt

    from arrears.cycle.models import AccountStateHistory, CycleRun

    start = dt.date(2026, 3, 31)
    AccountStateHistory.objects.filter(as_of=start).update(as_of=day)
    CycleRun.objects.filter(as_of=start).update(as_of=day)


def test_roll_rates_of_a_book_younger_than_the_window_span_its_history_and_say_so(english_client, book):
    import datetime as dt

    # given a book whose history starts 18 days before the latest cycle
    _history_starts_on(dt.date(2026, 4, 12))
    # when
    response = english_client.get("/roll-rates/")
    # then the rates span those 18 days, and the page says they are not a monthly roll rate
    body = text(response)
    assert 'id="short-window"' in body and "only 18 days of history" in body
    assert "2026-04-12" in body and "2026-04-30" in body
    assert row(response, "roll-summary", "M1") == ["M1", "4", "50.0%", "25.0%", "0.0%", "25.0%"]
    # and the API gives the same span
    api = english_client.get("/api/web/roll-rates").json()
    assert (api["start"], api["days"], api["enough_history"]) == ("2026-04-12", 18, True)


def test_roll_rates_of_a_book_with_under_a_week_of_history_say_there_is_not_enough(staff_client, book):
    import datetime as dt

    _history_starts_on(dt.date(2026, 4, 25))
    response = staff_client.get("/roll-rates/")
    assert 'id="not-enough-history"' in text(response) and 'id="short-window"' not in text(response)


def test_roll_rates_not_enough_history_in_english(english_client, book):
    response = english_client.get("/roll-rates/?as_of=2025-01-01")
    assert response.status_code == 200
    assert "Not enough history yet." in text(response)


@pytest.mark.parametrize("as_of", ["garbage", "2026-02-30", "", "9999-99-99", "2026-04-30'--"])
def test_roll_rates_with_a_bad_date_fall_back_to_the_latest_cycle(staff_client, book, as_of):
    response = staff_client.get("/roll-rates/", {"as_of": as_of})
    assert response.status_code == 200
    assert row(response, "roll-summary", "M1")[1] == "4"


def test_roll_rates_before_any_cycle_run_say_so(staff_client):
    response = staff_client.get("/roll-rates/")
    assert response.status_code == 200
    assert "尚未运行批处理" in text(response)


# --- search ---------------------------------------------------------------------------------


def found_loans(response) -> list[str]:
    return [cells[0] for _key, cells in tables(response).get("search-results", [])[1:]]


@pytest.mark.parametrize(
    ("query", "by", "expected"),
    [
        ("L-1001", "", ["L-1001"]),
        ("L-1003", "loan", ["L-1003"]),
        ("B-0001", "", ["L-1001", "L-1004"]),
        ("B-0002", "borrower", ["L-1002", "L-1006"]),
        ("张伟", "", ["L-1001", "L-1004"]),
        ("王芳", "name", ["L-1003", "L-1005"]),
        ("123X", "", ["L-1001", "L-1004"]),
        ("123x", "id_last4", ["L-1001", "L-1004"]),
        ("5678", "", ["L-1002", "L-1006"]),
        ("nobody", "", []),
    ],
)
def test_search_finds_loans_by_each_key(staff_client, book, query, by, expected):
    # when
    response = staff_client.get("/accounts/", {"q": query, "by": by})
    # then
    assert response.status_code == 200
    assert found_loans(response) == expected


def test_a_search_that_finds_nothing_says_so(staff_client, book):
    # when nobody matches
    response = staff_client.get("/accounts/", {"q": "nobody"})
    page = response.content.decode()
    # then the page says so, in the reader's language, instead of showing nothing
    assert response.status_code == 200 and 'id="no-match"' in page and "没有匹配的账户" in page
    english = staff_client.get("/accounts/", {"q": "nobody"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No accounts match" in english
    # and a page with no search asks for one and says nothing of matches
    assert 'id="no-match"' not in staff_client.get("/accounts/").content.decode()


def test_search_results_show_the_masked_national_id_and_state(staff_client, book):
    response = staff_client.get("/accounts/", {"q": "B-0001"})
    cells = row(response, "search-results", "L-1001")
    assert cells == ["L-1001", "张伟", "B-0001", "110105********123X", "现金贷12期", "M2", "45", "逾期", "¥10,000.00"]


def test_search_pages_through_many_results(staff_client, book):
    # given 30 more loans for one borrower
    from arrears.ledger.models import Loan

    borrower, product = book.borrowers["B-0003"], book.product
    Loan.objects.bulk_create(
        Loan(
            external_id=f"L-2{n:03d}",
            borrower=borrower,
            product=product,
            principal=1,
            term_months=1,
            start_date=book.loans["L-1001"].start_date,
        )
        for n in range(30)
    )
    # when
    first = staff_client.get("/accounts/", {"q": "B-0003"})
    second = staff_client.get("/accounts/", {"q": "B-0003", "page": "2"})
    # then
    assert len(found_loans(first)) == 25
    assert len(found_loans(second)) == 7
    assert "第 2 页，共 2 页" in text(second)
    assert "page=2" in text(first)


def test_search_with_too_many_matches_lists_the_first_ones_and_says_so(staff_client, book, monkeypatch):
    # given a limit lower than the number of matches
    from arrears.web import queries

    monkeypatch.setattr(queries, "SEARCH_LIMIT", 1)
    # when
    response = staff_client.get("/accounts/", {"q": "张伟"})
    # then
    assert found_loans(response) == ["L-1001"]
    assert "匹配的账户过多" in text(response)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999", "1.5", "", "２"])
def test_search_with_a_bad_page_number_still_answers(staff_client, book, page):
    response = staff_client.get("/accounts/", {"q": "B-0001", "page": page})
    assert response.status_code == 200
    assert found_loans(response) == ["L-1001", "L-1004"]


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 101}, {"q": "L-1001", "by": "bogus"}, {"q": "%_\\'\""}, {"by": "name"}, {"q": "L-1001\x00"}],
)
def test_search_with_bad_input_still_answers(staff_client, book, params):
    response = staff_client.get("/accounts/", params)
    assert response.status_code == 200


# --- one account ----------------------------------------------------------------------------


def test_account_page_shows_borrower_loan_schedule_payments_state_history_and_events(staff_client, book):
    # when
    response = staff_client.get("/accounts/L-1001/")
    # then
    assert response.status_code == 200
    body = text(response)
    borrower = ("张伟", "B-0001", "110105********123X", "Asia/Shanghai")
    loan_terms = ("现金贷12期", "CASH12", "等额本息", "¥12,000.00", "18.00%", "¥50.00")
    for expected in borrower + loan_terms:
        assert expected in body
    schedule = tables(response)["schedule-table"]
    assert len(schedule) == 1 + 12 + 1
    assert schedule[1][1] == ["1", "2026-02-10", "¥1,000.00", "¥180.00", "¥1,180.00"]
    assert schedule[-1][1] == ["合计", "¥12,000.00", "¥2,160.00", "¥14,160.00"]
    payments = {cells[1].split()[0]: cells for _key, cells in tables(response)["payment-table"][1:]}
    assert set(payments) == {"P-1001-1", "P-1001-2", "P-1001-2R"}
    assert "已冲正" in payments["P-1001-2"][1]
    assert "冲正 P-1001-2" in payments["P-1001-2R"][1]
    assert payments["P-1001-2R"][3] == "-¥1,180.00"
    history = tables(response)["state-history"]  # as periods: M2 on 04-30, M1 on 03-31
    assert [cells[0] for _key, cells in history[1:]] == ["2026-04-30", "2026-03-31"]
    assert history[1][1][1:3] == ["45", "M2"]
    events = tables(response)["case-events"]
    assert events[1][1] == ["2026-03-17", "入催", "1", "M1"]
    assert "¥2,000.00" in body  # overdue principal in the current state


def test_state_history_folds_days_into_periods_and_shows_every_day_on_request(staff_client, book):
    import datetime as dt

    from arrears.cycle.models import AccountStateHistory

    # given 29 more days in M2 before 04-30 (04-01 … 04-29), dpd climbing
    kept = AccountStateHistory.objects.get(loan=book.loans["L-1001"], as_of="2026-04-30")
    for day in range(1, 30):
        kept.pk = None
        kept.as_of = dt.date(2026, 4, day)
        kept.days_past_due = 15 + day
        kept.save()
    # when
    periods = tables(staff_client.get("/accounts/L-1001/"))["state-history"][1:]
    daily = tables(staff_client.get("/accounts/L-1001/?history=daily"))["state-history"][1:]
    # then: one row for the 30 days in M2, one for M1 on 03-31
    assert [cells[:3] for _key, cells in periods] == [["2026-04-01 – 2026-04-30", "16–45", "M2"],
                                                       ["2026-03-31", "15", "M1"]]
    assert len(daily) == 31 and daily[0][1][0] == "2026-04-30" and daily[-1][1][0] == "2026-03-31"


def test_account_page_masks_contact_points(staff_client, book):
    response = staff_client.get("/accounts/L-1001/")
    body = text(response)
    assert "13812345678" not in body and "13987654321" not in body and "zhangwei@example.com" not in body
    contacts = tables(response)["contact-table"][1:]
    values = [cells[1] for _key, cells in contacts]
    assert sorted(values) == ["138****5678", "139****4321", "zh******@example.com"]
    parent = next(cells for _key, cells in contacts if cells[1] == "139****4321")
    assert parent[2:] == ["第三方", "父母", "张母", "否", "否", "请勿联系", "是", "否"]


def test_account_page_says_when_allocations_are_not_available(staff_client, book, monkeypatch):
    # given the statement module cannot be imported
    monkeypatch.setitem(sys.modules, "arrears.cycle.statement", None)
    # when
    response = staff_client.get("/accounts/L-1001/")
    # then
    assert response.status_code == 200
    assert 'id="allocations-unavailable"' in text(response)
    assert "冲账明细暂不可用" in text(response)


def test_allocations_not_available_in_english(english_client, book, monkeypatch):
    monkeypatch.setitem(sys.modules, "arrears.cycle.statement", None)
    response = english_client.get("/accounts/L-1001/")
    assert "Allocations are not available yet" in text(response)


@dataclass(frozen=True)
class _Line:
    payment_id: int
    penalty: int
    fee: int
    interest: int
    principal: int
    credit: int


def test_account_page_shows_each_payments_allocation_from_the_statement(staff_client, book, monkeypatch):
    # given a statement that splits the first payment over two lines
    first = book.payments["P-1001-1"]
    calls = []

    def account_statement(loan_id, as_of):
        calls.append((loan_id, as_of))
        lines = [_Line(first.pk, 0, 0, 17_777, 0, 0), _Line(first.pk, 0, 0, 223, 100_000, 0)]
        return types.SimpleNamespace(allocations=lines, state=None)

    fake = types.ModuleType("arrears.cycle.statement")
    fake.account_statement = account_statement
    monkeypatch.setitem(sys.modules, "arrears.cycle.statement", fake)
    # when
    response = staff_client.get("/accounts/L-1001/")
    # then
    assert calls == [(book.loans["L-1001"].pk, book.loans["L-1001"].state.as_of)]
    payments = {cells[1].split()[0]: cells for _key, cells in tables(response)["payment-table"][1:]}
    assert payments["P-1001-1"][3:] == ["¥1,180.00", "¥0.00", "¥0.00", "¥180.00", "¥1,000.00", "¥0.00"]
    assert payments["P-1001-2"][4] == "未冲账"
    assert 'id="allocations-unavailable"' not in text(response)


def test_account_page_with_the_real_statement(staff_client, book):
    """A payment of exactly the first instalment on its due date pays its interest and principal."""
    pytest.importorskip("arrears.cycle.statement")
    response = staff_client.get("/accounts/L-1002/")
    assert response.status_code == 200
    assert 'id="allocations-unavailable"' not in text(response)
    payments = {cells[1].split()[0]: cells for _key, cells in tables(response)["payment-table"][1:]}
    assert payments["P-1002-1"][3:] == ["¥1,180.00", "¥0.00", "¥0.00", "¥180.00", "¥1,000.00", "¥0.00"]


def test_a_loan_id_with_a_slash_links_to_its_account_page(staff_client, book):
    # given
    from arrears.ledger.models import Loan

    Loan.objects.filter(pk=book.loans["L-1003"].pk).update(external_id="L/1003 A")
    # when
    found = staff_client.get("/accounts/", {"q": "L/1003 A"})
    # then
    assert 'href="/accounts/L/1003%20A/"' in text(found)
    assert staff_client.get("/accounts/L/1003%20A/").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/accounts/NO-SUCH-LOAN/", "/accounts/%E4%B8%8D%E5%AD%98%E5%9C%A8/", "/accounts/L-1001%00/", "/no/such/page/"],
)
def test_an_unknown_loan_or_page_is_a_404_page_in_chinese(staff_client, book, path):
    response = staff_client.get(path)
    assert response.status_code == 404
    assert "未找到" in text(response)


def test_an_unknown_loan_is_a_404_page_in_english(english_client, book):
    response = english_client.get("/accounts/NO-SUCH-LOAN/")
    assert response.status_code == 404
    assert "Not found" in text(response)
    assert "未找到" not in text(response)


# --- languages ------------------------------------------------------------------------------


def test_chinese_is_the_default_language(staff_client, book):
    response = staff_client.get("/")
    assert '<html lang="zh-Hans">' in text(response)
    assert "资产概览" in text(response)
    assert "按账龄分布" in text(response)


def test_the_language_switch_changes_the_page_to_english_and_back(english_client, book):
    # when English was chosen
    response = english_client.get("/")
    # then
    assert '<html lang="en">' in text(response)
    assert "Accounts by bucket" in text(response)
    assert "按账龄分布" not in text(response)
    assert row(response, "status-table", "delinquent")[0] == "delinquent"
    # when Chinese is chosen again
    english_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "按账龄分布" in text(english_client.get("/"))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_english(english_client, book, path):
    response = english_client.get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in text(response)


def test_every_template_string_has_a_chinese_translation():
    # given every string marked for translation in the web templates
    templates = Path(arrears.web.__file__).parent / "templates"
    msgids = set()
    for template in templates.rglob("*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        msgids.update(ast.literal_eval(literal) for literal in re.findall(r"\bn?gettext\((u?'(?:[^'\\]|\\.)*')", code))
    assert len(msgids) > 100
    # then each has a Chinese translation in the compiled catalogue
    with translation.override("zh-hans"):
        untranslated = sorted(msgid for msgid in msgids if translation.gettext(msgid) == msgid)
    assert untranslated == []


def test_the_demo_tour_says_which_states_the_book_lacks(book, django_user_model):
    from arrears.cycle.models import AccountState
    from arrears.demo import tour_lines

    # given an admin, and a book with no account charged off
    django_user_model.objects.create_superuser(username="admin", password="a-long-test-password-1")
    marker = "（本账簿中没有 / none in this book）"

    def charged_off_line() -> str:
        return next(line for line in tour_lines("http://demo") if "/tour/charged-off/" in line)

    # then the demo's tour says so on that stop's line
    assert charged_off_line().endswith(marker)
    # when an account is charged off, then its stop has an account to show
    AccountState.objects.filter(pk=AccountState.objects.order_by("pk").first().pk).update(status="charged_off")
    assert not charged_off_line().endswith(marker)
