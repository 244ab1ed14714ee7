"""`arrears retention run [--as-of D]`: delete or anonymise what the profile's retention periods no
longer require, and log what was done (docs/audit.md).

    arrears retention run --as-of 2030-01-01
"""

from __future__ import annotations

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("retention", help="保存期限：删除或匿名化到期记录 / retention: delete or anonymise what is due")
    actions = parser.add_subparsers(dest="retention_action", metavar="ACTION")
    running = actions.add_parser("run", help="按辖区配置的保存期限处理记录 / apply the profile's retention periods")
    running.add_argument("--as-of", type=iso_date, default=None, help="业务日期（默认今天）/ business date (default today)")
    running.add_argument("--profile", default=None, help="合规辖区（默认 ARREARS_PROFILE 或 cn）/ profile (default ARREARS_PROFILE or cn)")
    running.set_defaults(handler=run)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _period(period) -> str:
    return "—" if period is None else f"{period.rule_id} ({period.years})"


def run(args) -> int:
    from arrears.compliance.lender import lender_profile
    from arrears.retention import run_retention

    profile = lender_profile(args.profile) if args.profile else None
    report = run_retention(args.as_of, profile=profile)
    periods = report.periods
    print(f"保存期限（年）/ retention periods (years): 催收记录 collection {_period(periods.collection)} · "
          f"个人信息 personal data {_period(periods.personal_data)} · 征信 credit report {_period(periods.credit_report)} · "
          f"委外副本 agency copy {_period(periods.agency_copy)}")
    if not report.did_anything:
        print(f"{report.as_of}：没有到期的记录\n{report.as_of}: nothing is due")
        return 0
    text = sum(report.collection_rows.values())
    credit = sum(report.credit_rows.values())
    print(f"{report.as_of}：清除 {text} 条记录中的自由文本，匿名化 {report.borrowers_anonymised} 位借款人，"
          f"删除 {credit} 条不良记录，删除 {report.agency_uploads_cleared} 份机构回传副本；已写入审计日志\n"
          f"{report.as_of}: free text removed from {text} records, {report.borrowers_anonymised} borrowers anonymised, "
          f"{credit} negative credit records deleted, {report.agency_uploads_cleared} agency copies deleted; "
          "logged in the audit log")
    return 0
