"""The product catalogue: read and check a products YAML file, then upsert it by code.

    specs = read_catalogue(SHIPPED_CATALOGUE)   # pure: raises InputError listing every problem
    specs = read_catalogue(shipped_catalogue("us-regf"))   # a US lender's, in dollars
    outcome = save_catalogue(specs)             # the database, by product code

Reading imports no Django; `save_catalogue` does, when called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from arrears.compliance.citations import PRODUCTS as PRODUCT_KINDS
from arrears.errors import InputError
from arrears.ledger.records import DEFAULT_ALLOCATION_ORDER, Component, RepaymentMethod
from arrears.money import Fen, MoneyError, to_fen

SHIPPED_CATALOGUE = Path(__file__).with_name("products.yaml")
"""The catalogue shipped for a Chinese lender (yuan); `shipped_catalogue(profile)` names a profile's own."""


def shipped_catalogue(profile: str | None = None) -> Path:
    """The catalogue shipped for a lender's profile: `products-<profile>.yaml` where one is shipped
    (us-regf: dollars, the lender's own late fees), else `products.yaml`."""
    if profile:
        own = SHIPPED_CATALOGUE.with_name(f"products-{profile}.yaml")
        if own.is_file():
            return own
    return SHIPPED_CATALOGUE
MAX_GRACE_DAYS = 27
_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SMALLINT_MAX = 32767
_INT_MAX = 2_147_483_647


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """One product as the catalogue file states it, checked; amounts in fen, rates in basis points."""

    code: str
    name_zh: str
    name_en: str
    repayment_method: RepaymentMethod
    annual_rate_bp: int
    penalty_rate_bp: int
    late_fee: Fen
    grace_days: int
    allocation_order: tuple[Component, ...]
    cost_cap_bp: int
    charge_off_dpd: int
    plan_break_days: int = 30
    plan_break_reverses_waivers: bool = True
    waiver_principal_allowed: bool = False
    kind: str = "consumer_loan"  # what the product is in law: the content lint cites its regulation

    def as_row(self) -> dict[str, Any]:
        """The values of a `Product` row."""
        row = asdict(self)
        row["repayment_method"] = self.repayment_method.value
        row["allocation_order"] = ",".join(component.value for component in self.allocation_order)
        return row


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


class _Problems:
    """Collects every problem of a file, so one run reports them all."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, where: str, zh: str, en: str) -> None:
        self.items.append((where, zh, en))

    def raise_if_any(self, source: str) -> None:
        if not self.items:
            return
        zh = "\n".join(f"  {where}: {zh}" for where, zh, _ in self.items)
        en = "\n".join(f"  {where}: {en}" for where, _, en in self.items)
        raise InputError(f"产品目录 {source} 有误：\n{zh}", f"the product catalogue {source} is not valid:\n{en}")


def read_catalogue(path: Path | str = SHIPPED_CATALOGUE, *, cost_ceiling_bp: int | None = None) -> tuple[ProductSpec, ...]:
    """The products of a catalogue file, every field checked (a cost cap against `cost_ceiling_bp`
    when given); InputError lists all problems."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(f"找不到产品目录文件：{path}", f"product catalogue not found: {path}") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"无法读取产品目录 {path}：{error}", f"cannot read the product catalogue {path}: {error}") from error
    return parse_catalogue(document, source=str(path), cost_ceiling_bp=cost_ceiling_bp)


def parse_catalogue(
    document: object, *, source: str = "<catalogue>", cost_ceiling_bp: int | None = None
) -> tuple[ProductSpec, ...]:
    """The products of an already-loaded YAML document (a mapping with a `products` list)."""
    problems = _Problems()
    entries = document.get("products") if isinstance(document, Mapping) else None
    if not isinstance(entries, list) or not entries:
        problems.add("products", "应为非空的产品列表", "must be a non-empty list of products")
        problems.raise_if_any(source)
    specs: list[ProductSpec] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"products[{index}]"
        if not isinstance(entry, Mapping):
            problems.add(where, "应为字段映射", "must be a mapping of fields")
            continue
        spec = _parse_product(entry, where, problems)
        if spec is None:
            continue
        if spec.code in seen:
            problems.add(
                f"{where}.code",
                f"代码 {spec.code} 与 products[{seen[spec.code]}] 重复",
                f"code {spec.code} repeats products[{seen[spec.code]}]",
            )
            continue
        seen[spec.code] = index
        _check_ceiling(spec, f"{where}.cost_cap_bp", cost_ceiling_bp, problems)
        specs.append(spec)
    problems.raise_if_any(source)
    return tuple(specs)


