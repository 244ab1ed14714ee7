"""Jurisdiction profiles as data, and a lender's policy layered on top that may only tighten them.

A profile is a YAML file in `profiles/` listing rules, each with an id, a kind, its numbers and a
citation. A lender's policy names rules of that profile by id and sets some of their numbers;
every number may move only towards less contact (see `rules.Tighten`), and an attempt to loosen
one is refused with an error naming the rule, the number and both values.

    profile = load_profile("cn", policy="lender-policy.yaml")
    profile.rule("cn.contact_hours").latest
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from arrears.compliance.quiet_days import MODE_ORDER, QuietDayMode
from arrears.compliance.rules import RULE_KINDS, Basis, Citation, Rule, Tighten
from arrears.errors import ConfigurationError

PROFILE_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = "cn"
RULE_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_]+)+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A jurisdiction's rules, possibly tightened by lender policies.

    layers: where each layer came from, the jurisdiction's file first.
    """

    profile_id: str
    name_zh: str
    name_en: str
    rules: tuple[Rule, ...]
    layers: tuple[str, ...]

    def __post_init__(self) -> None:
        seen = set()
        for rule in self.rules:
            if rule.rule_id in seen:
                raise ConfigurationError(f"规则编号重复：{rule.rule_id}", f"Duplicate rule id {rule.rule_id}")
            seen.add(rule.rule_id)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.rule_id == rule_id:
                return rule
        raise ConfigurationError(
            f"配置 {self.profile_id} 中没有规则 {rule_id}", f"Profile {self.profile_id} has no rule {rule_id}"
        )

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.rule_id for rule in self.rules)

    @property
    def action_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.checks_actions)

    def __repr__(self) -> str:
        return f"Profile({self.profile_id!r}, rules={len(self.rules)}, layers={list(self.layers)!r})"


# --- reading values --------------------------------------------------------------------------


def _where(rule_id: str, name: str) -> tuple[str, str]:
    return f"规则 {rule_id} 的 {name}", f"rule {rule_id}, {name}"


def _refuse(rule_id: str, name: str, zh: str, en: str) -> ConfigurationError:
    where_zh, where_en = _where(rule_id, name)
    return ConfigurationError(f"{where_zh}：{zh}", f"In {where_en}: {en}")


def _parse_time(value, rule_id: str, name: str) -> dt.time:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _refuse(rule_id, name, f"时间须加引号写成 \"HH:MM\"（读到 {value!r}）", f'write times quoted as "HH:MM" (read {value!r})')
    if isinstance(value, dt.time):
        return value
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise _refuse(rule_id, name, f"{value!r} 不是 HH:MM 格式的时间", f"{value!r} is not a time written HH:MM")
    return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))


def _parse_enum(enum: type[StrEnum], value, rule_id: str, name: str):
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise _refuse(rule_id, name, f"{value!r} 无效（可选：{allowed}）", f"{value!r} is not one of {allowed}") from None


def _parse_value(hint, value, rule_id: str, name: str):
    origin = typing.get_origin(hint)
    if hint is dt.time:
        return _parse_time(value, rule_id, name)
    if hint is bool:
        if not isinstance(value, bool):
            raise _refuse(rule_id, name, f"须为 true 或 false（读到 {value!r}）", f"must be true or false (read {value!r})")
        return value
    if hint is str:
        if not isinstance(value, str) or not value.strip():
            raise _refuse(rule_id, name, f"须为非空文字（读到 {value!r}）", f"must be a non-empty word (read {value!r})")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _refuse(rule_id, name, f"须为非负整数（读到 {value!r}）", f"must be a whole number ≥ 0 (read {value!r})")
        return value
    if origin is frozenset:
        (member,) = typing.get_args(hint)
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise _refuse(rule_id, name, f"须为列表（读到 {value!r}）", f"must be a list (read {value!r})")
        return frozenset(_parse_enum(member, item, rule_id, name) for item in value)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return _parse_enum(hint, value, rule_id, name)
    raise TypeError(f"no parser for {hint!r}")  # a rule kind with a parameter type nobody reads


def _parameter_hints(kind: type[Rule]) -> dict[str, Any]:
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in fields(kind) if "tighten" in f.metadata}


