"""Contract terms, commission and the scorecard: pure rules, each error in zh-Hans and English."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from arrears.agencies.commission import apply_rate, commission_fen, recovery_bp, tier_for
from arrears.agencies.masking import mask_name, shown_fields
from arrears.agencies.scorecard import DEFAULT_WEIGHTS, Measures, check_weights, scorecard
from arrears.agencies.terms import ContractTerms, Tier

GOOD = dict(
    valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31), buckets=["M2", "M3"], min_amount=0,
    max_amount=None, placement_days=30, channels=["call", "sms"], visits_allowed=False,
    shared_fields=["loan_reference", "mobile"],
    commission_schedule=[{"bucket": b, "tiers": [{"from_recovery_bp": 0, "rate_bp": 1000}]} for b in ("M2", "M3")],
    purpose="催收", processing_duration="委案期内", processing_method="电话", data_types="姓名、手机",
    protection_measures="加密", end_of_term="delete",
)


def problems(**changes) -> dict[str, tuple[str, str]]:
    return {p.field: (p.zh, p.en) for p in ContractTerms.from_mapping({**GOOD, **changes}).problems()}


def test_good_terms_have_no_problems():
    assert problems() == {}


def test_each_bad_term_is_named_in_both_languages():
    cases = {
        "valid_until": dict(valid_until=dt.date(2025, 12, 31)),
        "buckets": dict(buckets=["M9"]),
        "max_amount": dict(min_amount=500, max_amount=100),
        "placement_days": dict(placement_days=0),
        "channels": dict(channels=["visit"]),  # visits not allowed
        "shared_fields": dict(shared_fields=["password"]),
        "purpose": dict(purpose="  "),
        "data_types": dict(data_types=""),
        "end_of_term": dict(end_of_term="keep"),
    }
    for field, change in cases.items():
        found = problems(**change)
        assert field in found, field
        zh, en = found[field]
        assert zh and en and zh != en


def test_commission_rates_must_be_whole_basis_points_and_cover_every_bucket():
    fractional = [{"bucket": "M2", "tiers": [{"from_recovery_bp": 0, "rate_bp": 12.5}]}]
    assert "basis points" in problems(commission_schedule=fractional)["commission_schedule"][1]
    missing = [{"bucket": "M2", "tiers": [{"from_recovery_bp": 0, "rate_bp": 1000}]}]
    assert "M3" in problems(commission_schedule=missing)["commission_schedule"][1]
    no_zero = [{"bucket": b, "tiers": [{"from_recovery_bp": 100, "rate_bp": 1000}]} for b in ("M2", "M3")]
    assert "start at recovery 0" in problems(commission_schedule=no_zero)["commission_schedule"][1]


TIERS = (Tier(0, 800), Tier(2000, 1200), Tier(5000, 1800))


def test_the_tier_is_reached_by_the_recovery_rate_and_applies_to_the_whole_recovery():
    assert tier_for(recovery_bp(19_999, 100_000), TIERS) == Tier(0, 800)
    assert tier_for(recovery_bp(20_000, 100_000), TIERS) == Tier(2000, 1200)
    assert commission_fen(recovered=50_000, placed=100_000, tiers=TIERS) == 9_000
    assert commission_fen(recovered=0, placed=100_000, tiers=TIERS) == 0
    assert apply_rate(1, 5000) == 1 and apply_rate(1, 4999) == 0  # half a fen rounds up, less rounds down


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_commission_is_the_exact_rate_rounded_half_up_to_the_fen(recovered, rate_bp):
    exact = Decimal(recovered) * Decimal(rate_bp) / Decimal(10_000)
    assert apply_rate(recovered, rate_bp) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_more_recovered_never_earns_less_commission(placed, recovered, more):
    assert commission_fen(recovered=recovered + more, placed=placed, tiers=TIERS) >= commission_fen(
        recovered=recovered, placed=placed, tiers=TIERS
    )


def measures(**changes) -> Measures:
    base = dict(agency_id=1, days_active=3650, placements=100, placed_amount=1_000_000, recovered=400_000,
                blocked_actions=0, upheld_complaints=0, complaints=0, ratings=2, rating_sum=10)
    return Measures(**{**base, **changes})


def test_the_scorecard_scores_each_criterion_from_data_and_weighs_them():
    card = scorecard(measures(), DEFAULT_WEIGHTS)
    assert card.scores == {"recovery": 4000, "experience": 10_000, "compliance": 10_000, "complaints": 10_000, "feedback": 10_000}
    assert card.total == (4000 * 3500 + 10_000 * 6500) // 10_000
    worse = scorecard(measures(blocked_actions=3, complaints=5, upheld_complaints=1), DEFAULT_WEIGHTS)
    assert worse.scores["compliance"] == 6000 and worse.scores["complaints"] == 5000
    assert worse.total < card.total
    assert scorecard(measures(ratings=0, rating_sum=0), DEFAULT_WEIGHTS).scores["feedback"] == 5000


@given(st.builds(measures, placements=st.integers(0, 10**6), placed_amount=st.integers(0, 10**12),
                 recovered=st.integers(0, 10**12), blocked_actions=st.integers(0, 10**6), complaints=st.integers(0, 10**6),
                 days_active=st.integers(0, 10**5)))
def test_every_score_stays_between_0_and_10000(m):
    card = scorecard(m, DEFAULT_WEIGHTS)
    assert all(0 <= s <= 10_000 for s in card.scores.values()) and 0 <= card.total <= 10_000


def test_weights_must_cover_every_criterion_and_sum_to_10000():
    assert check_weights(DEFAULT_WEIGHTS) == []
    assert check_weights({**DEFAULT_WEIGHTS, "recovery": 0})
    assert any("missing" in en for _zh, en in check_weights({"recovery": 10_000}))
    assert any("sum" in en for _zh, en in check_weights({**DEFAULT_WEIGHTS, "recovery": 3000}))


def test_an_agency_is_shown_only_shared_fields_masked():
    values = {"borrower_name": "欧阳娜娜", "mobile": "+8613812345678", "address": "广东省深圳市南山区科技园", "bucket": "M2"}
    assert shown_fields(values, ["bucket", "mobile"]) == {"bucket": "M2", "mobile": "+86 138****5678"}
    assert shown_fields(values, ["borrower_name", "address"]) == {"borrower_name": "欧***", "address": "广东省深圳市****"}
    assert mask_name("李") == "李*"
