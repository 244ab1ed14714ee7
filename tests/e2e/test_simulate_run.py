"""`arrears simulate` from the command line, on a small book for a few days: the nights run, the people
work, and the report it prints and writes agrees with the product's own tables.

Runs on SQLite and PostgreSQL (DATABASE_URL), like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from arrears.cli import main
from arrears.compliance.profiles import load_profile
from arrears.ledger.recoveries import recovered_between
from arrears.nightly.models import NightlyRun
from arrears.simulate.params import load_params

pytestmark = pytest.mark.django_db(transaction=True)

LOANS = 120
DAYS = 4
LAST_DAY = dt.date(2026, 11, 27)  # a Friday: the four days are Tuesday to Friday


@pytest.fixture
def simulated(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "report.json"
    code = main([
        "simulate", "--days", str(DAYS), "--loans", str(LOANS), "--seed", "11",
        "--last-day", LAST_DAY.isoformat(), "--json", str(path),
    ])
    printed = capsys.readouterr().out
    return code, json.loads(path.read_text(encoding="utf-8")), printed


def test_a_small_simulation_runs_every_night_and_its_report_agrees_with_the_tables(simulated):
    code, report, printed = simulated
    # then it finishes cleanly and the re-judged contacts break no rule
    assert code == 0
    assert report["violations"] == 0 and report["violations_by_rule"] == {}
    assert report["days"] == DAYS and report["last_day"] == LAST_DAY.isoformat()
    first_day = dt.date.fromisoformat(report["first_day"])
    # each simulated day's night ran all its steps, after the first night on the evening before
    nights = NightlyRun.objects.filter(finished_at__isnull=False).values_list("as_of", flat=True)
    assert sorted(nights) == [first_day - dt.timedelta(days=1) + dt.timedelta(days=i) for i in range(DAYS + 1)]
    # people worked: collectors called, agencies called, messages went out through the outbox
    activity, contacts = report["activity"], report["contacts"]
    assert activity["calls"] > 0 and activity["agency_calls"] > 0 and activity["messages_sent"] > 0
    assert contacts["call"] == activity["calls"] + activity["agency_calls"]
    # every contact made or sent was judged again
    assert report["contacts_judged"] == sum(contacts.values())
    # the cost is the contacts at the documented price each
    prices = load_params().cost_fen
    for channel, count in contacts.items():
        assert report["cost_fen"][channel] == count * prices[channel], channel
    # recovered money is the ledger's one definition over the simulated days
    assert report["recovered_fen"] == recovered_between(first_day, LAST_DAY) > 0
    assert report["net_recovery_fen"] == report["recovered_fen"] - report["total_cost_fen"]
    # the guard's blocks are named by the rules of the profile in force
    assert set(report["blocked_by_rule"]) <= set(load_profile().rule_ids)
    # the cure rate is what its counts say
    assert report["cure_rate"] == pytest.approx(report["cured_by_end"] / report["delinquent_at_start"])
    # and the printed report says the same in both languages
    assert f"违规 {report['violations']}" in printed and "0 violations" in printed
    assert "Traceback" not in printed


def test_a_second_simulation_on_the_same_book_is_refused_in_both_languages(simulated, capsys):
    code, _, _ = simulated
    assert code == 0
    assert main(["simulate", "--days", "1", "--loans", "10"]) == 1
    err = capsys.readouterr().err
    assert "模拟需要一个空的数据库" in err and "needs an empty database" in err
    assert "Traceback" not in err


def test_bad_parameters_are_refused_in_both_languages_before_anything_is_written(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    params = tmp_path / "params.yaml"
    params.write_text("cost:\n  call: -1\n", encoding="utf-8")
    assert main(["simulate", "--days", "1", "--loans", "10", "--params", str(params)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "cost.call：不能为负" in err and "cost.call: cannot be negative" in err
    from arrears.ledger.models import Loan

    assert not Loan.objects.exists()