def _check_ceiling(spec: ProductSpec, where: str, ceiling_bp: int | None, problems: _Problems) -> None:
    if ceiling_bp is not None and spec.cost_cap_bp > ceiling_bp:
        problems.add(
            where,
            f"成本上限 {spec.cost_cap_bp} 个基点超过辖区的法定上限 {ceiling_bp} 个基点",
            f"the cost cap of {spec.cost_cap_bp} basis points exceeds the profile's legal ceiling of {ceiling_bp}",
        )


def lender_cost_ceiling_bp() -> int | None:
    """The ceiling of the profile in force (ARREARS_PROFILE with ARREARS_POLICY)."""
    from arrears.compliance.lender import lender_profile
    from arrears.compliance.profiles import cost_ceiling_bp

    return cost_ceiling_bp(lender_profile())


_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "repayment_method",
    "annual_rate_bp",
    "penalty_rate_bp",
    "late_fee",
    "grace_days",
    "allocation_order",
    "cost_cap_bp",
    "charge_off_dpd",
    "plan_break_days",
    "plan_break_reverses_waivers",
    "waiver_principal_allowed",
    "kind",
)
_OPTIONAL_DEFAULTS: dict[str, object] = {
    "kind": "consumer_loan",
    "plan_break_days": 30,
    "plan_break_reverses_waivers": True,
    "waiver_principal_allowed": False,
    "penalty_rate_bp": 0,
    "late_fee": "0",
    "grace_days": 0,
    "allocation_order": [component.value for component in DEFAULT_ALLOCATION_ORDER],
    "cost_cap_bp": 2400,
    "charge_off_dpd": 180,
}


def _parse_product(entry: Mapping[str, object], where: str, problems: _Problems) -> ProductSpec | None:
    before = len(problems.items)
    for unknown in sorted(set(map(str, entry)) - set(_FIELDS)):
        problems.add(f"{where}.{unknown}", "未知字段", "unknown field")
    values = {**_OPTIONAL_DEFAULTS, **entry}
    missing = [name for name in _FIELDS if name not in values]
    for name in missing:
        problems.add(f"{where}.{name}", "缺少必填字段", "required field is missing")
    if missing:
        return None

    def at(name: str) -> str:
        return f"{where}.{name}"

    code = _text(values["code"], at("code"), 32, problems)
    if code is not None and not _CODE.fullmatch(code):
        problems.add(at("code"), "只能使用字母、数字、- 和 _", "only letters, digits, - and _")
    name_zh = _text(values["name_zh"], at("name_zh"), 100, problems)
    name_en = _text(values["name_en"], at("name_en"), 100, problems)
    method = values["repayment_method"]
    if method not in {m.value for m in RepaymentMethod}:
        choices = ", ".join(m.value for m in RepaymentMethod)
        problems.add(at("repayment_method"), f"应为 {choices} 之一", f"must be one of {choices}")
    rates = {
        name: _whole(values[name], at(name), 0, _INT_MAX, problems)
        for name in ("annual_rate_bp", "penalty_rate_bp", "cost_cap_bp")
    }
    grace_days = _whole(values["grace_days"], at("grace_days"), 0, MAX_GRACE_DAYS, problems)
    charge_off_dpd = _whole(values["charge_off_dpd"], at("charge_off_dpd"), 1, _SMALLINT_MAX, problems)
    late_fee = _late_fee(values["late_fee"], at("late_fee"), problems)
    plan_break_days = _whole(values["plan_break_days"], at("plan_break_days"), 1, _SMALLINT_MAX, problems)
    flags = {}
    for name in ("plan_break_reverses_waivers", "waiver_principal_allowed"):
        if not isinstance(values[name], bool):
            problems.add(at(name), "应为 true 或 false", "must be true or false")
        flags[name] = values[name]
    order = _allocation_order(values["allocation_order"], at("allocation_order"), problems)
    kind = values["kind"]
    if kind not in PRODUCT_KINDS:
        choices = ", ".join(PRODUCT_KINDS)
        problems.add(at("kind"), f"产品类别应为 {choices} 之一", f"kind must be one of {choices}")
    if len(problems.items) > before:
        return None
    return ProductSpec(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        repayment_method=RepaymentMethod(method),
        annual_rate_bp=rates["annual_rate_bp"],
        penalty_rate_bp=rates["penalty_rate_bp"],
        late_fee=late_fee,
        grace_days=grace_days,
        allocation_order=order,
        cost_cap_bp=rates["cost_cap_bp"],
        charge_off_dpd=charge_off_dpd,
        plan_break_days=plan_break_days,
        kind=kind,
        **flags,
    )


