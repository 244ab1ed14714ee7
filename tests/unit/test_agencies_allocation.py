"""Allocation across agencies, in DuckDB: contract rules, capacity, weights, stable arms."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.agencies.allocation import allocate, arm_of

BUCKETS = ["M1", "M2", "M3", "M4"]


def candidates(rows):
    return pa.table({
        "loan_id": [r[0] for r in rows], "bucket": [r[1] for r in rows], "overdue": [r[2] for r in rows],
        "balance": [r[2] * 3 for r in rows],
    })


def offers(rows):
    keys = ("agency_id", "contract_id", "buckets", "min_amount", "max_amount", "placement_days", "weight", "free_capacity")
    return pa.table({key: [r[i] for r in rows] for i, key in enumerate(keys)})


case_rows = st.lists(
    st.tuples(st.integers(1, 10**6), st.sampled_from(BUCKETS), st.integers(0, 10**7)), max_size=80, unique_by=lambda r: r[0]
)
offer_rows = st.lists(
    st.tuples(
        st.integers(1, 50), st.integers(1, 10**6), st.lists(st.sampled_from(BUCKETS), min_size=1, max_size=3, unique=True),
        st.integers(0, 10**6), st.one_of(st.none(), st.integers(10**6, 10**7)), st.integers(1, 90),
        st.integers(1, 10_000), st.integers(0, 30),
    ),
    max_size=5, unique_by=lambda r: r[0],
)


@settings(max_examples=60, deadline=None)
@given(case_rows, offer_rows, st.integers(0, 100))
def test_each_case_goes_once_to_an_eligible_agency_within_its_capacity(cases, agencies, share):
    # when the day's cases are allocated
    placed = allocate(candidates(cases), offers(agencies), challenger_share=share).to_pylist()
    by_agency = {a[0]: a for a in agencies}
    by_loan = {c[0]: c for c in cases}
    # then no case is placed twice, each goes where its contract takes it, and no agency is over capacity
    assert len({p["loan_id"] for p in placed}) == len(placed)
    for p in placed:
        agency, case = by_agency[p["agency_id"]], by_loan[p["loan_id"]]
        assert case[1] in agency[2] and case[2] >= agency[3] and (agency[4] is None or case[2] <= agency[4])
        assert p["contract_id"] == agency[1] and p["placement_days"] == agency[5]
        assert p["arm"] == arm_of(p["loan_id"], share)
    for agency in agencies:
        assert sum(p["agency_id"] == agency[0] for p in placed) <= agency[7]
    # and a case left out had no agency with room that could take it
    if all(sum(p["agency_id"] == a[0] for p in placed) < a[7] for a in agencies):
        eligible = {c[0] for c in cases for a in agencies if c[1] in a[2] and c[2] >= a[3] and (a[4] is None or c[2] <= a[4])}
        assert {p["loan_id"] for p in placed} == eligible
    # and the same input in another order gives the same allocation
    again = allocate(candidates(list(reversed(cases))), offers(list(reversed(agencies))), challenger_share=share)
    assert again.to_pylist() == placed


def test_the_champion_arm_follows_the_agencies_scores_and_the_challenger_splits_evenly():
    # given 4,000 cases and two agencies, one scoring three times the other, both with room for all
    cases = candidates([(n, "M2", 1000) for n in range(1, 4001)])
    agencies = offers([(1, 10, ["M2"], 0, None, 30, 7500, 10_000), (2, 20, ["M2"], 0, None, 30, 2500, 10_000)])
    placed = allocate(cases, agencies, challenger_share=50).to_pylist()
    champion = [p for p in placed if p["arm"] == "champion"]
    challenger = [p for p in placed if p["arm"] == "challenger"]
    # then about three quarters of champion cases go to the better agency, about half of challenger cases
    share_champion = sum(p["agency_id"] == 1 for p in champion) / len(champion)
    share_challenger = sum(p["agency_id"] == 1 for p in challenger) / len(challenger)
    assert 0.70 < share_champion < 0.80
    assert 0.45 < share_challenger < 0.55
    assert 0.45 < len(challenger) / len(placed) < 0.55


def test_a_case_is_never_sent_back_to_the_agency_it_was_recalled_from():
    cases = candidates([(7, "M2", 1000)])
    agencies = offers([(1, 10, ["M2"], 0, None, 30, 10_000, 5), (2, 20, ["M2"], 0, None, 30, 1, 5)])
    excluded = pa.table({"loan_id": [7], "agency_id": [1]})
    assert allocate(cases, agencies, excluded=excluded).column("agency_id").to_pylist() == [2]
