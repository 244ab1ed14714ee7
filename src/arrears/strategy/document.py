"""The strategy document: a versioned YAML file of ordered segments, loaded into frozen records.

    name: default
    version: 3
    segments:
      - id: early_reminder
        label_zh: 早期提醒
        label_en: Early reminder
        when: dpd between 1 and 3
        owner: automated
        priority: 10
        cadence:
          - {channel: sms, template: sms_early, on_dpd: [1, 3]}
          - {channel: app_push, template: push_early, every: 1, from_dpd: 1}
        challenger:
          name: sms_daily
          share: 20
          cadence:
            - {channel: sms, template: sms_early, on_dpd: [1, 2, 3]}

Every problem is reported with its line and field path (`segments[0].cadence[1].channel`,
0-based), in zh-Hans and English, all at once.

    >>> default_strategy().segments[0].id
    'dispute_hold'
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from arrears.strategy._yaml_reader import Reader, compose, line_of
from arrears.strategy.errors import ExpressionError, Problem, StrategyDocumentError
from arrears.strategy.expressions import Expression, parse_expression
from arrears.strategy.facts import ACCOUNT_FACTS, Facts
from arrears.strategy.model import Action, Challenger, Channel, Owner, Ranking, Segment, Strategy
from arrears.strategy.nodes import Literal

MAX_ATTEMPTS_PER_DAY = 6
"""Unanswered attempts to one contact method a day: at most 6 (China Banking Association,
金融机构个人消费类贷款催收工作指引(试行)). The compliance guard enforces the rule on what is sent;
a cadence asking for more is a mistake in the document."""
MAX_DPD = 3650
MAX_PRIORITY = 1000

SEGMENT_FIELDS = ("id", "label_zh", "label_en", "when", "owner", "priority", "cadence")
ACTION_FIELDS = ("channel", "template")
ACTION_OPTIONAL = ("on_dpd", "every", "from_dpd", "attempts")
CHALLENGER_FIELDS = ("name", "share", "cadence")
CHALLENGER_OPTIONAL = ("ranking",)


def load_strategy(text: str, *, source: str = "<text>", facts: Facts = ACCOUNT_FACTS) -> Strategy:
    """The strategy in YAML `text`; raises StrategyDocumentError listing every problem."""
    reader = Reader()
    root = compose(text, reader)
    strategy = _strategy(root, reader, facts) if root is not None else None
    if reader.problems or strategy is None:
        raise StrategyDocumentError(source, reader.problems)
    return strategy


def load_strategy_file(path: str | Path, *, facts: Facts = ACCOUNT_FACTS) -> Strategy:
    path = Path(path)
    return load_strategy(path.read_text(encoding="utf-8"), source=path.name, facts=facts)


@functools.cache
def default_strategy(profile: str | None = None) -> Strategy:
    """The strategy shipped with arrears for a lender's profile: `strategy/<profile>.yaml` where one
    is shipped (us-regf), else `strategy/default.yaml`."""
    name = "default.yaml"
    if profile and resources.files("arrears.strategy").joinpath(f"{profile}.yaml").is_file():
        name = f"{profile}.yaml"
    text = resources.files("arrears.strategy").joinpath(name).read_text(encoding="utf-8")
    return load_strategy(text, source=name)


def _strategy(root: Node, reader: Reader, facts: Facts) -> Strategy | None:
    fields = reader.mapping(root, "", ("name", "version", "segments"))
    if fields is None:
        return None
    name = reader.identifier(fields["name"], "name") if "name" in fields else None
    version = reader.integer(fields["version"], "version", 1) if "version" in fields else None
    segments: list[Segment | None] = []
    nodes = reader.sequence(fields["segments"], "segments", non_empty=True) if "segments" in fields else None
    for index, node in enumerate(nodes or ()):
        segments.append(_segment(node, f"segments[{index}]", reader, facts))
    _check_ids(nodes or (), reader)
    _check_reachable(segments, reader)
    if name is None or version is None or nodes is None or None in segments:
        return None
    return Strategy(name, version, tuple(segments))  # type: ignore[arg-type]


def _segment(node: Node, path: str, reader: Reader, facts: Facts) -> Segment | None:
    fields = reader.mapping(node, path, SEGMENT_FIELDS, ("challenger",))
    if fields is None:
        return None
    read = {
        "id": lambda n: reader.identifier(n, f"{path}.id"),
        "label_zh": lambda n: reader.text(n, f"{path}.label_zh"),
        "label_en": lambda n: reader.text(n, f"{path}.label_en"),
        "when": lambda n: _expression(n, f"{path}.when", reader, facts),
        "owner": lambda n: reader.choice(n, f"{path}.owner", Owner),
        "priority": lambda n: reader.integer(n, f"{path}.priority", 0, MAX_PRIORITY),
        "cadence": lambda n: _cadence(n, f"{path}.cadence", reader),
        "challenger": lambda n: _challenger(n, f"{path}.challenger", reader),
    }
    values = {key: read[key](value) for key, value in fields.items()}
    if any(values.get(key) is None for key in SEGMENT_FIELDS):
        return None
    if "challenger" in fields and values["challenger"] is None:
        return None
    return Segment(**values, line=line_of(node))


def _expression(node: Node, path: str, reader: Reader, facts: Facts) -> Expression | None:
    if not isinstance(node, ScalarNode):
        reader.problem(node, path, "应为一个条件表达式（文本）", "expected a condition (text)")
        return None
    try:
        return parse_expression(node.value, facts)
    except ExpressionError as error:
        # Block scalars (| and >) start on the line after the key.
        first_line = line_of(node) + (1 if node.style in ("|", ">") else 0)
        reader.problem(node, path, error.zh, error.en, line=first_line + error.line - 1)
        return None


def _cadence(node: Node, path: str, reader: Reader) -> tuple[Action, ...] | None:
    items = reader.sequence(node, path)
    if items is None:
        return None
    actions = [_action(item, f"{path}[{index}]", reader) for index, item in enumerate(items)]
    return None if None in actions else tuple(actions)  # type: ignore[arg-type]


def _action(node: Node, path: str, reader: Reader) -> Action | None:
    fields = reader.mapping(node, path, ACTION_FIELDS, ACTION_OPTIONAL)
    if fields is None:
        return None
    channel = reader.choice(fields["channel"], f"{path}.channel", Channel) if "channel" in fields else None
    template = reader.identifier(fields["template"], f"{path}.template") if "template" in fields else None
    attempts = (
        reader.integer(fields["attempts"], f"{path}.attempts", 1, MAX_ATTEMPTS_PER_DAY) if "attempts" in fields else 1
    )
    schedule_ok = True
    on_dpd: tuple[int, ...] = ()
    every = from_dpd = None
    if "on_dpd" in fields and "every" in fields:
        reader.problem(
            fields["every"], f"{path}.every", "“on_dpd” 与 “every” 只能二选一", "give either 'on_dpd' or 'every', not both"
        )
        schedule_ok = False
    elif "on_dpd" in fields:
        days = _days(fields["on_dpd"], f"{path}.on_dpd", reader)
        schedule_ok = days is not None
        on_dpd = days or ()
        if "from_dpd" in fields:
            reader.problem(
                fields["from_dpd"], f"{path}.from_dpd", "“from_dpd” 只与 “every” 一起使用", "'from_dpd' goes with 'every' only"
            )
            schedule_ok = False
    elif "every" in fields:
        every = reader.integer(fields["every"], f"{path}.every", 1, MAX_DPD)
        if "from_dpd" not in fields:
            reader.problem(fields["every"], f"{path}.from_dpd", "“every” 需要 “from_dpd”", "'every' needs 'from_dpd'")
            schedule_ok = False
        else:
            from_dpd = reader.integer(fields["from_dpd"], f"{path}.from_dpd", 0, MAX_DPD)
        schedule_ok = schedule_ok and every is not None and from_dpd is not None
    else:
        reader.problem(
            node, f"{path}.on_dpd", "需要 “on_dpd”（天数列表）或 “every” 加 “from_dpd”", "needs 'on_dpd' (a list of days) or 'every' with 'from_dpd'"
        )
        schedule_ok = False
    if channel is None or template is None or attempts is None or not schedule_ok:
        return None
    return Action(channel, template, attempts, on_dpd, every, from_dpd)


def _days(node: Node, path: str, reader: Reader) -> tuple[int, ...] | None:
    items = reader.sequence(node, path, non_empty=True)
    if items is None:
        return None
    days = [reader.integer(item, f"{path}[{index}]", 0, MAX_DPD) for index, item in enumerate(items)]
    if None in days:
        return None
    seen: dict[int, int] = {}
    for index, day in enumerate(days):
        if day in seen:
            reader.problem(items[index], f"{path}[{index}]", f"第 {day} 天重复", f"day {day} is listed twice")
            return None
        seen[day] = index
    return tuple(sorted(days))  # type: ignore[arg-type]


def _challenger(node: Node, path: str, reader: Reader) -> Challenger | None:
    fields = reader.mapping(node, path, CHALLENGER_FIELDS, CHALLENGER_OPTIONAL)
    if fields is None:
        return None
    ranking = reader.choice(fields["ranking"], f"{path}.ranking", Ranking) if "ranking" in fields else Ranking.QUEUE
    # an optimised challenger may take the whole segment (share 100): the optimiser against the ladder
    most = 100 if ranking == Ranking.OPTIMISED else 99
    name = reader.identifier(fields["name"], f"{path}.name") if "name" in fields else None
    share = reader.integer(fields["share"], f"{path}.share", 1, most) if "share" in fields else None
    cadence = _cadence(fields["cadence"], f"{path}.cadence", reader) if "cadence" in fields else None
    if name is None or share is None or cadence is None or ranking is None:
        return None
    return Challenger(name, share, cadence, ranking)


def _check_ids(nodes, reader: Reader) -> None:
    """Segment ids are unique; read from the nodes, so a segment with other problems still counts."""
    first_line: dict[str, int] = {}
    for index, node in enumerate(nodes):
        if not isinstance(node, MappingNode):
            continue
        for key, value in node.value:
            if key.value != "id" or not isinstance(value, ScalarNode):
                continue
            if value.value in first_line:
                reader.problem(
                    value,
                    f"segments[{index}].id",
                    f"分群标识 “{value.value}” 重复（首次出现在第 {first_line[value.value]} 行）",
                    f"segment id '{value.value}' is used twice (first on line {first_line[value.value]})",
                )
            else:
                first_line[value.value] = line_of(value)


def _check_reachable(segments, reader: Reader) -> None:
    """A segment whose condition is plain `true` catches everything: none after it can match."""
    for index, segment in enumerate(segments[:-1]):
        tree = segment.when.tree if segment is not None else None
        if isinstance(tree, Literal) and tree.value is True:
            later = len(segments) - index - 1
            reader.problems.append(
                Problem(
                    segment.line,
                    f"segments[{index}].when",
                    f"条件恒为真，其后的 {later} 个分群永远不会匹配；请把它放在最后",
                    f"always true, so the {later} segment(s) after it never match; put it last",
                )
            )
