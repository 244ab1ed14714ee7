"""Reading composed YAML nodes field by field, keeping line numbers and collecting problems.

PyYAML's `compose` keeps each node's position (`start_mark`), which `safe_load` throws away;
every problem found is recorded with its line and field path and reading goes on, so one
load reports everything wrong in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from arrears.strategy.errors import Problem, did_you_mean

INT_TAG = "tag:yaml.org,2002:int"
STR_TAG = "tag:yaml.org,2002:str"
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CONSTRUCTOR = SafeConstructor()
E = TypeVar("E", bound=StrEnum)


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, node: Node, field: str, zh: str, en: str, line: int | None = None) -> None:
        self.problems.append(Problem(line or line_of(node), field, zh, en))

    def mapping(
        self, node: Node, field: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        """The values of a mapping by key; problems for a missing, unknown or repeated key."""
        if not isinstance(node, MappingNode):
            self.problem(node, field or "(document)", "应为映射（键: 值）", "expected a mapping (key: value)")
            return None
        required = tuple(required)
        known = required + tuple(optional)
        values: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            path = f"{field}.{key}" if field else key
            if key not in known:
                hint_zh, hint_en = did_you_mean(key, known)
                self.problem(key_node, path, f"未知字段{hint_zh}", f"unknown field{hint_en}")
            elif key in values:
                self.problem(
                    key_node,
                    path,
                    f"字段重复（首次出现在第 {line_of(values[key])} 行）",
                    f"field given twice (first on line {line_of(values[key])})",
                )
            else:
                values[key] = value_node
        for key in required:
            if key not in values:
                path = f"{field}.{key}" if field else key
                self.problem(node, path, "缺少必填字段", "required field missing")
        return values

    def sequence(self, node: Node, field: str, *, non_empty: bool = False) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.problem(node, field, "应为列表", "expected a list")
            return None
        if non_empty and not node.value:
            self.problem(node, field, "列表不能为空", "the list may not be empty")
            return None
        return list(node.value)

    def text(self, node: Node, field: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != STR_TAG or not node.value.strip():
            self.problem(node, field, "应为非空文本", "expected non-empty text")
            return None
        return node.value

    def identifier(self, node: Node, field: str) -> str | None:
        value = self.text(node, field)
        if value is not None and not IDENTIFIER.fullmatch(value):
            self.problem(
                node,
                field,
                f"“{value}” 不是有效标识：须以小写字母开头，只含小写字母、数字和下划线",
                f"'{value}' is not an identifier: a lower-case letter, then lower-case letters, digits or _",
            )
            return None
        return value

    def integer(self, node: Node, field: str, low: int, high: int | None = None) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
            self.problem(node, field, "应为整数", "expected a whole number")
            return None
        value = _CONSTRUCTOR.construct_yaml_int(node)
        if value < low or (high is not None and value > high):
            span_zh = f"不小于 {low}" if high is None else f"在 {low} 到 {high} 之间"
            span_en = f"at least {low}" if high is None else f"between {low} and {high}"
            self.problem(node, field, f"应{span_zh}，而不是 {value}", f"must be {span_en}, not {value}")
            return None
        return value

    def choice(self, node: Node, field: str, enum: type[E]) -> E | None:
        options = [member.value for member in enum]
        if isinstance(node, ScalarNode) and node.value in options:
            return enum(node.value)
        word = node.value if isinstance(node, ScalarNode) else ""
        hint_zh, hint_en = did_you_mean(str(word), options)
        listed = ", ".join(options)
        self.problem(
            node,
            field,
            f"“{word}” 无效；可选：{listed}{hint_zh}",
            f"'{word}' is not one of {listed}{hint_en}",
        )
        return None


def compose(text: str, reader: Reader) -> Node | None:
    """The node tree of a YAML text, or None with the syntax problem recorded."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reader.problems.append(Problem(line, "(YAML)", f"YAML 语法错误：{error.problem}", f"YAML syntax: {error.problem}"))
        return None
    if root is None:
        reader.problems.append(Problem(1, "(document)", "文件为空", "the document is empty"))
    return root