def _show(value) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if value.second == 0 else value.isoformat()
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _citation(raw, rule_id: str) -> Citation:
    if not isinstance(raw, Mapping):
        raise _refuse(rule_id, "citation", "缺少出处", "a citation (source_zh, source_en, basis) is required")
    unknown = set(raw) - {"source_zh", "source_en", "article", "basis", "note"}
    if unknown:
        raise _refuse(rule_id, "citation", f"未知字段 {sorted(unknown)}", f"unknown fields {sorted(unknown)}")
    for key in ("source_zh", "source_en", "basis"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _refuse(rule_id, f"citation.{key}", "缺失或为空", "is missing or empty")
    return Citation(
        source_zh=raw["source_zh"],
        source_en=raw["source_en"],
        basis=_parse_enum(Basis, raw["basis"], rule_id, "citation.basis"),
        article=str(raw.get("article") or ""),
        note=str(raw.get("note") or ""),
    )


def _rule(raw, source: str) -> Rule:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise ConfigurationError(f"{source}：每条规则须有 id", f"{source}: every rule needs an id")
    rule_id = raw["id"]
    if not RULE_ID.match(rule_id):
        raise _refuse(rule_id, "id", "编号格式应为 地区.名称", "ids look like 'region.name' (lower case, dots)")
    kind = RULE_KINDS.get(raw.get("kind"))
    if kind is None:
        raise _refuse(rule_id, "kind", f"未知类型 {raw.get('kind')!r}", f"unknown kind {raw.get('kind')!r} (known: {', '.join(RULE_KINDS)})")
    hints = _parameter_hints(kind)
    unknown = set(raw) - {"id", "kind", "citation"} - set(hints)
    if unknown:
        raise _refuse(rule_id, ", ".join(sorted(unknown)), f"类型 {kind.kind} 没有这些参数", f"kind {kind.kind} has no such parameters")
    missing = set(hints) - set(raw)
    if missing:
        raise _refuse(rule_id, ", ".join(sorted(missing)), "缺少参数", "missing parameters")
    values = {name: _parse_value(hint, raw[name], rule_id, name) for name, hint in hints.items()}
    rule = kind(rule_id=rule_id, citation=_citation(raw.get("citation"), rule_id), **values)
    _check_rule(rule)
    return rule


def _check_rule(rule: Rule) -> None:
    earliest, latest = getattr(rule, "earliest", None), getattr(rule, "latest", None)
    if earliest is not None and not earliest < latest:
        raise _refuse(
            rule.rule_id,
            "earliest/latest",
            f"开始 {_show(earliest)} 须早于结束 {_show(latest)}（窗口不跨午夜）",
            f"the window's start {_show(earliest)} must come before its end {_show(latest)} (no window across midnight)",
        )
    if getattr(rule, "days", 1) < 1:
        raise _refuse(rule.rule_id, "days", "至少为 1", "must be at least 1")


def cost_ceiling_bp(profile: Profile) -> int | None:
    """The profile's ceiling on a loan's annual cost (its `cost_ceiling` rule, as tightened), if any."""
    ceilings = [rule.annual_cost_bp for rule in profile.rules if rule.kind == "cost_ceiling"]
    return min(ceilings) if ceilings else None


# --- profiles and policies -------------------------------------------------------------------


def _read_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigurationError(f"找不到文件 {path}", f"File not found: {path}") from None
    except yaml.YAMLError as problem:
        raise ConfigurationError(f"{path} 不是有效的 YAML：{problem}", f"{path} is not valid YAML: {problem}") from None


def parse_profile(raw, source: str = "<memory>") -> Profile:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("profile"), str):
        raise ConfigurationError(f"{source}：缺少 profile 名称", f"{source}: the 'profile' name is missing")
    unknown = {key for key in raw if not str(key).startswith("x-")} - {"profile", "name_zh", "name_en", "rules"}
    if unknown:
        raise ConfigurationError(f"{source}：未知字段 {sorted(unknown)}", f"{source}: unknown fields {sorted(unknown)}")
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ConfigurationError(f"{source}：rules 须为非空列表", f"{source}: 'rules' must be a non-empty list")
    return Profile(
        profile_id=raw["profile"],
        name_zh=str(raw.get("name_zh") or raw["profile"]),
        name_en=str(raw.get("name_en") or raw["profile"]),
        rules=tuple(_rule(item, source) for item in rules),
        layers=(source,),
    )


