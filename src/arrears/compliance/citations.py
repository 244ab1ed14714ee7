"""Which source a content-lint finding cites, by category, compliance profile and product.

The table is data (`lint_citations.yaml`); this module only reads it. A consumer loan under the
cn profile cites the consumer-loan collection guideline, a credit card the card regulation, a
microloan the microloan companies' measures, and us-regf cites Regulation F for any.

    >>> cite("third_party", "cn", "consumer_loan").zh.startswith("《金融机构个人消费类贷款催收工作指引")
    True
    >>> "信用卡" in cite("insult", "cn", "consumer_loan").zh
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROFILES = ("cn", "us-regf")
PRODUCTS = ("consumer_loan", "credit_card", "microloan")
"""A product's kind (ledger Product.kind): the cn profile cites the regulation for each."""
DEFAULT_PROFILE = "cn"
DEFAULT_PRODUCT = "consumer_loan"


@dataclass(frozen=True)
class Citation:
    """What a category means and the source it cites, in both languages."""

    what_zh: str
    what_en: str
    zh: str
    en: str

    def message(self) -> tuple[str, str]:
        return f"{self.what_zh}（{self.zh}）。", f"{self.what_en} ({self.en})."


@cache
def _table() -> dict:
    import yaml

    path = Path(__file__).with_name("lint_citations.yaml")
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["categories"]


def categories() -> tuple[str, ...]:
    return tuple(_table())


def cite(category: str, profile: str | None = None, product: str | None = None) -> Citation:
    """The citation for `category` under `profile` (cn, us-regf) and `product` (consumer_loan, credit_card, microloan)."""
    profile = profile or DEFAULT_PROFILE
    product = product or DEFAULT_PRODUCT
    if profile not in PROFILES:
        raise ValueError(f"未知的合规配置 {profile!r} / unknown compliance profile {profile!r}")
    if product not in PRODUCTS:
        raise ValueError(f"未知的产品 {product!r} / unknown product {product!r}")
    entry = _table()[category]
    source = entry[profile]
    if "zh" not in source:
        source = source[product]
    return Citation(entry["what_zh"], entry["what_en"], source["zh"], source["en"])
