"""The workbench under load: p50 and p95 of the pages a collector uses, with 50 concurrent users.

    python -m bench --only workbench                 # against the 1,000,000-account ledger
    python -m bench --only workbench --scale small   # against 10,000 accounts

What it does, each step in a process of its own:
1. takes the kept SQLite ledger of the book (bench.runner.sqlite_ledger: imported once, reused);
2. prepares a copy of it once and keeps it under the cache (`workbench/<book>`): the nightly cycle
   and the strategy plan as of the book's horizon end, the work queue filled from them, five teams
   sharing the cases, and 50 collectors, each the assignee of their own in-queue cases;
3. for every run, copies the prepared database (so each run starts from the same state), starts
   `arrears serve` (gunicorn) on a free local port, and runs Locust (as a library, headless, in
   its own process) with 50 users: each signs in, then loops — its queue (`/workbench/`), the
   account page of one of its cases (`/accounts/<loan>/`), and records a contact on it
   (`POST /workbench/loans/<id>/contact/`, "call, debtor, no answer"). One collector works alone
   for 30 s first, without pauses: the cost of a request on an idle server.
4. two runs of the 50 users:
   - **judged:** at a working pace, a pause of 3–9 s before each request (reading the queue, the
     account, typing the outcome). That is an account every ~18 s per collector, several times
     faster than a real call, and about 8 requests/s from the 50;
   - **stress, shown not judged:** the three requests back to back and 0.5–1.5 s between accounts,
     ~40 accounts a minute per collector, which no person does; it shows how many requests per
     second the server sustains before requests queue.
Statistics are reset once every user has signed in and the warm-up has passed, so sign-ins and
the first requests of cold workers are left out. Locust keeps response times in buckets (to the
10 ms above 100 ms, to the 100 ms above 1 s), so its percentiles are rounded the same way.
The budget (ARCHITECTURE.md): p95 ≤ 150 ms with a million accounts, judged at full scale only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USERS = 50
TEAMS = 5
CASES_PER_USER = 40
SPAWN_RATE = 10.0  # users started per second
WARM_UP_SECONDS = 10.0
ALONE_SECONDS = 30.0  # one collector alone first: the cost of a request on an idle server
MEASURE_SECONDS = {"full": 120.0, "small": 60.0}
WORKING_PACE_SECONDS = (3.0, 9.0)  # judged: a collector's pause before each request (read, type)
STRESS_PACE = {"between_requests": None, "between_accounts": [0.5, 1.5]}  # shown: back to back, no one works so
WORKING_PACE = {"between_requests": list(WORKING_PACE_SECONDS), "between_accounts": list(WORKING_PACE_SECONDS)}
P95_BUDGET_MS = 150.0
PASSWORD = "bench-password-not-secret-1"
ENDPOINTS = ("queue", "account page", "record contact")
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


# --- the parent: bench.runner calls run() ---------------------------------------------------


def run(ws, with_postgres: bool) -> dict:
    from bench.runner import BookKey, console, sqlite_ledger

    key = BookKey(ws.sized(1_000_000))
    notes = []
    if with_postgres:
        notes.append("PostgreSQL: not measured by this suite (it serves the SQLite ledger the cycle benchmark keeps)")
    ledger = sqlite_ledger(ws, key)
    if ledger is None or not ledger.database_url:
        console.print("[red]workbench: the ledger could not be imported[/]")
        return {"status": "error", "problem": "the ledger could not be imported", "notes": notes}
    prepared = _prepared(ws, key, ledger)
    if "problem" in prepared:
        console.print(f"[red]workbench: {prepared['problem']}[/]")
        return {"status": "error", **prepared, "notes": notes}
    work = ws.task_dir("workbench-load")
    database = work / "arrears.sqlite3"
    _copy_sqlite(Path(prepared["database"]), database)
    env = _environment(f"sqlite:///{database}", work / "var")
    migrated = subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                              capture_output=True, text=True)  # a no-op unless the schema moved on since preparing
    if migrated.returncode != 0:
        return {"status": "error", "problem": f"migrate failed: {migrated.stderr[-2000:]}", "notes": notes}
    port = _free_port()
    workers = max(2, 2 * (os.cpu_count() or 1) + 1)
    server_log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "arrears.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        problem = _wait_until_serving(url, server, timeout=120.0)
        if problem:
            console.print(f"[red]workbench: the server did not start: {problem} (log: {work / 'server.log'})[/]")
            return {"status": "error", "problem": f"the server did not start: {problem}", "notes": notes}
        seconds = MEASURE_SECONDS[ws.scale]
        arguments = {"host": url, "users": prepared["users"], "password": PASSWORD, "spawn_rate": SPAWN_RATE,
                     "sign_in_timeout": 300.0, "warm_up": WARM_UP_SECONDS,
                     "alone_seconds": ALONE_SECONDS, "seconds": seconds, "pace": WORKING_PACE}
        console.print(f"  {USERS} users against {url} ({workers} gunicorn workers) at a working pace "
                      f"({WORKING_PACE_SECONDS[0]:g}–{WORKING_PACE_SECONDS[1]:g} s before each request), warm-up "
                      f"{WARM_UP_SECONDS:g} s, measured {seconds:g} s …")
        load = _step("load", arguments, work, env, timeout=seconds + 600.0)
        stressed = None
        if "problem" not in load:
            console.print("  again as a stress run: requests back to back, 0.5–1.5 s between accounts …")
            stressed = _step("load", {**arguments, "pace": STRESS_PACE, "alone_seconds": 0.0}, work, env,
                             timeout=seconds + 600.0)
    finally:
        _stop(server)
        server_log.close()
    if "problem" in load:
        console.print(f"[red]workbench: the load run failed: {load['problem']}[/]")
        return {"status": "error", **load, "notes": notes}
    shutil.rmtree(work / "var", ignore_errors=True)
    database.unlink(missing_ok=True)
    report = _report(ws, key, prepared, load, workers, notes)
    if stressed is not None and "problem" not in stressed:
        report["stress"] = _stress_report(stressed)
    return report


def _stress_report(load: dict) -> dict:
    """The same requests back to back (STRESS_PACE): how much the server sustains; shown, not judged."""
    from rich.table import Table

    from bench.runner import console

    table = Table(title=f"workbench — stress: {USERS} users, requests back to back, 0.5–1.5 s between accounts, "
                        f"{load['seconds']:.0f} s measured")
    for column in ("endpoint", "requests", "failures", "p50 ms", "p95 ms", "max ms", "req/s"):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for row in load["rows"]:
        table.add_row(row["endpoint"], f"{row['requests']:,}", f"{row['failures']:,}", f"{row['p50_ms']:,.0f}",
                      f"{row['p95_ms']:,.0f}", f"{row['max_ms']:,.0f}", f"{row['requests_per_second']:.1f}")
    console.print(table)
    total = sum(row["requests_per_second"] for row in load["rows"])
    console.print(f"  not judged: {total:.1f} requests/s served in all; past that rate requests wait for a worker")
    return {"rows": load["rows"], "pace": STRESS_PACE, "measured_seconds": load["seconds"],
            "requests_per_second": total}


def _report(ws, key, prepared: dict, load: dict, workers: int, notes: list[str]) -> dict:
    from rich.table import Table

    from bench.runner import console

    rows = load["rows"]
    table = Table(title=f"workbench — {USERS} concurrent collectors at a working pace, {prepared['accounts']:,} "
                        f"accounts in the database, {load['seconds']:.0f} s measured")
    for column in ("endpoint", "requests", "failures", "p50 ms", "p95 ms", "max ms", "req/s", "p50 ms, one user"):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for row in rows:
        table.add_row(row["endpoint"], f"{row['requests']:,}", f"{row['failures']:,}", f"{row['p50_ms']:,.0f}",
                      f"{row['p95_ms']:,.0f}", f"{row['max_ms']:,.0f}", f"{row['requests_per_second']:.1f}",
                      f"{row['alone_p50_ms']:,.0f} ({row['alone_requests']})")
    console.print(table)
    for failure in load.get("failures", [])[:10]:
        console.print(f"  [red]{failure['endpoint']}: {failure['error']} × {failure['occurrences']}[/]")
    console.print(f"  p50 ms, one user: the same requests by one collector alone for {ALONE_SECONDS:g} s "
                  f"before the others start (in brackets: how many)")
    console.print(f"  prepared once (cycle, plan, queue): {prepared['in_queue']:,} cases in the queue, "
                  f"{TEAMS} teams, {USERS} collectors with {CASES_PER_USER} cases each; "
                  f"served by `arrears serve` with {workers} workers on SQLite")
    budgets = []
    if ws.divisor == 1:
        for row in rows:
            met = row["failures"] == 0 and row["p95_ms"] <= P95_BUDGET_MS
            budgets.append({"what": f"workbench, {row['endpoint']}, p95 with {USERS} users, "
                                    f"{prepared['accounts']:,} accounts",
                            "budget": f"≤ {P95_BUDGET_MS:g} ms", "measured": f"{row['p95_ms']:,.0f} ms",
                            "met": met})
    else:
        notes.append(f"budget p95 ≤ {P95_BUDGET_MS:g} ms judged at full scale only")
    for note in notes:
        console.print(f"  {note}")
    return {"rows": rows, "failures": load.get("failures", []), "users": USERS, "workers": workers,
            "accounts_in_book": key.loans, "prepared": {k: v for k, v in prepared.items() if k != "users"},
            "measured_seconds": load["seconds"], "budgets": budgets, "notes": notes}


def _prepared(ws, key, ledger) -> dict:
    """The ledger aged, planned and queued once, kept under the cache and reused."""
    kept = ws.cache / "workbench" / key.name
    marker = kept / "complete"
    if marker.exists():
        return json.loads(marker.read_text())
    from bench.runner import console

    shutil.rmtree(kept, ignore_errors=True)
    work = ws.task_dir("workbench-prepare")
    database = work / "arrears.sqlite3"
    _copy_sqlite(Path(ledger.database_url.removeprefix("sqlite:///")), database)
    env = _environment(f"sqlite:///{database}", work / "var")
    console.print(f"  preparing the workbench's database: cycle, plan and queue over {key.loans:,} accounts …")
    began = time.perf_counter()
    result = _step("prepare", {"as_of": key.horizon_end.isoformat()}, work, env, timeout=ws.timeout)
    if "problem" in result:
        return result
    console.print(f"  prepared in {time.perf_counter() - began:.0f} s: {result['in_queue']:,} cases in the queue")
    kept.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{database}{suffix}").exists():
            shutil.move(f"{database}{suffix}", f"{kept / 'arrears.sqlite3'}{suffix}")
    result["database"] = str(kept / "arrears.sqlite3")
    marker.write_text(json.dumps(result, indent=2))
    return result


def _copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _environment(database_url: str, var: Path) -> dict:
    var.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "ARREARS_VAR")}
    env.update(ARREARS_VAR=str(var), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="arrears.settings",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])))
    return env


def _step(name: str, arguments: dict, work: Path, env: dict, timeout: float) -> dict:
    """Run `python -m bench.suite_workbench NAME` in a fresh interpreter; its result, or a problem."""
    result_path = work / f"{name}.json"
    log_path = work / f"{name}.log"
    with log_path.open("wb") as log:
        try:
            done = subprocess.run([sys.executable, "-m", "bench.suite_workbench", name, json.dumps(arguments),
                                   str(result_path)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"problem": f"{name} did not finish within {timeout:.0f} s (log: {log_path})"}
    result = json.loads(result_path.read_text()) if result_path.exists() else {}
    if done.returncode != 0 or result.get("status") != "ok":
        return {"problem": result.get("error", f"{name} exited with status {done.returncode} (log: {log_path})"),
                "traceback": result.get("traceback")}
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, timeout: float) -> str | None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return f"exited with status {server.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=5) as response:
                if response.status == 200:
                    return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return f"no answer from {url}/login/ within {timeout:.0f} s"


def _stop(server: subprocess.Popen) -> None:
    import signal

    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the steps, each in its own process ---------------------------------------------------------


def prepare(arguments: dict) -> dict:
    """Age and plan the ledger as of the horizon end, fill the queue, make the teams and collectors."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from django.contrib.auth.hashers import make_password

    from arrears.access.models import Team
    from arrears.access.sync import sync_roles
    from arrears.cases.models import CollectionCase
    from arrears.cycle.service import run_cycle
    from arrears.strategy.service import run_plan
    from arrears.workbench.queue import ensure_fresh

    as_of = dt.date.fromisoformat(arguments["as_of"])
    seconds = {}
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    sync_roles()  # the roles' permissions, as they stand in the code
    seconds["migrate"] = time.perf_counter() - began
    began = time.perf_counter()
    cycle = run_cycle(as_of)
    seconds["cycle"] = time.perf_counter() - began
    connection.close()
    began = time.perf_counter()
    run_plan(as_of)
    seconds["plan"] = time.perf_counter() - began
    began = time.perf_counter()
    ensure_fresh()
    seconds["queue"] = time.perf_counter() - began

    began = time.perf_counter()
    collector_group = Group.objects.get(name="collector")
    lead_group = Group.objects.get(name="team_lead")
    users = []
    password = make_password(PASSWORD)  # hashed once: the hasher is slow by design, and all share it
    with transaction.atomic():
        user_model = get_user_model()
        leads = [user_model.objects.create(username=f"bench-lead-{t + 1}", password=password) for t in range(TEAMS)]
        teams = [Team.objects.create(name=f"bench-team-{t + 1}", lead=lead) for t, lead in enumerate(leads)]
        for lead in leads:
            lead.groups.add(lead_group)
        # Every open case joins a team by its id: one UPDATE per team, over the whole book.
        for number, team in enumerate(teams):
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {CollectionCase._meta.db_table} SET team_id = %s "
                               f"WHERE closed_on IS NULL AND id %% %s = %s", [team.pk, TEAMS, number])
        for number in range(USERS):
            team = teams[number % TEAMS]
            user = user_model.objects.create(username=f"bench-collector-{number + 1:02d}", password=password)
            user.groups.add(collector_group)
            team.members.add(user)
            # Each collector is the assignee of their own slice of their team's queue, so two
            # users never record on the same case (no optimistic-locking conflicts by design).
            slice_ids = list(
                CollectionCase.objects.filter(team=team, in_queue=True, closed_on__isnull=True, assignee__isnull=True)
                .order_by("-priority", "-expected_value", "-days_past_due", "pk")
                .values_list("pk", flat=True)[:CASES_PER_USER]
            )
            CollectionCase.objects.filter(pk__in=slice_ids).update(assignee=user)
            loans = list(CollectionCase.objects.filter(pk__in=slice_ids).order_by("pk")
                         .values_list("loan_id", "loan__external_id"))
            users.append({"username": user.username, "loans": [[pk, external] for pk, external in loans]})
    seconds["users"] = time.perf_counter() - began
    short = [user["username"] for user in users if not user["loans"]]
    if short:
        raise RuntimeError(f"{len(short)} collectors got no case to work (the queue holds too few): {short[:5]}")
    return {
        "accounts": cycle.accounts,
        "in_queue": CollectionCase.objects.filter(in_queue=True, closed_on__isnull=True).count(),
        "open_cases": CollectionCase.objects.filter(closed_on__isnull=True).count(),
        "seconds": seconds,
        "users": users,
    }


