"""`arrears simulate`: a synthetic lender lives through its days, every night run by `arrears nightly`.

    outcome = simulate(SimulationOptions(loans=3_000, days=45, seed=7, directory=Path("var/simulate")))

Setting up: the book is generated with some months of history; the loans that started before the
first day and the payments made before it are imported through the feeds, the shipped message
templates are approved, the organisation is set up, and the night before the first day is run.
Then each day: people work (simulate/daytime.py), messages go out through the outbox to local SMPP,
SMTP and HTTP peers and borrowers answer them (simulate/messages.py), the day's payments (and the
loans that started that day) are written as that day's feed files, and the night runs on them.
The simulator writes only through the product's own feeds and services.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from arrears import clock
from arrears.errors import InputError
from arrears.workday import night_instant
from arrears.simulate.params import Params, load_params

HISTORY_DAYS = 150  # the book's days before the first simulated day: accounts enter at every stage
RESPONSE_STREAM = 11  # the borrowers' answers draw from a stream of their own: the book stays the same
SCORES_STREAM = 5


@dataclass(frozen=True, kw_only=True)
class SimulationOptions:
    loans: int
    days: int
    seed: int
    directory: Path
    last_day: dt.date
    params_path: Path | None = None
    history_days: int = HISTORY_DAYS
    profile: str = "cn"
    """The book's borrowers (simulate.book.BookOptions.profile); the lender must run under the same profile."""

    def __post_init__(self) -> None:
        if self.loans < 1 or self.days < 1:
            raise InputError("贷款笔数和天数必须为正数", "--loans and --days must be positive")

    @property
    def first_day(self) -> dt.date:
        return self.last_day - dt.timedelta(days=self.days - 1)

    @property
    def book_start(self) -> dt.date:
        return self.first_day - dt.timedelta(days=self.history_days)

    @property
    def feeds_dir(self) -> Path:
        return self.directory / "feeds"


@dataclass
class Setup:
    loans: pa.Table
    natural: pa.Table  # the book's own payments from the first day on, of borrowers who pay by themselves
    later_loans: pa.Table  # loans that start during the simulation, fed on their start day
    behaviour: np.ndarray


def _by_day(table: pa.Table, column: str) -> dict[dt.date, pa.Table]:
    days = table.column(column)
    return {day: table.filter(pc.equal(days, pa.scalar(day, pa.date32()))) for day in pc.unique(days).to_pylist()}


def prepare(options: SimulationOptions, say: Callable[[str], None]) -> Setup:
    """Generate the book, import its past through the feeds, and put the shipped templates in force."""
    from arrears.feeds.loans import import_loans
    from arrears.feeds.payments import import_payments
    from arrears.ledger.catalogue import read_catalogue, save_catalogue, shipped_catalogue
    from arrears.messaging.defaults import load_defaults
    from arrears.simulate import BookOptions, iter_book
    from arrears.simulate.world import natural_payments

    save_catalogue(read_catalogue(shipped_catalogue(options.profile)))  # a US book's products are in dollars
    say(f"生成 {options.loans} 笔贷款 / generating {options.loans} loans …")
    chunks = list(iter_book(BookOptions(loans=options.loans, seed=options.seed, start=options.book_start,
                                         days=options.history_days + options.days, profile=options.profile)))
    loans = pa.concat_tables([c.loans for c in chunks])
    payments = pa.concat_tables([c.payments for c in chunks])
    behaviour = np.concatenate([c.behaviour for c in chunks])
    first = pa.scalar(options.first_day, pa.date32())
    past = options.directory / "past"
    past.mkdir(parents=True, exist_ok=True)
    started = pc.less(loans.column("start_date"), first)
    pq.write_table(loans.filter(started), past / "loans.parquet")
    pq.write_table(payments.filter(pc.less(payments.column("value_date"), first)), past / "payments.parquet")
    say(import_loans(past / "loans.parquet").summary())
    say(import_payments(past / "payments.parquet").summary())
    say(load_defaults().summary())
    _scores_for_the_eve(options, loans.filter(started), behaviour[np.asarray(started.to_numpy(zero_copy_only=False))])
    return Setup(loans=loans, natural=natural_payments(payments, loans, behaviour, options.first_day),
                 later_loans=loans.filter(pc.invert(started)), behaviour=behaviour)


