"""The grammar of strategy expressions, and a recursive-descent parser for it (never `eval`).

    expression  = disjunction END
    disjunction = conjunction { "or" conjunction }
    conjunction = negation { "and" negation }
    negation    = "not" negation | predicate
    predicate   = "(" disjunction ")"
                | operand [ COMPARE operand
                          | [ "not" ] "between" operand "and" operand
                          | [ "not" ] "in" "(" literal { "," literal } ")"
                          | "is" [ "not" ] "null" ]
    operand     = NAME | literal
    literal     = STRING | NUMBER | "true" | "false"
    COMPARE     = "==" | "!=" | "<" | "<=" | ">" | ">="

Keywords are case-insensitive; strings are in double quotes with \\" and \\\\ as the only
escapes; numbers are decimal, optionally negative (`-3`, `5000.50`). `not` binds tighter than
`and`, which binds tighter than `or`. A bare operand (`hardship`, `true`) is a condition of its
own when it is a flag; the type checker says so otherwise.

    >>> parse("dpd > 3 and not hardship")
    And(operands=(Comparison(op='>', left=Field(name='dpd', type=None), right=Literal(value=Decimal('3'), type=None)), Not(operand=Field(name='hardship', type=None))))
"""

from __future__ import annotations

from arrears.strategy._tokens import KEYWORDS, Kind, Token, tokenize
from arrears.strategy.errors import ExpressionError, did_you_mean
from arrears.strategy.nodes import And, Between, Comparison, Field, Literal, Membership, Node, Not, NullTest, Operand, Or


def parse(text: str) -> Node:
    """The untyped tree of `text`; raises ExpressionError pointing at the first thing wrong."""
    if not text.strip():
        raise ExpressionError(text, 0, 1, "表达式为空", "the expression is empty")
    return _Parser(text).expression()


def _describe(token: Token) -> tuple[str, str]:
    if token.kind is Kind.END:
        return "表达式结尾", "the end of the expression"
    return f"“{token.text}”", f"'{token.text}'"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    # --- token handling -------------------------------------------------------------------

    @property
    def current(self) -> Token:
        return self.tokens[self.position]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.position + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.current
        if token.kind is not Kind.END:
            self.position += 1
        return token

    def fail(self, token: Token, zh: str, en: str) -> ExpressionError:
        return ExpressionError(self.text, token.start, token.end, zh, en)

    def expected(self, zh: str, en: str) -> ExpressionError:
        found_zh, found_en = _describe(self.current)
        return self.fail(self.current, f"此处应为{zh}，却是{found_zh}", f"expected {en}, found {found_en}")

    def expect_keyword(self, word: str) -> Token:
        if not self.current.is_keyword(word):
            raise self.expected(f"“{word}”", f"'{word}'")
        return self.advance()

    def expect(self, kind: Kind) -> Token:
        if self.current.kind is not kind:
            raise self.expected(f"“{kind.value}”", f"'{kind.value}'")
        return self.advance()

    # --- grammar rules --------------------------------------------------------------------

    def expression(self) -> Node:
        node = self.disjunction()
        if self.current.kind is Kind.RIGHT:
            raise self.fail(self.current, "多余的右括号", "a closing parenthesis without an opening one")
        if self.current.kind is Kind.NAME:
            hint_zh, hint_en = did_you_mean(self.current.text.lower(), KEYWORDS)
            if hint_zh:
                raise self.fail(self.current, f"无法理解 “{self.current.text}”{hint_zh}", f"cannot read '{self.current.text}'{hint_en}")
        if self.current.kind is not Kind.END:
            found_zh, found_en = _describe(self.current)
            raise self.fail(
                self.current,
                f"条件已完整，多出{found_zh}；是否缺少 “and” 或 “or”？",
                f"unexpected {found_en} after a complete condition; missing 'and' or 'or'?",
            )
        return node

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while self.current.is_keyword("or"):
            self.advance()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands), operands[0].start, operands[-1].end)

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.current.is_keyword("and"):
            self.advance()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else And(tuple(operands), operands[0].start, operands[-1].end)

    def negation(self) -> Node:
        if self.current.is_keyword("not"):
            word = self.advance()
            operand = self.negation()
            return Not(operand, word.start, operand.end)
        return self.predicate()

    def predicate(self) -> Node:
        if self.current.kind is Kind.LEFT:
            opening = self.advance()
            inner = self.disjunction()
            if self.current.kind is not Kind.RIGHT:
                if self.current.kind is Kind.END:
                    raise self.fail(opening, "括号没有闭合", "this parenthesis is never closed")
                raise self.expected("“)”", "')'")
            self.advance()
            return inner
        left = self.operand()
        token = self.current
        if token.kind is Kind.OPERATOR:
            self.advance()
            right = self.operand()
            return Comparison(token.value, left, right, left.start, right.end)
        negated = False
        if token.is_keyword("not"):
            if not self.peek().is_keyword("between", "in"):
                self.advance()
                raise self.expected("“between” 或 “in”", "'between' or 'in'")
            self.advance()
            negated = True
        if self.current.is_keyword("between"):
            self.advance()
            low = self.operand()
            self.expect_keyword("and")
            high = self.operand()
            return Between(left, low, high, negated, left.start, high.end)
        if self.current.is_keyword("in"):
            self.advance()
            self.expect(Kind.LEFT)
            items = [self.list_item()]
            while self.current.kind is Kind.COMMA:
                self.advance()
                items.append(self.list_item())
            closing = self.expect(Kind.RIGHT)
            return Membership(left, tuple(items), negated, left.start, closing.end)
        if self.current.is_keyword("is"):
            self.advance()
            negated = False
            if self.current.is_keyword("not"):
                self.advance()
                negated = True
            word = self.expect_keyword("null")
            return NullTest(left, negated, left.start, word.end)
        return left

    def list_item(self) -> Literal:
        if self.current.kind is Kind.NAME:
            raise self.fail(self.current, "列表中只能写常量值", "a list holds values, not fields")
        if self.current.kind is Kind.RIGHT:
            raise self.fail(self.current, "列表不能为空或以逗号结尾", "a list may not be empty or end with a comma")
        operand = self.operand()
        assert isinstance(operand, Literal)
        return operand

    def operand(self) -> Operand:
        token = self.current
        if token.kind is Kind.NAME:
            self.advance()
            return Field(token.value, None, token.start, token.end)
        if token.kind in (Kind.NUMBER, Kind.STRING):
            self.advance()
            return Literal(token.value, None, token.start, token.end)
        if token.is_keyword("true", "false"):
            self.advance()
            return Literal(token.value == "true", None, token.start, token.end)
        if token.is_keyword("null"):
            raise self.fail(token, "判断空值请用 “is null” 或 “is not null”", "test for null with 'is null' or 'is not null'")
        raise self.expected("字段名或常量值", "a field or a value")
