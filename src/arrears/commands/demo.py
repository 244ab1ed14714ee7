"""`arrears demo`: set up the database, build a book, replay its nights, serve it."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="演示：生成贷款、逐日计算并启动网站 / build, age and serve a demo book")
    parser.add_argument("--loans", type=int, default=20_000, help="贷款笔数 / loans (20000)")
    parser.add_argument("--days", type=int, default=120, help="回放天数 / nights replayed (120)")
    parser.add_argument("--seed", type=int, default=7, help="随机种子 / seed (7)")
    parser.add_argument("--port", type=int, default=8000, help="端口 / port (8000)")
    parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站 / prepare only, do not serve")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings
    from django.utils import timezone
    from rich.progress import Progress

    from arrears import demo
    from arrears.commands import migrate, serve
    from arrears.feeds.loans import import_loans
    from arrears.feeds.scores import import_scores
    from arrears.ledger.catalogue import read_catalogue, save_catalogue

    if args.loans < 1 or args.days < 1:
        raise InputError("贷款笔数和天数必须为正数", "--loans and --days must be positive")
    plan = demo.DemoPlan(
        loans=args.loans,
        days=args.days,
        seed=args.seed,
        directory=Path(settings.VAR_DIR) / "demo",
        last_day=timezone.localdate() - dt.timedelta(days=1),
    )
    migrate.run(args)
    save_catalogue(read_catalogue())
    print(f"生成 {plan.loans} 笔贷款 / generating {plan.loans} loans …")
    loans_file, payments_file, scores_file = demo.generate(plan)
    print(import_loans(loans_file).summary())
    print(import_scores(scores_file).summary())
    history_file, by_day = demo.split_payments_by_day(payments_file, plan)
    from arrears.feeds.payments import import_payments

    print(import_payments(history_file).summary())
    with Progress() as progress:
        task = progress.add_task(f"逐日回放 replaying {plan.days} nights", total=plan.days)
        demo.replay(plan, by_day, on_day=lambda _day: progress.advance(task))
    from arrears.strategy.service import run_plan

    print(run_plan(plan.last_day).summary())  # the day's plan fills the work queue
    logins = demo.ensure_demo_users()
    print(f"演示数据已就绪，截至 {plan.last_day} / the demo book is aged to {plan.last_day}")
    for name, password, role in logins:
        print(f"登录 / sign in: {name} / {password}  ({role})")
    if args.no_serve:
        return 0
    return serve.run(argparse.Namespace(host="127.0.0.1", port=args.port, workers=2))
