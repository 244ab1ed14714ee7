"""`arrears import loans|payments|scores|contacts FILE`: feeds from the lender's systems."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="导入贷款、付款、评分或联系记录文件 / import a loans, payments, scores or contacts file")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, help_text in (
        ("loans", "导入贷款（借款人、联系方式、还款计划）/ import loans, borrowers, contact points, schedules"),
        ("payments", "导入付款与冲正 / import payments and reversals"),
        ("scores", "导入还款意愿评分（0–1000）/ import propensity-to-pay scores (0–1000)"),
        ("contacts", "导入外呼与短信等联系记录 / import call and message records from a dialer or message platform"),
    ):
        command = kinds.add_parser(kind, help=help_text)
        command.add_argument("file", type=Path, help="CSV、Parquet 或 JSON Lines 文件 / a .csv, .parquet or .jsonl file")
        command.add_argument("--encoding", default="utf-8", help="文本文件的编码，如 gbk / text encoding, e.g. gbk")
        command.set_defaults(handler=run)


def run(args) -> int:
    from arrears.feeds import import_contacts, import_loans, import_payments, import_scores
    from arrears.feeds.progress import RichProgress

    importer = {"loans": import_loans, "payments": import_payments, "scores": import_scores,
                "contacts": import_contacts}[args.kind]
    with RichProgress() as progress:
        outcome = importer(args.file, encoding=args.encoding, progress=progress)
    print(outcome.summary())
    return 0
