"""`arrears audit …`: check the audit log's chain, and sign a checkpoint of it kept outside the database.

    arrears audit verify          # exit 0 when every link and checkpoint holds, 1 at the first break
    arrears audit checkpoint      # sign the head into ARREARS_AUDIT_CHECKPOINTS (default var/audit-checkpoints/)
"""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="审计日志：校验、检查点 / audit log: verify, checkpoint")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION")
    verifying = actions.add_parser("verify", help="校验哈希链和检查点 / check the hash chain and the checkpoints")
    verifying.set_defaults(handler=run_verify)
    checkpoint = actions.add_parser("checkpoint", help="签名记录链头 / write a signed checkpoint of the chain head")
    checkpoint.set_defaults(handler=run_checkpoint)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def run_verify(args) -> int:
    from arrears.audit.verify import verify

    report = verify()
    if report.ok:
        print(f"审计日志完好：{report.entries} 条，{report.checkpoints} 个检查点均相符\n"
              f"Audit log intact: {report.entries} entries, {report.checkpoints} checkpoints hold")
        return 0
    problem = report.problem
    print(f"审计日志被破坏：第 {problem.seq} 条起。{problem.zh}\n"
          f"Audit log broken at entry {problem.seq}: {problem.en}", file=sys.stderr)
    return 1


def run_checkpoint(args) -> int:
    from arrears.audit.checkpoints import write_checkpoint

    checkpoint = write_checkpoint()
    print(f"已签名检查点：第 {checkpoint.seq} 条，哈希 {checkpoint.hash[:16]}…，写入 {checkpoint.path}\n"
          f"Signed checkpoint: entry {checkpoint.seq}, hash {checkpoint.hash[:16]}…, written to {checkpoint.path}")
    return 0