def load(arguments: dict) -> dict:
    """Locust, headless, in this process: sign in every user, warm up, reset, measure, report."""
    import itertools
    import random
    import re

    import gevent
    from locust import HttpUser, task
    from locust.env import Environment

    accounts = itertools.cycle(arguments["users"])
    signed_in = []
    version_in_form = re.compile(r'id="contact-form".*?name="version" value="(\d+)"', re.S)
    csrf_in_form = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    # the pauses of the phase running now: the lone collector works back to back, then the judged pace
    pace = {"between_requests": None, "between_accounts": [0.5, 1.5]}

    def pause(kind: str) -> float:
        bounds = pace[kind]
        return random.uniform(*bounds) if bounds else 0.0

    class Collector(HttpUser):
        host = arguments["host"]

        def wait_time(self) -> float:
            return pause("between_accounts")

        def on_start(self) -> None:
            me = next(accounts)
            self.loans = itertools.cycle(me["loans"])
            page = self.client.get("/login/", name="sign in (form)")
            token = csrf_in_form.search(page.text).group(1)
            with self.client.post("/login/", data={"username": me["username"], "password": arguments["password"],
                                                   "csrfmiddlewaretoken": token, "next": "/workbench/"},
                                  name="sign in", catch_response=True) as response:
                if not response.url.rstrip("/").endswith("/workbench"):
                    response.failure(f"sign-in as {me['username']} ended at {response.url}")
                else:
                    signed_in.append(me["username"])

        @task
        def work_one_account(self) -> None:
            self.client.get("/workbench/", name="queue")
            gevent.sleep(pause("between_requests"))
            loan_id, external_id = next(self.loans)
            with self.client.get(f"/accounts/{external_id}/", name="account page", catch_response=True) as page:
                version = version_in_form.search(page.text or "")
                token = csrf_in_form.search(page.text or "")
                if page.status_code != 200 or not version or not token:
                    page.failure(f"no contact form on the account page of {external_id} ({page.status_code})")
                    return
            gevent.sleep(pause("between_requests"))
            form = {"csrfmiddlewaretoken": token.group(1), "version": version.group(1), "channel": "call",
                    "party": "debtor", "outcome": "no_answer", "note": ""}
            with self.client.post(f"/workbench/loans/{loan_id}/contact/", data=form, name="record contact",
                                  allow_redirects=False, catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"recording on {external_id} answered {response.status_code}")

    environment = Environment(user_classes=[Collector])
    runner = environment.create_local_runner()
    users = len(arguments["users"])

    def everyone_signed_in(count: int) -> float:
        """Wait until `count` users are in (signing in runs the password hasher, slow by design)."""
        began = time.monotonic()
        while len(signed_in) < count and time.monotonic() - began < arguments["sign_in_timeout"]:
            if environment.stats.get("sign in", "POST").num_failures:
                break
            gevent.sleep(0.5)
        if len(signed_in) < count:
            errors = [f"{error.name}: {error.error}" for error in environment.stats.errors.values()]
            runner.quit()
            raise RuntimeError(f"only {len(signed_in)} of {count} users signed in within "
                               f"{time.monotonic() - began:.0f} s: {errors[:3]}")
        return time.monotonic() - began

    def measured(seconds: float) -> tuple[list[dict], float]:
        gevent.sleep(arguments["warm_up"])
        environment.stats.reset_all()
        began = time.perf_counter()
        gevent.sleep(seconds)
        elapsed = time.perf_counter() - began
        rows = []
        for endpoint, method in (("queue", "GET"), ("account page", "GET"), ("record contact", "POST")):
            entry = environment.stats.get(endpoint, method)
            rows.append({
                "endpoint": endpoint,
                "method": method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5) or 0.0,
                "p95_ms": entry.get_response_time_percentile(0.95) or 0.0,
                "max_ms": entry.max_response_time or 0.0,
                "mean_ms": entry.avg_response_time,
                "requests_per_second": entry.num_requests / elapsed if elapsed else 0.0,
            })
        return rows, elapsed

    # First one collector alone (what a request costs on an idle server), then all of them.
    runner.start(1, spawn_rate=1)
    everyone_signed_in(1)
    alone, _alone_seconds = measured(arguments["alone_seconds"])
    pace.update(arguments["pace"])
    runner.start(users, spawn_rate=arguments["spawn_rate"])
    sign_in_seconds = everyone_signed_in(users)
    rows, seconds = measured(arguments["seconds"])
    runner.stop()
    for row, single in zip(rows, alone):
        row["alone_p50_ms"] = single["p50_ms"]
        row["alone_requests"] = single["requests"]
    failures = [{"endpoint": error.name, "error": str(error.error), "occurrences": error.occurrences}
                for error in environment.stats.errors.values()]
    runner.quit()
    return {"rows": rows, "alone": alone, "failures": failures, "seconds": seconds, "users": users,
            "sign_in_seconds": sign_in_seconds}


STEPS = {"prepare": prepare, "load": load}


def main(argv: list[str]) -> int:
    import traceback

    name, arguments, result_path = argv[1], json.loads(argv[2]), Path(argv[3])
    try:
        result = {**STEPS[name](arguments), "status": "ok"}
        status = 0
    except BaseException as error:  # every failure goes back to the parent, with its traceback
        result = {"status": "error", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        traceback.print_exc()
        status = 1
    result_path.write_text(json.dumps(result, indent=2, default=str))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