def profile_path(name: str) -> Path:
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise ConfigurationError(f"没有辖区配置 {name!r}（可选：{known}）", f"No jurisdiction profile {name!r} (known: {known})")
    return path


def available_profiles() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))


def _is_tighter_or_same(direction: Tighten, base, new) -> bool:
    if direction in (Tighten.LOWER, Tighten.EARLIER, Tighten.FEWER):
        return new <= base
    if direction in (Tighten.HIGHER, Tighten.LATER, Tighten.MORE):
        return new >= base
    if direction == Tighten.KEEP_ON:
        return new or not base
    if direction == Tighten.MAY_TURN_OFF:
        return base or not new
    if direction == Tighten.QUIET_MODE:
        return MODE_ORDER.index(QuietDayMode(new)) >= MODE_ORDER.index(QuietDayMode(base))
    if direction == Tighten.LENDER_CHOICE:
        return True
    return new == base  # FIXED


_DIRECTION_WORDS = {
    Tighten.LOWER: ("只能调低", "may only be lowered"),
    Tighten.HIGHER: ("只能调高", "may only be raised"),
    Tighten.LATER: ("只能推迟", "may only be made later"),
    Tighten.EARLIER: ("只能提前", "may only be made earlier"),
    Tighten.MORE: ("只能增加，不能删减", "may only gain members, never lose them"),
    Tighten.FEWER: ("只能删减，不能增加", "may only lose members, never gain them"),
    Tighten.KEEP_ON: ("不能关闭", "may not be turned off"),
    Tighten.MAY_TURN_OFF: ("不能打开", "may not be turned on"),
    Tighten.QUIET_MODE: ("只能更严格（off < public_holidays < rest_days）", "may only get stricter (off < public_holidays < rest_days)"),
    Tighten.FIXED: ("不能修改", "may not be changed"),
    Tighten.LENDER_CHOICE: ("可由出借机构设定", "is the lender's to set"),
}


def tighten_rule(rule: Rule, changes: Mapping[str, Any], source: str) -> Rule:
    """`rule` with a policy's `changes`, each checked to be no looser than the rule it replaces."""
    if not isinstance(changes, Mapping):
        raise _refuse(rule.rule_id, source, "政策内容须为 参数: 值 的映射", "a policy entry must map parameter names to values")
    hints = _parameter_hints(type(rule))
    directions = {f.name: f.metadata["tighten"] for f in fields(rule) if "tighten" in f.metadata}
    unknown = set(changes) - set(hints)
    if unknown:
        raise _refuse(
            rule.rule_id,
            ", ".join(sorted(unknown)),
            f"政策 {source} 只能修改这些参数：{', '.join(hints) or '无'}",
            f"policy {source} may only set: {', '.join(hints) or 'nothing'}",
        )
    values = {}
    for name, raw in changes.items():
        new = _parse_value(hints[name], raw, rule.rule_id, name)
        base = getattr(rule, name)
        if not _is_tighter_or_same(directions[name], base, new):
            zh, en = _DIRECTION_WORDS[directions[name]]
            raise ConfigurationError(
                f"规则 {rule.rule_id} 的 {name} {zh}：现行 {_show(base)}，政策 {source} 要求 {_show(new)}，拒绝放宽",
                f"Rule {rule.rule_id}: {name} {en}; in force {_show(base)}, "
                f"policy {source} asks for {_show(new)}; loosening refused",
            )
        values[name] = new
    tightened = replace(rule, **values)
    _check_rule(tightened)
    return tightened


def apply_policy(profile: Profile, raw, source: str = "<policy>") -> Profile:
    """Layer a lender's policy on `profile`: `{extends: <profile id>, rules: {rule_id: {name: value}}}`."""
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{source}：政策须为映射", f"{source}: a policy must be a mapping")
    unknown = set(raw) - {"policy", "extends", "rules"}
    if unknown:
        raise ConfigurationError(f"{source}：未知字段 {sorted(unknown)}", f"{source}: unknown fields {sorted(unknown)}")
    extends = raw.get("extends")
    if extends is not None and extends != profile.profile_id:
        raise ConfigurationError(
            f"{source} 针对辖区 {extends}，当前辖区为 {profile.profile_id}",
            f"{source} is written for profile {extends}, not {profile.profile_id}",
        )
    changes = raw.get("rules") or {}
    if not isinstance(changes, Mapping):
        raise ConfigurationError(f"{source}：rules 须为 规则编号: 参数 的映射", f"{source}: 'rules' must map rule ids to parameters")
    for rule_id in changes:
        if rule_id not in profile.rule_ids:
            raise ConfigurationError(
                f"{source}：辖区 {profile.profile_id} 没有规则 {rule_id}（政策只能收紧已有规则）",
                f"{source}: profile {profile.profile_id} has no rule {rule_id} (a policy only tightens existing rules)",
            )
    label = str(raw.get("policy") or source)
    rules = tuple(
        tighten_rule(rule, changes[rule.rule_id], label) if rule.rule_id in changes else rule for rule in profile.rules
    )
    return replace(profile, rules=rules, layers=(*profile.layers, label))


