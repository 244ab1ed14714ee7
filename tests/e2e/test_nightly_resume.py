"""`arrears nightly` run again, and killed with SIGKILL at random points and resumed, leaves the same
tables as one uninterrupted run: compared by `arrears nightly digest` (docs/nightly.md).

A small synthetic book is set up once in the test's database, through the product's own catalogue,
templates and organisation, and its loans and payments are written as each day's feed files. Then
the database is copied, and every run works on a copy of its own in `arrears` processes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from arrears.nightly.runner import HOLD_AFTER
from arrears.nightly.steps import STEP_NAMES
from tests.outbox_peers import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
EVE = dt.date(2026, 3, 1)  # the first night: the book's past arrives in its feeds
NIGHTS = 3
LAST = EVE + dt.timedelta(days=NIGHTS - 1)
LOANS = 60
HISTORY_DAYS = 150
SEED = int(os.environ.get("ARREARS_RESUME_SEED", "0")) or random.randrange(1, 10_000)

# A night resumed after a kill runs again, from its start, the step the kill interrupted; the work of a
# step that finished but was killed before its record said so is done twice. This runs every step of
# each night a second time straight after the night, as that window would.
RUN_EACH_STEP_TWICE = """
import datetime as dt, sys
from arrears.cli import setup_django
setup_django()
from arrears import clock
from arrears.nightly.runner import run_night
from arrears.nightly.steps import STEPS, NightOptions
from arrears.workday import night_instant
first, last, feeds = dt.date.fromisoformat(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), sys.argv[3]
options = NightOptions(feeds_dir=feeds)
day = first
while day <= last:
    run_night(day, options)
    with clock.set_to(night_instant(day)):
        for step in STEPS:
            step.run(day, options)
    day += dt.timedelta(days=1)
"""


def write_book(feeds: Path) -> None:
    """The book's loans and payments up to the first night in its folder, then each day's own."""
    from arrears.simulate import BookOptions, generate_book

    book = generate_book(BookOptions(loans=LOANS, seed=7, start=EVE - dt.timedelta(days=HISTORY_DAYS),
                                     days=HISTORY_DAYS + NIGHTS))
    day = EVE
    while day <= LAST:
        folder = feeds / day.isoformat()
        folder.mkdir(parents=True)
        compare = pc.less_equal if day == EVE else pc.equal
        loans = book.loans.filter(compare(book.loans.column("start_date"), day))
        payments = book.payments.filter(compare(book.payments.column("value_date"), day))
        if loans.num_rows:
            pq.write_table(loans, folder / "loans.parquet")
        if payments.num_rows:
            pq.write_table(payments, folder / "payments.parquet")
        day += dt.timedelta(days=1)


def set_up_lender(feeds: Path) -> None:
    from arrears import clock
    from arrears.ledger.catalogue import read_catalogue, save_catalogue
    from arrears.messaging.defaults import load_defaults
    from arrears.simulate.organisation import ensure_organisation
    from arrears.workday import night_instant

    with clock.set_to(night_instant(EVE) - dt.timedelta(hours=2)):
        save_catalogue(read_catalogue())
        load_defaults()
        ensure_organisation(collectors=2, password="a-long-test-password-1", since=EVE - dt.timedelta(days=HISTORY_DAYS))
    write_book(feeds)


class Copies:
    """Copies of the test's database, one per run, on SQLite or PostgreSQL; dropped at the end."""

    def __init__(self, tmp_path: Path) -> None:
        from django.db import connections

        self.source = database_url()
        self.tmp_path = tmp_path
        self.made: list[str] = []
        for connection in connections.all():
            connection.close()  # PostgreSQL copies a database only while nobody is connected to it

    def make(self, name: str) -> str:
        if self.source.startswith("sqlite"):
            path = self.tmp_path / f"{name}.sqlite3"
            with sqlite3.connect(self.source.removeprefix("sqlite:///")) as source, sqlite3.connect(path) as copy:
                source.backup(copy)
            return f"sqlite:///{path}"
        base, _, database = self.source.rpartition("/")
        copy = f"{database}_{name}"
        self._admin(f'DROP DATABASE IF EXISTS "{copy}"', f'CREATE DATABASE "{copy}" TEMPLATE "{database}"')
        self.made.append(copy)
        return f"{base}/{copy}"

    def drop(self) -> None:
        for copy in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

    def _admin(self, *statements: str) -> None:
        import psycopg

        base, _, _database = self.source.rpartition("/")
        with psycopg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)


