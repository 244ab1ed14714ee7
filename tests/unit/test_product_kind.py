"""A product carries its kind (consumer loan, credit card, microloan), from the products file, and
the content lint cites the regulation for that kind under the cn profile."""

from __future__ import annotations

import re

import pytest

from arrears.compliance.citations import PRODUCTS, cite
from arrears.compliance.lint import lint
from arrears.errors import InputError
from arrears.ledger.catalogue import parse_catalogue, read_catalogue
from arrears.ledger.models import ProductKind

CJK = re.compile(r"[\u4e00-\u9fff]")
PRODUCT = {"code": "X", "name_zh": "甲", "name_en": "X", "repayment_method": "annuity", "annual_rate_bp": 0}


def test_the_product_kinds_are_the_kinds_the_lint_cites_for() -> None:
    assert set(ProductKind.values) == set(PRODUCTS)


def test_the_shipped_products_name_their_kind_and_a_product_without_one_is_a_consumer_loan() -> None:
    assert {spec.kind for spec in read_catalogue()} == {"consumer_loan"}
    assert parse_catalogue({"products": [PRODUCT]})[0].kind == "consumer_loan"
    card = parse_catalogue({"products": [{**PRODUCT, "kind": "credit_card"}]})[0]
    assert card.kind == "credit_card" and card.as_row()["kind"] == "credit_card"


def test_an_unknown_kind_is_refused_in_both_languages() -> None:
    with pytest.raises(InputError) as refused:
        parse_catalogue({"products": [{**PRODUCT, "kind": "mortgage"}]})
    assert "products[0].kind: kind must be one of consumer_loan, credit_card, microloan" in refused.value.en
    assert "products[0].kind" in refused.value.zh and CJK.search(refused.value.zh)


@pytest.mark.parametrize(
    ("kind", "cited", "never"),
    [
        ("consumer_loan", "消费类贷款催收工作指引", "信用卡"),
        ("credit_card", "信用卡业务监督管理办法", "消费类贷款"),
        ("microloan", "小额贷款公司监督管理暂行办法", "信用卡"),
    ],
)
def test_each_kind_cites_its_own_regulation_under_cn_and_reg_f_under_us_regf(kind, cited, never) -> None:
    findings = lint("再不还钱就打断你的腿", product=kind)
    assert findings and all(cited in f.citation_zh and never not in f.citation_zh for f in findings)
    assert all(cited in f.message_zh for f in findings)
    assert "1006.14(c)" in cite("violence", "us-regf", kind).en
