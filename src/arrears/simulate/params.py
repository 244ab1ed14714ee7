"""The simulator's parameters: how simulated people answer collection, and what it costs (pure).

    params = load_params()                      # the shipped responses.yaml
    params = load_params(Path("lender.yaml"))   # its keys on top of the shipped ones

Every rate is checked to lie in [0, 1], every distribution to sum to 1, and every behaviour named
to be one the synthetic book knows; a problem is reported in both languages with its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from arrears.errors import InputError
from arrears.money import MoneyError, to_fen

SHIPPED = Path(__file__).with_name("responses.yaml")
BEHAVIOURS = ("always_pays", "pays_late", "self_cures", "hardship", "refuses", "unreachable")
REACHED_WORDS = ("promise", "right_party_contact", "callback_requested", "refusal", "hardship_claim", "dispute",
                 "stop_channel")
COST_CHANNELS = ("call", "sms", "email", "app_push", "letter", "visit")


@dataclass(frozen=True)
class Params:
    answers_call: dict[str, float]
    wrong_number: float
    when_reached: dict[str, dict[str, float]]
    keeps_promise: dict[str, float]
    promise_days: tuple[int, int]
    asks_for_plan: dict[str, float]
    plan_instalments: tuple[int, int]
    plan_first_payment_days: tuple[int, int]
    pays_plan_instalment: dict[str, float]
    pays_after_message: dict[str, float]
    replies_stop: dict[str, float]
    at_home_for_visit: dict[str, float]
    verifies_visit_code: float
    when_visited: dict[str, dict[str, float]]
    collectors: int
    calls_per_collector: int
    agency_calls_per_agency: int
    field_visits_per_day: int
    confirms_address_when_reached: float
    dispute_review_days: tuple[int, int]
    legal_decides_per_day: int
    legal_review_days: int
    plan_review_days: int
    approves_visits: float
    cost_fen: dict[str, int]

    def rate(self, table: str, behaviour: str) -> float:
        """A per-behaviour rate; a behaviour the table leaves out has rate 0."""
        return getattr(self, table).get(behaviour, 0.0)


def _problem(key: str, zh: str, en: str) -> InputError:
    return InputError(f"模拟参数 {key}：{zh}", f"simulation parameter {key}: {en}")


def _probability(key: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _problem(key, f"应为 0 到 1 之间的数，而不是 {value!r}", f"must be a number from 0 to 1, not {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise _problem(key, f"应在 0 到 1 之间，而不是 {number}", f"must lie between 0 and 1, not {number}")
    return number


def _by_behaviour(key: str, value) -> dict[str, float]:
    if not isinstance(value, dict):
        raise _problem(key, "应为按借款人行为列出的比率", "must map borrower behaviours to rates")
    unknown = sorted(set(value) - set(BEHAVIOURS))
    if unknown:
        raise _problem(key, f"未知的借款人行为：{'、'.join(unknown)}", f"unknown behaviours: {', '.join(unknown)}")
    return {name: _probability(f"{key}.{name}", rate) for name, rate in value.items()}


def _distributions(key: str, value) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        raise _problem(key, "应为按借款人行为列出的分布", "must map borrower behaviours to distributions")
    result = {}
    for behaviour, row in value.items():
        where = f"{key}.{behaviour}"
        if behaviour not in BEHAVIOURS:
            raise _problem(where, "未知的借款人行为", "unknown behaviour")
        if not isinstance(row, dict) or not row:
            raise _problem(where, "应为结果到比率的映射", "must map outcomes to rates")
        unknown = sorted(set(row) - set(REACHED_WORDS))
        if unknown:
            raise _problem(where, f"未知的结果：{'、'.join(unknown)}", f"unknown outcomes: {', '.join(unknown)}")
        rates = {outcome: _probability(f"{where}.{outcome}", rate) for outcome, rate in row.items()}
        if abs(sum(rates.values()) - 1.0) > 1e-6:
            raise _problem(where, f"各比率之和应为 1，而不是 {sum(rates.values()):.4f}",
                           f"the rates must sum to 1, not {sum(rates.values()):.4f}")
        result[behaviour] = rates
    return result


def _whole(key: str, value, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _problem(key, f"应为不小于 {least} 的整数", f"must be a whole number of at least {least}")
    return value


def _span(key: str, value) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise _problem(key, "应为 [最小, 最大]", "must be [least, most]")
    low, high = (_whole(f"{key}[{i}]", v, least=0) for i, v in enumerate(value))
    if low > high:
        raise _problem(key, "最小值大于最大值", "the least is above the most")
    return low, high


def _costs(value) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _problem("cost", "应为按渠道列出的金额（元）", "must map channels to amounts in yuan")
    costs = {}
    for channel in COST_CHANNELS:
        if channel not in value:
            raise _problem(f"cost.{channel}", "缺少", "is missing")
        text = str(value[channel])
        try:
            Decimal(text)
            costs[channel] = to_fen(text)
        except (InvalidOperation, ValueError, ArithmeticError, MoneyError):
            raise _problem(f"cost.{channel}", f"不是金额：{text!r}", f"is not an amount: {text!r}") from None
        if costs[channel] < 0:
            raise _problem(f"cost.{channel}", "不能为负", "cannot be negative")
    return costs


def _merged(base: dict, overrides: dict) -> dict:
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = _merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def load_params(path: Path | None = None) -> Params:
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    if path is not None:
        try:
            overrides = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise InputError(f"无法读取模拟参数文件 {path}：{error}", f"cannot read the parameters file {path}: {error}") from None
        except yaml.YAMLError as error:
            raise InputError(f"模拟参数文件 {path} 不是有效的 YAML：{error}", f"{path} is not valid YAML: {error}") from None
        if not isinstance(overrides, dict):
            raise InputError(f"模拟参数文件 {path} 应为映射", f"{path} must hold a mapping of parameters")
        unknown = sorted(set(overrides) - set(raw))
        if unknown:
            raise InputError(f"未知的模拟参数：{'、'.join(unknown)}", f"unknown simulation parameters: {', '.join(unknown)}")
        raw = _merged(raw, overrides)
    return Params(
        answers_call=_by_behaviour("answers_call", raw["answers_call"]),
        wrong_number=_probability("wrong_number", raw["wrong_number"]),
        when_reached=_distributions("when_reached", raw["when_reached"]),
        keeps_promise=_by_behaviour("keeps_promise", raw["keeps_promise"]),
        promise_days=_span("promise_days", raw["promise_days"]),
        asks_for_plan=_by_behaviour("asks_for_plan", raw["asks_for_plan"]),
        plan_instalments=_span("plan_instalments", raw["plan_instalments"]),
        plan_first_payment_days=_span("plan_first_payment_days", raw["plan_first_payment_days"]),
        pays_plan_instalment=_by_behaviour("pays_plan_instalment", raw["pays_plan_instalment"]),
        pays_after_message=_by_behaviour("pays_after_message", raw["pays_after_message"]),
        replies_stop=_by_behaviour("replies_stop", raw["replies_stop"]),
        at_home_for_visit=_by_behaviour("at_home_for_visit", raw["at_home_for_visit"]),
        verifies_visit_code=_probability("verifies_visit_code", raw["verifies_visit_code"]),
        when_visited=_distributions("when_visited", raw["when_visited"]),
        collectors=_whole("collectors", raw["collectors"]),
        calls_per_collector=_whole("calls_per_collector", raw["calls_per_collector"]),
        agency_calls_per_agency=_whole("agency_calls_per_agency", raw["agency_calls_per_agency"]),
        field_visits_per_day=_whole("field_visits_per_day", raw["field_visits_per_day"]),
        confirms_address_when_reached=_probability("confirms_address_when_reached", raw["confirms_address_when_reached"]),
        dispute_review_days=_span("dispute_review_days", raw["dispute_review_days"]),
        legal_decides_per_day=_whole("legal_decides_per_day", raw["legal_decides_per_day"]),
        legal_review_days=_whole("legal_review_days", raw["legal_review_days"]),
        plan_review_days=_whole("plan_review_days", raw["plan_review_days"]),
        approves_visits=_probability("approves_visits", raw["approves_visits"]),
        cost_fen=_costs(raw["cost"]),
    )
