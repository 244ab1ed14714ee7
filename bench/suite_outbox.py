"""Outbox throughput: messages per second from the outbox to a local SMTP server and SMSC.

    python -m bench --only outbox [--scale small]

Half the messages are emails (aiosmtpd), half SMS (smpp34's SMPP 3.4 SMSC, which also sends a
delivery receipt for each). Each message passes the send-time guard, is claimed under a lease,
marked sending, sent, and recorded, exactly as in production.

Two paths, each on SQLite (1 worker) and PostgreSQL (1 and 3 workers):
- one message at a time (providers without a window): 5,000 messages at full scale, 50 at small,
  or ARREARS_BENCH_OUTBOX_MESSAGES;
- the batch path (`window` on both providers, `--batch 500`): 20,000 messages at full scale, 200 at
  small, or ARREARS_BENCH_OUTBOX_BATCH_MESSAGES.
ARREARS_BENCH_OUTBOX_PATHS=batch (or one) measures only that path.

Measured: wall seconds from the workers' start until the last one finds nothing left (start-up of
the worker processes included), and the sending rate: messages over the span from the first attempt
marked sending to the last marked sent (read from the attempts' own times), and the workers' CPU
seconds (user + system), which a loaded machine inflates less than wall time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from rich.table import Table

from bench.runner import BENCH_SECRET, ROOT, Workspace, console

MESSAGES = 5_000
BATCH_MESSAGES = 20_000
WINDOW = 100  # submit_sm outstanding on the SMPP bind
SMTP_SESSIONS = 4  # SMTP sessions a batch is spread over
CLAIM = 500  # attempts claimed, judged and written at a time on the batch path


def _env(database_url: str, var: Path, config: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ARREARS_VAR")}
    env.update(
        DATABASE_URL=database_url, ARREARS_VAR=str(var), DJANGO_SETTINGS_MODULE="arrears.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])),
    )
    env.setdefault("ARREARS_SECRET", BENCH_SECRET)  # the worker refuses to start without one
    if config is not None:
        env["ARREARS_OUTBOX_CONFIG"] = str(config)
    return env


def _pg_database(ws: Workspace, name: str, create: bool) -> str:
    """Create (or drop) the database `name`, one made by this run only."""
    import psycopg

    admin = ws.pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return ws.pg_url.rsplit("/", 1)[0] + f"/{name}"


def _prepare(database_url: str, var: Path, messages: int) -> None:
    env = _env(database_url, var)
    subprocess.run([sys.executable, "-m", "arrears.cli", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "bench.suite_outbox", "seed", str(messages)], cwd=ROOT, env=env, check=True)


def seed(messages: int) -> None:
    """Borrowers with a mobile and an email, each with one message due now (run inside Django)."""
    import datetime as dt

    import django

    django.setup()
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import Borrower, ContactPoint, Loan, Product
    from tests.outbox_peers import daytime_zone

    product, _ = Product.objects.get_or_create(code="BENCH", defaults=dict(
        name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800, penalty_rate_bp=2700,
        late_fee=5000, grace_days=3))
    zone = daytime_zone()
    borrowers = Borrower.objects.bulk_create(
        Borrower(external_id=f"B-OB-{i}", name="张三", national_id_cipher="x", national_id_digest=f"ob{i}",
                 national_id_masked="110105********1234", time_zone=zone) for i in range(messages))
    loans = Loan.objects.bulk_create(
        Loan(external_id=f"L-OB-{i}", borrower=b, product=product, principal=1_200_000, term_months=12,
             start_date=dt.date(2026, 1, 1)) for i, b in enumerate(borrowers))
    points = ContactPoint.objects.bulk_create(
        ContactPoint(borrower=b, kind="email" if i % 2 else "mobile",
                     value=f"b{i}@example.org" if i % 2 else f"138{i:08d}", verified=True)
        for i, b in enumerate(borrowers))
    ContactAttempt.objects.bulk_create(
        ContactAttempt(idempotency_key=f"L{loan.pk}/{point.kind}/bench/2026-03-01/1", loan=loan, contact_point=point,
                       channel="email" if point.kind == "email" else "sms", subject="逾期提醒",
                       body="您的借款已逾期 1 天，请通过官方 App 还款。回复 TD 退订")
        for loan, point in zip(loans, points, strict=True))


def _config(path: Path, smtp_port: int, smpp_port: int, window: int) -> Path:
    windowed = {"window": window} if window > 1 else {}
    path.write_text(json.dumps({
        "channels": {"email": {"provider": "mail"}, "sms": {"provider": "smsc"}},
        "providers": {
            "mail": {"kind": "smtp", "host": "127.0.0.1", "port": smtp_port, "sender": "n@lender.cn", "domain": "lender.cn",
                     **windowed, **({"sessions": SMTP_SESSIONS} if window > 1 else {})},
            "smsc": {"kind": "smpp", "host": "127.0.0.1", "port": smpp_port, "system_id": "bench", "password": "bench",
                     **windowed},
        },
    }), encoding="utf-8")  # JSON is YAML
    return path


def sending_span() -> None:
    """Print the seconds from the first attempt marked sending to the last marked sent, and how many
    were sent (run inside Django, after the workers)."""
    import django

    django.setup()
    from django.db.models import Count, Max, Min

    from arrears.audit.verify import verify
    from arrears.contact.models import ContactAttempt

    found = ContactAttempt.objects.filter(state="sent").aggregate(first=Min("attempted_at"), last=Max("sent_at"), n=Count("id"))
    seconds = (found["last"] - found["first"]).total_seconds() if found["n"] else 0.0
    print(json.dumps({"span_seconds": seconds, "sent": found["n"], "audit_ok": verify(with_checkpoints=False).ok}))


def _measure(ws: Workspace, label: str, database_url: str, var: Path, workers: int, messages: int, window: int) -> dict:
    from tests.outbox_peers import SmppPeer, SmtpPeer

    smtp, smsc = SmtpPeer().start(), SmppPeer().start()
    try:
        _prepare(database_url, var, messages)
        config = _config(var / "outbox.yaml", smtp.port, smsc.port, window)
        claim = CLAIM if window > 1 else 50
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        processes = [
            subprocess.Popen([sys.executable, "-m", "arrears.cli", "worker", "--until-idle", "--batch", str(claim)],
                             cwd=ROOT, env=_env(database_url, var, config), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
            for _ in range(workers)
        ]
        outputs = [p.communicate(timeout=ws.timeout) for p in processes]
        seconds = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers are the only children reaped since
        worker_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        failed = [err[-500:] for p, (_out, err) in zip(processes, outputs, strict=True) if p.returncode != 0]
        emails, sms = len(smtp.messages), len(smsc.submits)
        duplicates = sum(n - 1 for n in smtp.message_ids().values() if n > 1)
        duplicates += sum(n - 1 for n in Counter(s["to"] for s in smsc.submits).values() if n > 1)
        span = json.loads(subprocess.run([sys.executable, "-m", "bench.suite_outbox", "span"], cwd=ROOT,
                                         env=_env(database_url, var), check=True, capture_output=True,
                                         text=True).stdout.strip().splitlines()[-1])
    finally:
        smtp.stop()
        smsc.stop()
    return {
        "label": label, "path": "batch" if window > 1 else "one at a time", "window": window, "workers": workers,
        "messages": messages, "emails_received": emails, "sms_received": sms, "sent": span["sent"],
        "duplicates": duplicates, "seconds": round(seconds, 2), "audit_ok": span["audit_ok"],
        "messages_per_second": round((emails + sms) / seconds, 1) if seconds else None,
        "sending_seconds": round(span["span_seconds"], 2), "worker_cpu_seconds": round(worker_cpu, 2),
        "messages_per_worker_cpu_second": round(span["sent"] / worker_cpu, 1) if worker_cpu else None,
        "sending_per_second": round(span["sent"] / span["span_seconds"], 1) if span["span_seconds"] else None,
        "errors": failed,
    }


def run(ws: Workspace, with_postgres: bool) -> dict:
    paths = os.environ.get("ARREARS_BENCH_OUTBOX_PATHS", "one,batch").split(",")
    plans = []
    if "one" in paths:
        plans.append((1, int(os.environ.get("ARREARS_BENCH_OUTBOX_MESSAGES") or ws.sized(MESSAGES))))
    if "batch" in paths:
        plans.append((WINDOW, int(os.environ.get("ARREARS_BENCH_OUTBOX_BATCH_MESSAGES") or ws.sized(BATCH_MESSAGES))))
    load = os.getloadavg()
    rows = []
    run_tag = f"{os.getpid()}_{int(time.time())}"
    for window, messages in plans:
        tag = "batch" if window > 1 else "one"
        var = ws.task_dir(f"outbox-sqlite-{tag}")
        rows.append(_measure(ws, "SQLite, 1 worker", f"sqlite:///{var / 'outbox.sqlite3'}", var, 1, messages, window))
        if with_postgres:
            for workers in (1, 3):
                var = ws.task_dir(f"outbox-pg-{tag}-{workers}")
                name = f"arrears_bench_outbox_{run_tag}_{tag}_{workers}"
                url = _pg_database(ws, name, create=True)
                try:
                    rows.append(_measure(ws, f"PostgreSQL, {workers} worker{'s' if workers > 1 else ''}", url, var, workers,
                                         messages, window))
                finally:
                    _pg_database(ws, name, create=False)
    table = Table(title="outbox → local SMTP + SMPP peers (half email, half SMS); "
                        f"load average at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    columns = ("path", "database, workers", "messages", "emails", "SMS", "duplicates", "audit verifies", "wall s",
               "messages/s (wall)", "sending s", "messages/s (sending)", "worker CPU s", "messages per worker CPU s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("path", "database, workers") else "right")
    for row in rows:
        table.add_row(row["path"], row["label"], f"{row['messages']:,}", f"{row['emails_received']:,}",
                      f"{row['sms_received']:,}", str(row["duplicates"]), "yes" if row["audit_ok"] else "NO",
                      f"{row['seconds']:.1f}", f"{row['messages_per_second']:.1f}", f"{row['sending_seconds']:.1f}",
                      f"{row['sending_per_second'] or 0:.1f}", f"{row['worker_cpu_seconds']:.1f}",
                      f"{row['messages_per_worker_cpu_second'] or 0:.1f}")
    console.print(table)
    for row in rows:
        for error in row["errors"]:
            console.print(f"[red]{row['label']}: a worker failed:[/] {error}")
    return {"load_average": load, "runs": rows}


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed(int(sys.argv[2]))
    elif sys.argv[1:2] == ["span"]:
        sending_span()
