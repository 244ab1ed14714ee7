"""Cutting an expression into tokens, with friendly errors for the usual slips.

The slips: `=` for `==`, `&&`/`||`/`!` for `and`/`or`/`not`, single quotes, and the full-width
punctuation a Chinese keyboard types (`（`, `”`, `，`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from arrears.strategy.errors import ExpressionError

KEYWORDS = frozenset({"and", "or", "not", "between", "in", "is", "null", "true", "false"})
COMPARISON_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "“": '"', "”": '"', "＝": "=", "＜": "<", "＞": ">", "！": "!"}
WRONG_OPERATORS = {
    "&&": ("请用 “and”", "use 'and'"),
    "||": ("请用 “or”", "use 'or'"),
    "&": ("请用 “and”", "use 'and'"),
    "|": ("请用 “or”", "use 'or'"),
    "!": ("请用 “not”", "use 'not'"),
    "=": ("比较相等请用 “==”", "use '==' to compare"),
}


class Kind(Enum):
    NAME = "name"
    KEYWORD = "keyword"
    NUMBER = "number"
    STRING = "string"
    OPERATOR = "operator"
    LEFT = "("
    RIGHT = ")"
    COMMA = ","
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    value: object
    start: int
    end: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind is Kind.KEYWORD and self.value in words


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            word = text[start:i]
            if word.lower() in KEYWORDS:
                tokens.append(Token(Kind.KEYWORD, word, word.lower(), start, i))
            else:
                tokens.append(Token(Kind.NAME, word, word, start, i))
        elif _starts_number(text, i):
            tokens.append(_number(text, start))
            i = tokens[-1].end
        elif ch == '"':
            tokens.append(_string(text, start))
            i = tokens[-1].end
        elif ch in "(),":
            kind = {"(": Kind.LEFT, ")": Kind.RIGHT, ",": Kind.COMMA}[ch]
            tokens.append(Token(kind, ch, ch, start, start + 1))
            i += 1
        elif text.startswith(COMPARISON_OPERATORS, i):
            op = next(op for op in COMPARISON_OPERATORS if text.startswith(op, i))
            tokens.append(Token(Kind.OPERATOR, op, op, start, start + len(op)))
            i += len(op)
        else:
            raise _bad_character(text, start)
    tokens.append(Token(Kind.END, "", None, n, n))
    return tokens


def _starts_number(text: str, i: int) -> bool:
    if text[i] == "-":
        i += 1
    return i < len(text) and text[i].isascii() and text[i].isdigit()


def _number(text: str, start: int) -> Token:
    i = start + 1
    n = len(text)
    while i < n and text[i].isascii() and text[i].isdigit():
        i += 1
    if i + 1 < n and text[i] == "." and text[i + 1].isascii() and text[i + 1].isdigit():
        i += 1
        while i < n and text[i].isascii() and text[i].isdigit():
            i += 1
    return Token(Kind.NUMBER, text[start:i], Decimal(text[start:i]), start, i)


def _string(text: str, start: int) -> Token:
    chars: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            return Token(Kind.STRING, text[start : i + 1], "".join(chars), start, i + 1)
        if ch == "\\":
            if i + 1 < n and text[i + 1] in '"\\':
                chars.append(text[i + 1])
                i += 2
                continue
            raise ExpressionError(
                text, i, i + 2, "字符串中只能用 \\\" 和 \\\\ 转义", 'only \\" and \\\\ may be escaped in a string'
            )
        chars.append(ch)
        i += 1
    raise ExpressionError(text, start, start + 1, "字符串缺少结尾的双引号", "the string has no closing double quote")


def _bad_character(text: str, start: int) -> ExpressionError:
    ch = text[start]
    if ch in FULL_WIDTH:
        ascii_ch = FULL_WIDTH[ch]
        return ExpressionError(
            text, start, start + 1, f"这是全角字符 {ch}，请改用半角 {ascii_ch}", f"full-width {ch}: use {ascii_ch}"
        )
    if ch == "'":
        return ExpressionError(text, start, start + 1, "字符串请用双引号", "strings are written in double quotes")
    for wrong, (zh, en) in WRONG_OPERATORS.items():
        if text.startswith(wrong, start):
            return ExpressionError(text, start, start + len(wrong), zh, en)
    return ExpressionError(text, start, start + 1, f"无法识别的字符“{ch}”", f"unexpected character '{ch}'")
