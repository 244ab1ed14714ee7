"""`arrears notice LOAN --as-of DATE [--profile cn|us-regf] [--lang zh-hans|en] -o FILE.pdf`:
the written collection notice (催收通知书) of one loan."""

from __future__ import annotations

from pathlib import Path

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("notice", help="生成催收通知书 PDF / write the written collection notice as PDF")
    parser.add_argument("loan", metavar="LOAN_EXTERNAL_ID", help="贷款外部编号 / the loan's external id")
    parser.add_argument("--as-of", type=iso_date, required=True, help="通知日期 / notice date (YYYY-MM-DD)")
    parser.add_argument("--profile", choices=("cn", "us-regf"), default=None, help="合规辖区 / compliance profile")
    parser.add_argument("--lang", choices=("zh-hans", "en"), default=None, help="语言 / language (default: the borrower's)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件 / output file (.pdf)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from arrears.errors import InputError
    from arrears.notices import written_notice_pdf

    pdf = written_notice_pdf(args.loan, args.as_of, profile=args.profile, language=args.lang)
    try:
        args.output.write_bytes(pdf)
    except OSError as error:
        raise InputError(f"无法写入 {args.output}：{error.strerror}", f"Cannot write {args.output}: {error.strerror}") from None
    from arrears.audit.events import staff_read
    from arrears.ledger.models import Loan

    loan_id = Loan.objects.filter(external_id=args.loan).values_list("pk", flat=True).first()
    staff_read(None, "notice_pdf", subject=f"loan:{loan_id}", as_of=args.as_of.isoformat())
    print(f"已写入 / written: {args.output} ({len(pdf):,} bytes)")
    return 0
