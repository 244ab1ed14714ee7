"""The product catalogue shipped for a US lender: dollars, the lender's own late fees, no default
rate, within the us-regf profile's cost ceiling; and the US synthetic book lends from it."""

from __future__ import annotations

from arrears.compliance.profiles import cost_ceiling_bp, load_profile
from arrears.ledger.catalogue import SHIPPED_CATALOGUE, read_catalogue, shipped_catalogue
from arrears.simulate import BookOptions, generate_book
from arrears.simulate.products import product_profiles


def test_a_us_lender_has_its_own_catalogue_and_a_chinese_lender_keeps_the_shipped_one():
    assert shipped_catalogue("us-regf").name == "products-us-regf.yaml"
    assert shipped_catalogue("cn") == shipped_catalogue(None) == SHIPPED_CATALOGUE


def test_the_us_catalogue_is_in_cents_within_the_profiles_ceiling_with_no_default_rate():
    us = {spec.code: spec for spec in read_catalogue(shipped_catalogue("us-regf"),
                                                      cost_ceiling_bp=cost_ceiling_bp(load_profile("us-regf")))}
    cn = {spec.code: spec for spec in read_catalogue()}
    assert us["CASH"].late_fee == 1500 and us["POS"].late_fee == 1000 and us["BULLET"].late_fee == 0  # $15.00, $10.00
    assert all(spec.penalty_rate_bp == 0 and spec.cost_cap_bp <= 3600 for spec in us.values())
    assert {code: spec.late_fee for code, spec in us.items()} != {code: spec.late_fee for code, spec in cn.items()}
    assert "Personal instalment loan" in us["CASH"].name_en


def test_the_us_book_is_priced_from_the_us_catalogue():
    us = product_profiles(profile="us-regf")
    assert {p.code: p.annual_rate_bp for p in us} == {"CASH": 1800, "POS": 1200, "BULLET": 1500}
    book = generate_book(BookOptions(loans=200, seed=3, profile="us-regf")).loans
    assert set(book.column("product").to_pylist()) <= {p.code for p in us}
    assert set(book.column("currency").to_pylist()) == {"USD"}
