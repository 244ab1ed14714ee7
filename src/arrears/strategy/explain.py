"""Why an account is where it is, what happens next, and what the guard blocked — in plain
zh-Hans and English (pure: the caller gathers the facts).

    explanation = explain_account(facts, strategy, as_of, blocked=[...])
    print(explanation.text("zh-hans"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from arrears.messaging.names import template_name
from arrears.money import DEFAULT_CURRENCY, format_money
from arrears.strategy.assign import segment_for
from arrears.strategy.model import Strategy

LOOK_AHEAD_DAYS = 60

CHANNEL_WORDS = {
    "sms": ("短信", "an SMS"),
    "email": ("电子邮件", "an email"),
    "app_push": ("App 通知", "an app notice"),
    "letter": ("信函", "a letter"),
    "call": ("电话", "a call"),
    "visit_request": ("上门申请", "a visit request"),
    "legal_review": ("法务评估", "a legal review"),
    "forbearance_offer": ("纾困方案", "a forbearance offer"),
}
OWNER_WORDS = {
    "automated": ("自动化触达", "automated contact"),
    "internal_queue": ("内部催收队列", "the in-house queue"),
    "agency_pool": ("委外机构池", "the agency pool"),
    "visit_review": ("上门评估", "visit review"),
    "legal_review": ("法务评估", "legal review"),
}


@dataclass(frozen=True)
class BlockedAction:
    channel: str
    template: str
    rule_ids: tuple[str, ...]
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]


@dataclass(frozen=True)
class HoldOnDay:
    """A hold in force on the day explained. `since` and `until` are aware instants in the lender's
    zone; `until` None: until released."""

    kind: str
    kind_zh: str
    kind_en: str
    since: dt.datetime
    until: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class Explanation:
    lines_zh: tuple[str, ...]
    lines_en: tuple[str, ...]

    def text(self, language: str = "zh-hans") -> str:
        return "\n".join(self.lines_en if language.startswith("en") else self.lines_zh)


def _where(facts: Mapping[str, object], as_of: dt.date, currency: str) -> tuple[str, str]:
    dpd = int(facts["dpd"])
    amount_zh = format_money(int(facts["overdue_amount"]), currency, "zh-hans")
    amount = format_money(int(facts["overdue_amount"]), currency, "en")
    if dpd == 0:
        return (f"截至 {as_of}，账户未逾期（{facts['bucket']}），状态：{facts['status']}。",
                f"As of {as_of} the account is not past due ({facts['bucket']}); status: {facts['status']}.")
    oldest = as_of - dt.timedelta(days=dpd)
    return (
        f"截至 {as_of}，账户逾期 {dpd} 天（{facts['bucket']}）：最早未还的一期应还日为 {oldest}；逾期金额 {amount_zh}。",
        f"As of {as_of} the account is {dpd} days past due ({facts['bucket']}): the oldest unpaid instalment "
        f"fell due on {oldest}; {amount} is overdue.",
    )


def _segment_lines(facts, strategy: Strategy) -> tuple[list[str], list[str], object]:
    assignment = segment_for(facts, strategy)
    zh, en = [], []
    if assignment.segment_id is None:
        zh.append(f"策略 {strategy.name} v{strategy.version} 中没有分组适用于此账户，今日无动作。")
        en.append(f"No segment of strategy {strategy.name} v{strategy.version} applies; nothing is planned.")
        return zh, en, None
    segment = strategy.segment(assignment.segment_id)
    skipped = [s for s in strategy.segments[: strategy.segments.index(segment)]]
    owner_zh, owner_en = OWNER_WORDS.get(segment.owner.value, (segment.owner.value, segment.owner.value))
    zh.append(
        f"适用策略 {strategy.name} v{strategy.version} 的分组「{segment.label_zh}」，由{owner_zh}负责，"
        f"因为满足条件：{segment.when.text}。"
    )
    en.append(
        f"Strategy {strategy.name} v{strategy.version} puts it in segment “{segment.label_en}”, worked by "
        f"{owner_en}, because {segment.when.text}."
    )
    if skipped:
        names = "、".join(s.label_zh for s in skipped)
        zh.append(f"排在前面的分组不适用（{names}）。")
        en.append("Earlier segments do not apply (" + "; ".join(s.label_en for s in skipped) + ").")
    if segment.challenger is not None:
        arm_zh = "挑战者" if assignment.arm.value == "challenger" else "冠军"
        zh.append(f"冠军/挑战者试验：本账户在{arm_zh}组。")
        en.append(f"Champion/challenger test: this account is in the {assignment.arm.value} arm.")
    return zh, en, (segment, assignment.arm)


def _next_lines(facts, as_of: dt.date, placed) -> tuple[list[str], list[str]]:
    if placed is None:
        return [], []
    segment, arm = placed
    dpd = int(facts["dpd"])
    for ahead in range(0, LOOK_AHEAD_DAYS + 1):
        due = [action for action in segment.cadence_for(arm) if action.due_on(dpd + ahead)]
        if due:
            day = as_of + dt.timedelta(days=ahead)
            words_zh = "、".join(CHANNEL_WORDS.get(a.channel.value, (a.channel.value,))[0] for a in due)
            words_en = ", ".join(CHANNEL_WORDS.get(a.channel.value, ("", a.channel.value))[1] for a in due)
            when_zh = "今天" if ahead == 0 else f"{day}（逾期第 {dpd + ahead} 天）"
            when_en = "today" if ahead == 0 else f"on {day} (day {dpd + ahead} past due)"
            return (
                [f"下一步：{when_zh}，{words_zh}，前提是账户状况不变且合规检查放行。"],
                [f"Next: {when_en}, {words_en}, if the account stays as it is and the compliance guard allows it."],
            )
    return (
        [f"未来 {LOOK_AHEAD_DAYS} 天内此分组无计划动作。"],
        [f"This segment plans nothing in the next {LOOK_AHEAD_DAYS} days."],
    )


def _blocked_lines(blocked: Sequence[BlockedAction]) -> tuple[list[str], list[str]]:
    zh, en = [], []
    for action in blocked:
        channel_zh, channel_en = CHANNEL_WORDS.get(action.channel, (action.channel, action.channel))
        zh.append(f"合规拦截：{channel_zh}（{template_name(action.template, 'zh-hans')}）—— " + "；".join(action.reasons_zh)
                  + f"〔{', '.join(action.rule_ids)}〕")
        en.append(f"Blocked by the guard: {channel_en} ({template_name(action.template, 'en')}) — "
                  + "; ".join(action.reasons_en) + f" [{', '.join(action.rule_ids)}]")
    return zh, en


def _moment(instant: dt.datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M")


def _hold_lines(holds: Sequence[HoldOnDay], as_of: dt.date, to_now: bool) -> tuple[list[str], list[str]]:
    if not holds:
        return [], []
    if to_now:
        zh = [f"{as_of} 及其后生效的暂停（暂停期间停止催收联系，合规检查只放行该类暂停允许的内容）："]
        en = [f"Holds in force on {as_of} or since (contact is held while they are: the guard allows only what "
              "each kind allows):"]
    else:
        zh = [f"{as_of} 生效的暂停（暂停期间停止催收联系，合规检查只放行该类暂停允许的内容）："]
        en = [f"Holds in force on {as_of} (contact is held while they are: the guard allows only what each kind allows):"]
    for hold in holds:
        until_zh = f"至 {_moment(hold.until)} 止" if hold.until is not None else "直至解除"
        until_en = f"until {_moment(hold.until)}" if hold.until is not None else "until released"
        zh.append(f"· {hold.kind_zh}：自 {_moment(hold.since)} 起，{until_zh}；原因：{hold.reason or '—'}。")
        en.append(f"· {hold.kind_en}: from {_moment(hold.since)}, {until_en}; reason: {hold.reason or '—'}.")
    return zh, en


def explain_account(
    facts: Mapping[str, object],
    strategy: Strategy,
    as_of: dt.date,
    blocked: Sequence[BlockedAction] = (),
    holds: Sequence[HoldOnDay] = (),
    *,
    holds_to_now: bool = False,
    currency: str = DEFAULT_CURRENCY,
) -> Explanation:
    """`holds`: those in force at some moment of the day `as_of` (or, with `holds_to_now`, of the
    time from that day until now)."""
    where_zh, where_en = _where(facts, as_of, currency)
    holds_zh, holds_en = _hold_lines(holds, as_of, holds_to_now)
    segment_zh, segment_en, placed = _segment_lines(facts, strategy)
    next_zh, next_en = _next_lines(facts, as_of, placed)
    blocked_zh, blocked_en = _blocked_lines(blocked)
    return Explanation(
        lines_zh=(where_zh, *holds_zh, *segment_zh, *next_zh, *blocked_zh),
        lines_en=(where_en, *holds_en, *segment_en, *next_en, *blocked_en),
    )