def _scores_for_the_eve(options: SimulationOptions, loans: pa.Table, behaviour: np.ndarray) -> None:
    """The lender's own propensity-to-pay scores of the book, as of the night before the first day, in
    that night's feed folder (arrears.simulate.scores: a synthetic model that knows behaviour only roughly)."""
    from arrears.simulate.scores import model_scores

    eve = options.first_day - dt.timedelta(days=1)
    folder = options.feeds_dir / eve.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([options.seed, SCORES_STREAM])
    pq.write_table(pa.table({
        "loan_id": loans.column("loan_id"),
        "score": pa.array(model_scores(rng, behaviour), pa.int64()),
        "scored_on": pa.array([eve] * loans.num_rows, pa.date32()),
    }), folder / "scores.parquet")


def _write_day_feeds(options: SimulationOptions, day: dt.date, payments: pa.Table, loans: pa.Table | None) -> None:
    folder = options.feeds_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    if loans is not None and loans.num_rows:
        pq.write_table(loans, folder / "loans.parquet")
    if payments.num_rows:
        pq.write_table(payments, folder / "payments.parquet")


@dataclass
class SimulationOutcome:
    report: object
    logins: list[tuple[str, str]]
    password: str


def simulate(options: SimulationOptions, *, password: str, say: Callable[[str], None] = print,
             params: Params | None = None, after_night: Callable[[dt.date], None] | None = None) -> SimulationOutcome:
    """`after_night(day)`, when given, runs after each day's night (what the lender does then: train a
    model, put a new strategy version in force)."""
    from arrears.nightly.runner import run_night
    from arrears.nightly.steps import NightOptions
    from arrears.simulate import daytime
    from arrears.simulate.messages import MessageDesk
    from arrears.simulate.organisation import ensure_organisation
    from arrears.simulate.report import simulation_report
    from arrears.simulate.world import Borrowers

    began = time.perf_counter()
    params = params or load_params(options.params_path)
    eve = options.first_day - dt.timedelta(days=1)
    with clock.set_to(night_instant(eve) - dt.timedelta(hours=2)):  # the past arrives the evening before
        setup = prepare(options, say)
        organisation = ensure_organisation(collectors=params.collectors, password=password,
                                           since=options.book_start)
    rng = np.random.default_rng([options.seed, RESPONSE_STREAM])
    world = daytime.World(organisation=organisation, borrowers=Borrowers.from_book(setup.loans, setup.behaviour, rng),
                          params=params, tally=Counter(), dispute_releases={},
                          letters_dir=options.directory / "print")
    natural = _by_day(setup.natural, "value_date")
    later_loans = _by_day(setup.later_loans, "start_date")
    night = NightOptions(feeds_dir=options.feeds_dir)
    say(f"{eve} 首夜 / first night …")
    run_night(eve, night)
    with MessageDesk(world) as desk:
        for number, day in enumerate(_days(options.first_day, options.last_day), start=1):
            day_began = time.perf_counter()
            daytime.work_the_day(day, world, desk)
            _write_day_feeds(options, day, world.borrowers.payments_file_rows(day, natural.get(day)), later_loans.get(day))
            night_began = time.perf_counter()
            run_night(day, night)
            world.seconds["night"] += time.perf_counter() - night_began
            if after_night is not None:
                after_night(day)
            say(f"[{number}/{options.days}] {day} 完成 / done ({time.perf_counter() - day_began:.1f} s; "
                f"calls {world.tally['calls']}, agency calls {world.tally['agency_calls']}, visits {world.tally['visits']}, "
                f"messages {world.tally['messages_sent']})")
    say("用时 / seconds: " + ", ".join(f"{kind} {seconds:.0f}" for kind, seconds in sorted(world.seconds.items())))
    report = simulation_report(options.first_day, options.last_day, params, activity=dict(world.tally),
                               seconds=time.perf_counter() - began)
    return SimulationOutcome(report=report, logins=organisation.logins(), password=password)


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
