"""`arrears demo`: set up the database, simulate a lender's last weeks, print every sign-in, serve."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from arrears.errors import InputError


def register(subparsers) -> None:
    from arrears.demo import DEMO_DAYS, DEMO_LOANS

    parser = subparsers.add_parser("demo", help="演示：模拟一家贷款机构最近几周的催收并启动网站 / simulate and serve a demo")
    parser.add_argument("--loans", type=int, default=DEMO_LOANS, help=f"贷款笔数 / loans ({DEMO_LOANS})")
    parser.add_argument("--days", type=int, default=DEMO_DAYS, help=f"模拟天数 / days simulated ({DEMO_DAYS})")
    parser.add_argument("--seed", type=int, default=7, help="随机种子 / seed (7)")
    parser.add_argument("--port", type=int, default=8000, help="端口 / port (8000)")
    parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站 / prepare only, do not serve")
    parser.add_argument("--fresh", action="store_true", help="丢弃已有的演示数据重新模拟 / discard the demo database and simulate again")
    parser.add_argument("--profile", choices=("cn", "us-regf"),
                        help="cn：中国贷款机构（中文）；us-regf：美国贷款机构（英文、美元）/ "
                             "cn: a Chinese lender, in Chinese; us-regf: a US lender, in English and dollars "
                             "(default: ARREARS_PROFILE). Keep each in its own ARREARS_VAR")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings

    from arrears import clock
    from arrears.commands import migrate, serve
    from arrears.demo import DEMO_PASSWORD, logins, portal_lines, tour_lines
    from arrears.ledger.models import Loan

    from arrears.commands.simulate import use_profile
    from arrears.compliance.lender import lender_profile_name
    from arrears.notices.lender import default_currency

    if args.loans < 1 or args.days < 1:
        raise InputError("贷款笔数和天数必须为正数", "--loans and --days must be positive")
    profile = use_profile(getattr(args, "profile", None)) or lender_profile_name()
    from arrears.secret import use_demo_secret

    use_demo_secret(Path(settings.VAR_DIR))  # the demo alone makes up its secret, once, in var/secret
    if args.fresh:
        _discard(Path(settings.VAR_DIR))
    migrate.run(args)
    if Loan.objects.exists():
        held = Loan.objects.values_list("currency", flat=True).first()
        if held != default_currency():
            raise InputError(
                f"{settings.VAR_DIR} 中的演示账簿（{held}）不属于辖区 {profile}：请为每个辖区使用单独的 ARREARS_VAR",
                f"the demo book in {settings.VAR_DIR} ({held}) is not a {profile} book: give each profile its own ARREARS_VAR",
            )
        print("演示数据已存在，直接启动（--fresh 重新模拟）/ the demo book exists: serving it (--fresh simulates again)")
    else:
        from arrears.simulate.run import SimulationOptions, simulate

        options = SimulationOptions(
            loans=args.loans, days=args.days, seed=args.seed, directory=Path(settings.VAR_DIR) / "simulate",
            last_day=clock.today() - dt.timedelta(days=1), profile=profile,
        )
        outcome = simulate(options, password=DEMO_PASSWORD, say=lambda line: print(line, flush=True))
        print(outcome.report.text())
        (options.directory / "report.json").write_text(outcome.report.as_json(), encoding="utf-8")
        from arrears.demo import dialer_transcripts, legal_and_credit_files

        for line in legal_and_credit_files(Path(settings.VAR_DIR), options.last_day) + dialer_transcripts(
                Path(settings.VAR_DIR), options.last_day, profile):
            print(line)
    base = f"http://127.0.0.1:{args.port}"
    print(f"\n登录（密码均为 {DEMO_PASSWORD}）/ sign in (every password is {DEMO_PASSWORD}):")
    for name, role in logins():
        print(f"  {name:<20} {role}")
    print("\n导览：各状态的账户 / a tour, one account in each state:")
    print("\n".join(tour_lines(base)))
    print("\n借款人自助服务 / the borrower portal:")
    print("\n".join(portal_lines(base)))
    if args.no_serve:
        return 0
    return serve.run(argparse.Namespace(host="127.0.0.1", port=args.port, workers=2))


def _discard(var_dir: Path) -> None:
    """The embedded demo database and the simulation's files go; nothing else under var/."""
    import shutil

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        raise InputError("--fresh 只用于内置的 SQLite 演示数据库", "--fresh applies to the embedded SQLite demo database only")
    connection.close()
    name = Path(settings.DATABASES["default"]["NAME"])
    for path in (name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")):
        path.unlink(missing_ok=True)
    shutil.rmtree(var_dir / "simulate", ignore_errors=True)
