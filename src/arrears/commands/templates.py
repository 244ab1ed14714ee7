"""`arrears templates load|list|preview|approve`: the message templates and their versions."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("templates", help="消息模板 / message templates")
    actions = parser.add_subparsers(dest="templates_action", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="载入并批准默认模板 / load and approve the shipped templates")
    load.add_argument("--loan", default=None, help="内容检查所用账户 / the account the lint renders (external id)")
    load.set_defaults(handler=run_load)
    listing = actions.add_parser("list", help="列出模板版本 / list template versions")
    listing.add_argument("--all", action="store_true", help="包括草稿和已停用 / include drafts and retired versions")
    listing.set_defaults(handler=run_list)
    for name, handler, text in (
        ("preview", run_preview, "用真实账户预览并检查 / render for a real account and lint"),
        ("approve", run_approve, "检查通过后批准 / approve when the lint passes"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("version_id", type=int, help="模板版本编号 / template version id")
        sub.add_argument("--loan", required=True, help="贷款外部编号 / the loan's external id")
        sub.set_defaults(handler=handler)


def run_load(args) -> int:
    from arrears.messaging.defaults import load_defaults

    report = load_defaults(args.loan)
    print(report.summary())
    return 1 if report.refused else 0


def run_list(args) -> int:
    from arrears.messaging.models import TemplateVersion

    versions = TemplateVersion.objects.all() if args.all else TemplateVersion.objects.filter(state="approved")
    for v in versions.order_by("code", "channel", "language", "-version"):
        print(f"{v.pk:>5}  {v.code:<28} {v.channel:<18} {v.language:<8} v{v.version:<3} {v.state:<9} {v.audience}")
    return 0


def _version(version_id: int):
    from arrears.errors import InputError
    from arrears.messaging.models import TemplateVersion

    version = TemplateVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise InputError(f"没有编号为 {version_id} 的模板版本", f"No template version with id {version_id}")
    return version


def run_preview(args) -> int:
    from arrears.messaging.service import preview

    result = preview(_version(args.version_id), args.loan)
    if result.message.subject:
        print(result.message.subject)
    print(result.message.body)
    for f in result.findings:
        print(f"✗ {f.rule_id} [{f.start}:{f.end}] 「{f.excerpt}」\n  {f.message_zh}\n  {f.message_en}")
    print("可以批准 / may be approved" if result.approvable else "不能批准 / may not be approved")
    return 0 if result.approvable else 1


def run_approve(args) -> int:
    from arrears.messaging.service import approve

    version = approve(_version(args.version_id), args.loan)
    print(f"已批准 / approved: {version}")
    return 0
