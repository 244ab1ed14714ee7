"""Account facts: the fields a strategy expression may use, each with its type.

Money is fen (integer) in the data; people write yuan in expressions, and the compiler turns
`overdue_amount > 5000` into a comparison with 500000 fen.

    >>> ACCOUNT_FACTS["overdue_amount"].type
    <FactType.MONEY: 'money'>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import ibis

from arrears.cycle.buckets import BucketScheme
from arrears.cycle.models_words import AccountStatusWord
from arrears.ledger.records import MAX_SCORE


class FactType(StrEnum):
    INTEGER = "integer"
    """A whole number (days, counts, a score)."""
    MONEY = "money"
    """Fen in the data, yuan with at most two decimals in an expression."""
    TEXT = "text"
    """A word; compared for equality and membership only (engines order text differently)."""
    FLAG = "flag"
    """True or false."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One field of an account an expression may read.

    `nullable` says whether the data may hold no value (a missing score); `minimum`/`maximum`
    bound the literals an expression may compare with; `choices`, when set, are the only words
    a text fact takes.
    """

    name: str
    type: FactType
    zh: str
    en: str
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None

    @property
    def ibis_type(self) -> str:
        return {
            FactType.INTEGER: "int64",
            FactType.MONEY: "int64",
            FactType.TEXT: "string",
            FactType.FLAG: "boolean",
        }[self.type]


Facts = Mapping[str, Fact]
"""A catalogue of facts by name."""


def account_facts(bucket_scheme: BucketScheme | None = None) -> Facts:
    """The account facts, with the bucket names of `bucket_scheme` (the industry default if None)."""
    scheme = bucket_scheme or BucketScheme()
    facts = (
        Fact("dpd", FactType.INTEGER, "逾期天数", "days past due", minimum=0),
        Fact("bucket", FactType.TEXT, "账龄", "delinquency bucket", choices=scheme.names),
        Fact("overdue_amount", FactType.MONEY, "逾期金额（元）", "amount overdue (yuan)"),
        Fact("balance", FactType.MONEY, "剩余应还（元）", "balance (yuan)"),
        Fact("principal_outstanding", FactType.MONEY, "剩余本金（元）", "principal outstanding (yuan)"),
        Fact("product", FactType.TEXT, "产品", "product"),
        Fact("score", FactType.INTEGER, "评分", "score", nullable=True, minimum=0, maximum=MAX_SCORE),
        Fact("status", FactType.TEXT, "账户状态", "account status", choices=tuple(word.value for word in AccountStatusWord)),
        Fact("hardship", FactType.FLAG, "困难客户", "in hardship"),
        Fact("dispute", FactType.FLAG, "存在争议", "disputed"),
        Fact("unreachable", FactType.FLAG, "失联", "unreachable"),
        Fact("address_verified", FactType.FLAG, "地址已核实", "address verified"),
        Fact("promise_pending", FactType.FLAG, "承诺还款待履行", "promise to pay pending"),
        Fact("plan_active", FactType.FLAG, "还款计划执行中", "repayment plan active"),
        Fact("refusal_count", FactType.INTEGER, "拒绝还款次数", "refusals to pay", minimum=0),
        Fact("failed_contacts", FactType.INTEGER, "连续联系失败次数", "consecutive failed contacts", minimum=0),
        Fact("broken_promises", FactType.INTEGER, "违约承诺次数", "broken promises", minimum=0),
        Fact("validation_notice_due", FactType.FLAG, "应发债务确认通知", "validation notice due"),
    )
    return MappingProxyType({fact.name: fact for fact in facts})


ACCOUNT_FACTS: Facts = account_facts()


def fact_schema(facts: Facts = ACCOUNT_FACTS, id_column: str = "loan_id") -> ibis.Schema:
    """The Ibis schema of a table of account facts, keyed by `id_column` (int64)."""
    return ibis.schema({id_column: "int64", **{f.name: f.ibis_type for f in facts.values()}})
