"""`arrears credit …`: the day's credit report file, and objections to what was reported.

    arrears credit report --as-of 2026-04-30 [--out var/credit]
    arrears credit report --format metro2 --as-of 2026-11-30     (us-regf: the month's Metro 2 file)
    arrears credit object L-1001 --claim "3月已还款却报逾期"
    arrears credit answer 12 --outcome corrected|unchanged|cannot_settle --answer "…" [--delete]
"""

from __future__ import annotations

from pathlib import Path

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("credit", help="征信报送与异议 / credit reporting and objections")
    actions = parser.add_subparsers(dest="credit_action", metavar="ACTION")
    report = actions.add_parser("report", help="生成当日报送文件与校验报告 / write the day's submission file and validation report")
    report.add_argument("--as-of", type=iso_date, required=True, help="报送日期 / the day reported")
    report.add_argument("--out", default=None, help="输出目录 / output directory (default var/credit)")
    report.add_argument("--format", choices=("d1", "metro2"), default="d1",
                        help="d1：人行二代征信 D1 记录（JSONL）；metro2：美国 Metro 2（us-regf）/ d1: the PBOC D1 records "
                             "(JSONL); metro2: the US Metro 2 file (us-regf)")
    report.set_defaults(handler=run_report)
    objecting = actions.add_parser("object", help="登记异议 / record an objection")
    objecting.add_argument("loan", help="贷款编号 / the loan's external id")
    objecting.add_argument("--claim", default="", help="异议内容（必填）/ the objection (required)")
    objecting.set_defaults(handler=run_object)
    answering = actions.add_parser("answer", help="答复异议 / answer an objection")
    answering.add_argument("objection", type=int, help="异议编号 / the objection's id")
    answering.add_argument("--outcome", required=True, help="corrected | unchanged | cannot_settle")
    answering.add_argument("--answer", default="", help="书面答复（必填）/ the written answer (required)")
    answering.add_argument("--delete", action="store_true", help="删除记录而非更正 / delete the record rather than correct it")
    answering.set_defaults(handler=run_answer)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def run_report(args) -> int:
    from django.conf import settings

    from arrears.credit.reporting import run_report as make

    directory = Path(args.out) if args.out else Path(settings.VAR_DIR) / "credit"
    if args.format == "metro2":
        return _metro2(args.as_of, directory)
    outcome = make(args.as_of, directory=directory)
    print(f"报送文件 / submission file: {outcome.path} ({outcome.sent})")
    print(f"校验报告 / validation report: {outcome.validation_path} (暂缓 / held back {outcome.held_back})")
    return 0


def _metro2(as_of, directory: Path) -> int:
    from arrears.compliance.lender import lender_profile_name
    from arrears.credit.furnishing import write_metro2
    from arrears.errors import InputError

    if lender_profile_name() != "us-regf":
        raise InputError("Metro 2 只用于 us-regf 配置的出借机构", "Metro 2 is for a lender under the us-regf profile")
    outcome = write_metro2(as_of, directory=directory)
    print(f"Metro 2 文件 / file: {outcome.path} ({outcome.records})")
    print(f"校验报告 / validation report: {outcome.validation_path} (暂缓 / held back {outcome.held_back})")
    return 0


def _loan(external_id: str):
    from arrears.errors import InputError
    from arrears.ledger.models import Loan

    loan = Loan.objects.filter(external_id=external_id).first()
    if loan is None:
        raise InputError(f"找不到贷款 {external_id}", f"no loan {external_id!r}")
    return loan


def run_object(args) -> int:
    from arrears.credit.objections import file_objection

    objection = file_objection(loan_id=_loan(args.loan).pk, claim=args.claim, source="staff")
    print(f"异议 {objection.pk}，须于 {objection.answer_by} 前答复 / objection {objection.pk}, answer by {objection.answer_by}")
    return 0


def run_answer(args) -> int:
    from django.contrib.auth import get_user_model

    from arrears.credit.objections import answer_objection

    operator = get_user_model()(username="cli", is_superuser=True, is_active=True)  # the operator at the console
    objection = answer_objection(args.objection, outcome=args.outcome, answer=args.answer, by=operator, delete=args.delete)
    print(f"异议 {objection.pk} 已答复：{objection.outcome} / objection {objection.pk} answered: {objection.outcome}")
    return 0
