"""`arrears explain LOAN [--as-of DATE] [--lang en]`: why the account is where it is, what comes next."""

from __future__ import annotations

from arrears.commands._options import iso_date
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("explain", help="解释账户的处境与下一步 / explain an account")
    parser.add_argument("loan", help="贷款编号 / the loan's external id")
    parser.add_argument("--as-of", type=iso_date, help="业务日期 / business date (default: the last cycle)")
    parser.add_argument("--lang", choices=["zh-hans", "en", "both"], default="both", help="语言 / language")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from arrears.ledger.models import Loan
    from arrears.strategy.explaining import explain_loan

    loan = Loan.objects.filter(external_id=args.loan).first()
    if loan is None:
        raise InputError(f"找不到贷款 {args.loan}", f"no loan {args.loan!r}")
    explanation = explain_loan(loan.pk, args.as_of)
    if explanation is None:
        raise InputError(
            f"贷款 {args.loan} 尚未经过夜间账龄计算", f"loan {args.loan} has not been aged by the nightly cycle yet"
        )
    if args.lang in ("zh-hans", "both"):
        print(explanation.text("zh-hans"))
    if args.lang == "both":
        print()
    if args.lang in ("en", "both"):
        print(explanation.text("en"))
    return 0