def load_profile(name: str | Path = DEFAULT_PROFILE, *, policy: str | Path | Mapping | None = None) -> Profile:
    """A packaged profile by name (`cn`, `us-regf`), then a lender's policy on top.

    A file given instead of a name is never a profile of its own: it is a policy on the packaged
    profile it names (`profile:` or `extends:`), and each of its rules may only tighten that
    profile's rule of the same id (`local_profile`)."""
    if isinstance(name, Path) or str(name).endswith((".yaml", ".yml")):
        profile = local_profile(Path(name))
    else:
        profile = parse_profile(_read_yaml(profile_path(str(name))), source=f"{name}.yaml")
    if policy is None:
        return profile
    if isinstance(policy, Mapping):
        return apply_policy(profile, policy)
    policy_path = Path(policy)
    return apply_policy(profile, _read_yaml(policy_path), source=policy_path.name)


def local_profile(path: Path) -> Profile:
    """A local profile file read as a policy on the packaged profile it names.

    Either shape is accepted: a policy (`extends: cn`, `rules: {rule_id: {name: value}}`) or a
    profile (`profile: cn`, `rules: [{id, kind, numbers…, citation}]`). In the second, each rule
    must be a rule of the packaged profile, of the same kind, and its numbers may only tighten it;
    a rule the file leaves out stays as packaged, so no file can drop or loosen one."""
    raw = _read_yaml(path)
    source = path.name
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{source}：须为映射", f"{source}: must be a mapping")
    base_name = raw.get("extends") or raw.get("profile")
    if not isinstance(base_name, str) or base_name not in available_profiles():
        known = ", ".join(available_profiles())
        raise ConfigurationError(
            f"{source}：本地文件只能收紧随附的辖区配置（{known}），须以 profile: 或 extends: 指明；读到 {base_name!r}",
            f"{source}: a local file may only tighten a packaged profile ({known}), named by profile: or extends:; "
            f"read {base_name!r}",
        )
    base = parse_profile(_read_yaml(profile_path(base_name)), source=f"{base_name}.yaml")
    rules = raw.get("rules")
    if isinstance(rules, list):
        raw = {"policy": str(raw.get("policy") or source), "extends": base_name, "rules": _as_changes(rules, base, source)}
    else:
        raw = {key: value for key, value in raw.items() if key in ("policy", "extends", "rules")}
        raw["extends"] = base_name
    return apply_policy(base, raw, source=source)


def _as_changes(rules: list, base: Profile, source: str) -> dict[str, dict[str, Any]]:
    """A profile-shaped file's rules as a policy's changes, each rule's kind checked against the base."""
    changes: dict[str, dict[str, Any]] = {}
    for item in rules:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise ConfigurationError(f"{source}：每条规则须有 id", f"{source}: every rule needs an id")
        rule_id = item["id"]
        if rule_id not in base.rule_ids:
            raise ConfigurationError(
                f"{source}：辖区 {base.profile_id} 没有规则 {rule_id}（本地文件只能收紧已有规则）",
                f"{source}: profile {base.profile_id} has no rule {rule_id} (a local file only tightens existing rules)",
            )
        kind = base.rule(rule_id).kind
        if item.get("kind", kind) != kind:
            raise _refuse(rule_id, "kind", f"不能把类型 {kind} 改为 {item['kind']!r}", f"kind {kind} may not become {item['kind']!r}")
        if rule_id in changes:
            raise ConfigurationError(f"{source}：规则编号重复：{rule_id}", f"{source}: duplicate rule id {rule_id}")
        changes[rule_id] = {key: value for key, value in item.items() if key not in ("id", "kind", "citation")}
    return changes
