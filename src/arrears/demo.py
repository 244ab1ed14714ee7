"""The demo: a synthetic book imported through the feeds and aged night by night.

Loans are imported once, with the lender's scores of them; payments are replayed day by day,
each day's file imported before that night's cycle, as a lender's core system would deliver them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SCORES_FILE = "scores.parquet"
SCORES_STREAM = 5  # the scores draw from a random stream of their own: the book stays the same
DEMO_USER = "demo"
DEMO_PASSWORD = "arrears-demo-2026"


@dataclass(frozen=True)
class DemoPlan:
    loans: int
    days: int
    seed: int
    directory: Path
    last_day: dt.date

    @property
    def first_replayed_day(self) -> dt.date:
        return self.last_day - dt.timedelta(days=self.days - 1)

    @property
    def book_start(self) -> dt.date:
        """The generator's start: payments up to it are history, imported before the replay."""
        return self.first_replayed_day - dt.timedelta(days=1)


def generate(plan: DemoPlan) -> tuple[Path, Path, Path]:
    """The book's loans and payments files, and a scores file: each loan scored on the last day by
    the synthetic model (arrears.simulate.scores)."""
    from arrears.simulate import LOANS_FILE, PAYMENTS_FILE, BookOptions, BookWriter, iter_book
    from arrears.simulate.scores import model_scores

    book_dir = plan.directory / "book"
    rng = np.random.default_rng([plan.seed, SCORES_STREAM])
    scored = []
    with BookWriter(book_dir) as writer:
        for chunk in iter_book(BookOptions(loans=plan.loans, seed=plan.seed, start=plan.book_start, days=plan.days)):
            writer.write(chunk)
            scored.append(pa.table({
                "loan_id": chunk.loans.column("loan_id"),
                "score": pa.array(model_scores(rng, chunk.behaviour), pa.int64()),
                "scored_on": pa.array([plan.last_day] * chunk.loans.num_rows, pa.date32()),
            }))
    scores_file = book_dir / SCORES_FILE
    pq.write_table(pa.concat_tables(scored), scores_file)
    return book_dir / LOANS_FILE, book_dir / PAYMENTS_FILE, scores_file


def split_payments_by_day(payments_file: Path, plan: DemoPlan) -> tuple[Path, dict[dt.date, Path]]:
    """The payments known before the replay in one file, then one file per replayed day."""
    payments = pq.read_table(payments_file)
    days_dir = plan.directory / "payments"
    days_dir.mkdir(parents=True, exist_ok=True)
    value_dates = payments.column("value_date")
    history = payments.filter(pc.less_equal(value_dates, pa.scalar(plan.book_start, pa.date32())))
    history_file = days_dir / "history.parquet"
    pq.write_table(history, history_file)
    by_day = {}
    replayed = payments.filter(pc.greater(value_dates, pa.scalar(plan.book_start, pa.date32())))
    for day in sorted(set(replayed.column("value_date").to_pylist())):
        todays = replayed.filter(pc.equal(replayed.column("value_date"), pa.scalar(day, pa.date32())))
        path = days_dir / f"{day.isoformat()}.parquet"
        pq.write_table(todays, path)
        by_day[day] = path
    return history_file, by_day


def replay(plan: DemoPlan, payment_files: dict[dt.date, Path], on_day: Callable[[dt.date], None]) -> None:
    from arrears.cycle.service import run_cycle
    from arrears.feeds.payments import import_payments

    day = plan.first_replayed_day
    while day <= plan.last_day:
        if day in payment_files:
            import_payments(payment_files[day])
        run_cycle(day)
        on_day(day)
        day += dt.timedelta(days=1)


def ensure_demo_user() -> None:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()


DEMO_TEAM = "催收一组 Team 1"
# user name → (role, in the demo team as); all share the demo password
DEMO_STAFF = {
    "lead": ("team_lead", "lead"),
    "collector1": ("collector", "member"),
    "collector2": ("collector", "member"),
    "compliance": ("compliance_officer", None),
}


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """The demo administrator, a team lead with two collectors, a compliance officer; every open
    case goes to the team (one UPDATE). Returns (user name, password, role) to print."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from arrears.access.models import Team
    from arrears.access.sync import sync_roles
    from arrears.cases.models import CollectionCase

    ensure_demo_user()
    sync_roles()
    User = get_user_model()
    team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
    logins = [(DEMO_USER, DEMO_PASSWORD, "admin")]
    for name, (role, membership) in DEMO_STAFF.items():
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if membership == "lead":
            team.lead = user
            team.save()
        elif membership == "member":
            team.members.add(user)
        logins.append((name, DEMO_PASSWORD, role))
    CollectionCase.objects.filter(closed_on__isnull=True, team__isnull=True).update(team=team)
    return logins