def _text(value: object, where: str, max_length: int, problems: _Problems) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.add(where, "应为非空文本", "must be non-empty text")
        return None
    if len(value) > max_length:
        problems.add(where, f"不得超过 {max_length} 个字符", f"at most {max_length} characters")
        return None
    return value.strip()


def _whole(value: object, where: str, low: int, high: int, problems: _Problems) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.add(where, f"应为 {low} 到 {high} 之间的整数", f"must be a whole number from {low} to {high}")
        return None
    return value


def _late_fee(value: object, where: str, problems: _Problems) -> Fen | None:
    if isinstance(value, float):
        problems.add(where, '金额请写成带引号的文本，如 "50.00"', 'write amounts as quoted text, such as "50.00"')
        return None
    try:
        fen = to_fen(value)  # type: ignore[arg-type]
    except (MoneyError, TypeError):
        problems.add(where, "应为最多两位小数的元金额", "must be an amount in yuan with at most two decimals")
        return None
    if fen < 0:
        problems.add(where, "不得为负数", "must not be negative")
        return None
    return fen


def _allocation_order(value: object, where: str, problems: _Problems) -> tuple[Component, ...] | None:
    names = value.split(",") if isinstance(value, str) else value
    expected = sorted(component.value for component in Component)
    if isinstance(names, list) and all(isinstance(name, str) for name in names):
        cleaned = [name.strip() for name in names]
        if sorted(cleaned) == expected:
            return tuple(Component(name) for name in cleaned)
    listed = ", ".join(component.value for component in DEFAULT_ALLOCATION_ORDER)
    problems.add(where, f"应将 {listed} 各列一次", f"must name each of {listed} exactly once")
    return None


def save_catalogue(specs: Sequence[ProductSpec]) -> SaveOutcome:
    """Create or update the products by code, in one transaction; products not named are left alone."""
    from django.db import transaction

    from arrears.ledger.models import Product

    problems = _Problems()
    ceiling = lender_cost_ceiling_bp()
    for spec in specs:  # whoever built the specs, none reaches the database above the legal ceiling
        _check_ceiling(spec, f"{spec.code}.cost_cap_bp", ceiling, problems)
    problems.raise_if_any("(products)")
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with transaction.atomic():
        chosen = Product.objects.select_for_update().filter(code__in=[spec.code for spec in specs])
        existing = {product.code: product for product in chosen}
        for spec in specs:
            row = spec.as_row()
            product = existing.get(spec.code)
            if product is None:
                Product.objects.create(**row)
                created.append(spec.code)
            elif any(getattr(product, name) != value for name, value in row.items()):
                for name, value in row.items():
                    setattr(product, name, value)
                product.save()
                updated.append(spec.code)
            else:
                unchanged.append(spec.code)
    return SaveOutcome(tuple(created), tuple(updated), tuple(unchanged))