def arrears(url: str, tmp_path: Path, *arguments: str, hold_after: str = "") -> subprocess.Popen:
    env = {name: value for name, value in os.environ.items() if name != HOLD_AFTER}
    env.update(DATABASE_URL=url, PYTHONPATH=str(ROOT / "src"), ARREARS_VAR=str(tmp_path / "var"))
    if hold_after:
        env[HOLD_AFTER] = hold_after
    return subprocess.Popen([sys.executable, *arguments], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(process: subprocess.Popen, timeout: float = 300) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"exit {process.returncode}\n{out}\n{err}"
    return out


def nights(url: str, tmp_path: Path, feeds: Path, *, hold_after: str = "") -> subprocess.Popen:
    return arrears(url, tmp_path, "-m", "arrears.cli", "nightly", "--from", EVE.isoformat(), "--to", LAST.isoformat(),
                   "--feeds", str(feeds), hold_after=hold_after)


def kill_when_held(process: subprocess.Popen) -> bool:
    """SIGKILL once the night says it is held (nightly/runner.py, HOLD_AFTER); False if it finished first."""
    for line in process.stderr:
        if line.startswith("held after"):
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            return True
    process.communicate(timeout=30)
    return False


def digest(url: str, tmp_path: Path) -> dict:
    return json.loads(finished(arrears(url, tmp_path, "-m", "arrears.cli", "nightly", "digest", "--json")))


def differing(first: dict, second: dict) -> dict:
    return {name: (first.get(name), second.get(name)) for name in sorted(first.keys() | second.keys())
            if first.get(name) != second.get(name)}


@pytest.fixture
def book(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    feeds = tmp_path / "feeds"
    set_up_lender(feeds)
    copies = Copies(tmp_path)
    try:
        yield copies, feeds
    finally:
        copies.drop()


def test_nights_run_again_and_resumed_after_kills_leave_the_same_tables(book, tmp_path):
    copies, feeds = book
    print(f"seed {SEED} (ARREARS_RESUME_SEED={SEED} repeats this run)")
    rng = random.Random(SEED)
    # given the nights run once, uninterrupted
    uninterrupted = copies.make("whole")
    began = time.monotonic()
    finished(nights(uninterrupted, tmp_path, feeds))
    whole_run = time.monotonic() - began
    began = time.monotonic()
    expected = digest(uninterrupted, tmp_path)
    starting = time.monotonic() - began  # a process that starts and reads: no kill before this does anything
    assert expected["ledger_loan"]["rows"] > 0 and expected["cycle_accountstate"]["rows"] > 0
    assert expected["nightly_nightlystep"]["rows"] == NIGHTS * 10
    assert expected["strategy_plannedaction"]["rows"] > 0 and expected["contact_contactattempt"]["rows"] > 0

    # when the same nights run again, then the tables are the same
    finished(nights(uninterrupted, tmp_path, feeds))
    assert differing(expected, digest(uninterrupted, tmp_path)) == {}, f"seed {SEED}"

    # when, in a fresh copy, every step of each night runs a second time straight after it
    twice = copies.make("twice")
    finished(arrears(twice, tmp_path, "-c", RUN_EACH_STEP_TWICE, EVE.isoformat(), LAST.isoformat(), str(feeds)))
    # then the tables are the same as after one run
    assert differing(expected, digest(twice, tmp_path)) == {}, f"seed {SEED}"

    # when, in another fresh copy, the nights are killed once straight after a chosen step's work (before
    # its record says done), then twice at random points, and resumed until they finish
    resumed = copies.make("killed")
    held_after = rng.choice(STEP_NAMES)
    kills = [held_after] if kill_when_held(nights(resumed, tmp_path, feeds, hold_after=held_after)) else []
    for _ in range(2):
        process = nights(resumed, tmp_path, feeds)
        delay = rng.uniform(0.8 * starting, max(whole_run, starting))
        try:
            process.wait(delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            kills.append(f"{delay:.2f} s")
        else:
            assert process.returncode == 0, process.communicate()
    finished(nights(resumed, tmp_path, feeds))
    # then the tables are the same as after the uninterrupted run
    assert held_after in kills, f"seed {SEED}: the night never got to {held_after}"
    assert differing(expected, digest(resumed, tmp_path)) == {}, f"seed {SEED}, killed after {kills}"


def test_the_digest_command_prints_each_product_table_as_text_and_as_json(capsys):
    from arrears.cli import main

    # when the digest of an empty book is printed, as text and as JSON
    assert main(["nightly", "digest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert main(["nightly", "digest", "--json"]) == 0
    tables = json.loads(capsys.readouterr().out)
    # then each product table has its line, rows and SHA-256, and no Django table is among them
    by_name = {line.split()[0]: line.split()[1:] for line in lines}
    assert by_name.keys() == tables.keys() and "ledger_loan" in tables and "django_session" not in tables
    assert by_name["ledger_loan"] == ["0", tables["ledger_loan"]["sha256"]] and len(tables["ledger_loan"]["sha256"]) == 64
