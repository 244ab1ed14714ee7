"""`arrears legal …`: the evidence pack for a loan, and a loan's limitation date.

    arrears legal pack L-1001 [--cut-off 2026-05-12] [--out var/packs/L-1001.zip]
    arrears legal limitation L-1001 [--as-of 2026-05-12]
"""

from __future__ import annotations

from pathlib import Path

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("legal", help="法律程序：证据材料包、诉讼时效 / legal action: evidence pack, limitation")
    actions = parser.add_subparsers(dest="legal_action", metavar="ACTION")
    packing = actions.add_parser("pack", help="生成证据材料包（ZIP）/ write the evidence pack (ZIP)")
    packing.add_argument("loan", help="贷款编号 / the loan's external id")
    packing.add_argument("--cut-off", type=iso_date, default=None, help="账务截止日期（默认今天）/ ledger cut-off (default today)")
    packing.add_argument("--out", default=None, help="输出文件 / output file (default var/packs/LOAN-DATE.zip)")
    packing.set_defaults(handler=run_pack)
    limiting = actions.add_parser("limitation", help="诉讼时效届满日 / the loan's limitation date")
    limiting.add_argument("loan", help="贷款编号 / the loan's external id")
    limiting.add_argument("--as-of", type=iso_date, default=None, help="日期（默认今天）/ as of (default today)")
    limiting.set_defaults(handler=run_limitation)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _profile() -> str:
    from arrears.compliance.lender import lender_profile_name

    return "us-regf" if lender_profile_name() == "us-regf" else "cn"


def run_pack(args) -> int:
    from django.conf import settings

    from arrears import clock
    from arrears.legal.pack import write_pack

    cut_off = args.cut_off or clock.today()
    target = Path(args.out) if args.out else Path(settings.VAR_DIR) / "packs" / f"{args.loan}-{cut_off.isoformat()}.zip"
    written = write_pack(args.loan, cut_off=cut_off, target=target, profile=_profile())
    print(f"证据材料包 / evidence pack: {written}")
    return 0


def run_limitation(args) -> int:
    from arrears import clock
    from arrears.errors import InputError
    from arrears.ledger.models import Loan
    from arrears.legal.limitation import REASON_WORDS, limitation_of

    loan = Loan.objects.filter(external_id=args.loan).first()
    if loan is None:
        raise InputError(f"找不到贷款 {args.loan}", f"no loan {args.loan!r}")
    as_of = args.as_of or clock.today()
    found = limitation_of(loan.pk, as_of, profile=_profile())
    if found is None:
        raise InputError(f"贷款 {args.loan} 无还款计划，无法计算诉讼时效", f"loan {args.loan} has no schedule: no limitation date")
    zh, en = REASON_WORDS[found.reason]
    print(f"诉讼时效届满日 {found.expires_on}（自 {found.runs_from} 起算：{zh}；{found.citation_zh}）")
    print(f"Limitation date {found.expires_on} (running from {found.runs_from}: {en}; {found.citation_en})")
    return 0
