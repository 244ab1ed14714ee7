"""`arrears products load [FILE]` and `arrears products list`: the product catalogue."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("products", help="产品目录 / the product catalogue")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="载入产品目录（按代码新增或更新）/ load a catalogue, upserting by code")
    load.add_argument("file", nargs="?", type=Path, help="YAML 文件，默认为随附的本辖区目录 / YAML file, default: the one shipped for the lender's profile")
    load.set_defaults(handler=run_load)
    listing = actions.add_parser("list", help="列出产品 / list the products")
    listing.set_defaults(handler=run_list)


def run_load(args) -> int:
    from arrears.compliance.lender import lender_profile_name
    from arrears.ledger.catalogue import lender_cost_ceiling_bp, read_catalogue, save_catalogue, shipped_catalogue

    path = args.file or shipped_catalogue(lender_profile_name())
    outcome = save_catalogue(read_catalogue(path, cost_ceiling_bp=lender_cost_ceiling_bp()))
    print(
        f"产品目录 {path}：新增 {len(outcome.created)}，更新 {len(outcome.updated)}，未变 {len(outcome.unchanged)}\n"
        f"catalogue {path}: {len(outcome.created)} created, {len(outcome.updated)} updated, "
        f"{len(outcome.unchanged)} unchanged"
    )
    return 0


def run_list(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from arrears.ledger.models import Product
    from arrears.money import format_yuan

    table = Table("代码\ncode", "名称\nname", "还款方式\nmethod", "年利率\nrate", "罚息\npenalty",
                  "滞纳金\nlate fee", "宽限\ngrace", "冲抵顺序\nallocation", "成本上限\ncap", "核销\ncharge-off")
    for product in Product.objects.order_by("code"):
        table.add_row(
            product.code,
            f"{product.name_zh}\n{product.name_en}",
            product.repayment_method,
            _percent(product.annual_rate_bp),
            _percent(product.penalty_rate_bp),
            format_yuan(product.late_fee),
            f"{product.grace_days} d",
            product.allocation_order.replace(",", ", "),
            _percent(product.cost_cap_bp),
            f"DPD {product.charge_off_dpd}",
        )
    if not table.row_count:
        print("尚无产品，请先运行 arrears products load\nno products yet: run arrears products load")
        return 0
    console = Console()
    console.width = max(console.width, 150)  # a wide table stays legible when piped
    console.print(table)
    return 0


def _percent(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return f"{whole}.{rest:02d} %"
