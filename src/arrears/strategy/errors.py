"""Errors of the strategy language and the strategy document, in zh-Hans and English.

An expression error points at the character: it carries the column and prints the expression
with a caret line under the offending text. A document error carries the line and the field.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from arrears.errors import ConfigurationError, InputError


class ExpressionError(InputError):
    """A strategy expression that cannot be parsed or does not type-check.

    `start` and `end` are character offsets into `text`; `line` and `column` are 1-based.
    """

    def __init__(self, text: str, start: int, end: int, reason_zh: str, reason_en: str) -> None:
        start = max(0, min(start, len(text)))
        end = max(start + 1, min(end, len(text)))
        self.text = text
        self.start = start
        self.end = end
        self.line, self.column = line_and_column(text, start)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        multi_line = "\n" in text.strip("\n")
        where_zh = f"第 {self.line} 行第 {self.column} 列" if multi_line else f"第 {self.column} 列"
        where_en = f"line {self.line}, column {self.column}" if multi_line else f"column {self.column}"
        snippet = caret_snippet(text, start, end)
        super().__init__(
            f"表达式{where_zh}：{reason_zh}\n{snippet}",
            f"expression {where_en}: {reason_en}\n{snippet}",
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a strategy document: where (line, field path) and what, in both languages."""

    line: int
    field: str
    zh: str
    en: str


class StrategyDocumentError(ConfigurationError):
    """A strategy document that does not load; `problems` lists every problem found, in order."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        first = self.problems[0]
        self.line = first.line
        self.field = first.field
        zh = "\n".join(f"策略文件 {source} 第 {p.line} 行，{p.field}：{p.zh}" for p in self.problems)
        en = "\n".join(f"strategy {source} line {p.line}, {p.field}: {p.en}" for p in self.problems)
        super().__init__(zh, en)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def _display_width(text: str) -> int:
    # Chinese characters take two terminal cells; the caret must still land under the error.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def caret_snippet(text: str, start: int, end: int, indent: str = "  ") -> str:
    """The line of `text` holding `start`, and a caret line under `start`..`end` on that line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end == -1:
        line_end = len(text)
    line = text[line_start:line_end]
    pad = _display_width(text[line_start:start])
    width = max(1, _display_width(text[start:min(end, line_end)]))
    return f"{indent}{line}\n{indent}{' ' * pad}{'^' * width}"


def did_you_mean(word: str, choices: Iterable[str]) -> tuple[str, str]:
    """(zh, en) suffixes suggesting the closest of `choices` to `word`, or empty strings."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    if not close:
        return "", ""
    return (
        "；是否指 " + "、".join(f"“{c}”" for c in close) + "？",
        "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?",
    )
