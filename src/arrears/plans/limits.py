"""Approval limits by role, read from YAML and checked; who may approve a plan. Pure: no Django.

    limits = read_limits()                                   # the shipped plans/limits.yaml
    limits.covers({"collector"}, PlanTerms(kind=PlanKind.INSTALMENTS, instalments=6))   # True
    limits.roles_covering(PlanTerms(kind=PlanKind.WAIVER, waiver=150_000))              # ('team_lead', 'admin')
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from arrears.errors import InputError
from arrears.money import Fen, MoneyError, to_fen
from arrears.plans.preview import MAX_DEFERRAL_MONTHS, MAX_PLAN_INSTALMENTS, PlanKind

SHIPPED_LIMITS = Path(__file__).with_name("limits.yaml")
KNOWN_ROLES = (
    "admin",
    "strategy_manager",
    "team_lead",
    "collector",
    "compliance_officer",
    "agency_manager",
    "agency_collector",
    "field_collector",
)
_FIELDS = ("max_waiver", "max_instalments", "max_deferral_months")


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What a limit is judged on: the kind, and the one number that kind is measured by."""

    kind: PlanKind
    instalments: int = 0
    deferral_months: int = 0
    waiver: Fen = 0


@dataclass(frozen=True, slots=True)
class RoleLimit:
    role: str
    max_waiver: Fen
    max_instalments: int
    max_deferral_months: int

    def covers(self, terms: PlanTerms) -> bool:
        if terms.kind is PlanKind.INSTALMENTS:
            return terms.instalments <= self.max_instalments
        if terms.kind is PlanKind.DEFERRAL:
            return terms.deferral_months <= self.max_deferral_months
        return terms.waiver <= self.max_waiver


@dataclass(frozen=True, slots=True)
class ApprovalLimits:
    by_role: Mapping[str, RoleLimit]

    def covers(self, roles: Iterable[str], terms: PlanTerms) -> bool:
        """Whether someone holding `roles` may approve `terms` alone."""
        return any(self.by_role[r].covers(terms) for r in map(str, roles) if r in self.by_role)

    def may_propose(self, roles: Iterable[str]) -> bool:
        return any(str(role) in self.by_role for role in roles)

    def roles_covering(self, terms: PlanTerms) -> tuple[str, ...]:
        """The roles whose limit covers `terms`, in the file's order."""
        return tuple(role for role, limit in self.by_role.items() if limit.covers(terms))


def read_limits(path: Path | str = SHIPPED_LIMITS) -> ApprovalLimits:
    """The limits of a YAML file; InputError (zh and en) lists every problem.

    Every account page asks for them: a file is parsed once, and again only when it changes.
    """
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None  # reported by the read below
    return _read_limits(path, stamp)


@functools.lru_cache(maxsize=8)
def _read_limits(path: Path, _stamp: int | None) -> ApprovalLimits:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(f"找不到审批额度文件：{path}", f"approval limits file not found: {path}") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"无法读取审批额度文件 {path}：{error}", f"cannot read the approval limits {path}: {error}") from error
    return parse_limits(document, source=str(path))


def parse_limits(document: object, *, source: str = "<limits>") -> ApprovalLimits:
    problems: list[tuple[str, str, str]] = []
    roles = document.get("roles") if isinstance(document, Mapping) else None
    if not isinstance(roles, Mapping) or not roles:
        problems.append(("roles", "应为按角色列出的额度", "must map each role to its limits"))
        roles = {}
    by_role: dict[str, RoleLimit] = {}
    for role, entry in roles.items():
        where = f"roles.{role}"
        if role not in KNOWN_ROLES:
            problems.append((where, f"未知角色；应为 {', '.join(KNOWN_ROLES)} 之一", f"unknown role; expected one of {', '.join(KNOWN_ROLES)}"))
            continue
        if not isinstance(entry, Mapping):
            problems.append((where, "应为字段映射", "must be a mapping of fields"))
            continue
        limit = _role_limit(str(role), entry, where, problems)
        if limit is not None:
            by_role[str(role)] = limit
    if problems:
        zh = "\n".join(f"  {where}: {zh}" for where, zh, _ in problems)
        en = "\n".join(f"  {where}: {en}" for where, _, en in problems)
        raise InputError(f"审批额度 {source} 有误：\n{zh}", f"the approval limits {source} are not valid:\n{en}")
    return ApprovalLimits(by_role)


def _role_limit(role: str, entry: Mapping, where: str, problems: list) -> RoleLimit | None:
    before = len(problems)
    for unknown in sorted(set(map(str, entry)) - set(_FIELDS)):
        problems.append((f"{where}.{unknown}", "未知字段", "unknown field"))
    for missing in (name for name in _FIELDS if name not in entry):
        problems.append((f"{where}.{missing}", "缺少必填字段", "required field is missing"))
    if len(problems) > before:
        return None
    waiver = entry["max_waiver"]
    fen = None
    if isinstance(waiver, (float, bool)):
        problems.append((f"{where}.max_waiver", '金额请写成带引号的文本，如 "200.00"', 'write amounts as quoted text, such as "200.00"'))
    else:
        try:
            fen = to_fen(waiver)
        except (MoneyError, TypeError):
            problems.append((f"{where}.max_waiver", "应为最多两位小数的元金额", "must be an amount in yuan with at most two decimals"))
        else:
            if fen < 0:
                problems.append((f"{where}.max_waiver", "不得为负数", "must not be negative"))
    counts = {}
    for name, high in (("max_instalments", MAX_PLAN_INSTALMENTS), ("max_deferral_months", MAX_DEFERRAL_MONTHS)):
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            problems.append((f"{where}.{name}", f"应为 0 到 {high} 之间的整数", f"must be a whole number from 0 to {high}"))
        counts[name] = value
    if len(problems) > before:
        return None
    return RoleLimit(role, fen, counts["max_instalments"], counts["max_deferral_months"])
