"""Champion/challenger: shares close to the configured share, stable, and the engine's bucket
equal to Python's."""

from __future__ import annotations

import hashlib

import ibis
import pyarrow as pa
import pytest

from arrears.strategy.arms import arm_bucket, arm_bucket_expression, arm_for
from arrears.strategy.model import Arm

IDS = range(1, 10_001)


@pytest.mark.parametrize("share", [1, 10, 20, 50, 99])
def test_the_challenger_share_is_close_to_the_configured_share(share):
    # when
    challengers = sum(arm_for(i, "default", "agency_placement", share) is Arm.CHALLENGER for i in IDS)
    # then: within five standard deviations of a fair split of 10,000 accounts
    expected = share / 100 * len(IDS)
    spread = 5 * (len(IDS) * share / 100 * (1 - share / 100)) ** 0.5
    assert abs(challengers - expected) <= spread


def test_buckets_are_spread_evenly():
    counts = [0] * 100
    for i in IDS:
        counts[arm_bucket(i, "default", "internal_collection")] += 1
    assert min(counts) > 60 and max(counts) < 140


def test_the_arm_is_stable_and_documented():
    # the definition written out, so a change to it shows here
    key = b"default:agency_placement:1001"
    assert arm_bucket(1001, "default", "agency_placement") == int(hashlib.md5(key).hexdigest()[:8], 16) % 100 == 49
    assert [arm_for(i, "default", "agency_placement", 20).value for i in range(1, 9)] == [
        arm_for(i, "default", "agency_placement", 20).value for i in range(1, 9)
    ]
    assert arm_bucket("L-1001", "default", "agency_placement") == arm_bucket("L-1001", "default", "agency_placement")


def test_a_larger_share_only_adds_challengers():
    small = {i for i in IDS if arm_for(i, "s", "seg", 10) is Arm.CHALLENGER}
    large = {i for i in IDS if arm_for(i, "s", "seg", 30) is Arm.CHALLENGER}
    assert small < large


def test_segments_split_independently():
    first = [arm_bucket(i, "default", "early_reminder") for i in IDS]
    second = [arm_bucket(i, "default", "internal_collection") for i in IDS]
    same = sum(a == b for a, b in zip(first, second))
    assert same < 250  # about 100 expected by chance


@pytest.fixture(scope="module")
def duckdb():
    return ibis.duckdb.connect()


def engine_buckets(connection, ids: pa.Array, prefix: str) -> list[int]:
    table = ibis.memtable(pa.table({"loan_id": ids}))
    query = table.select("loan_id", bucket=arm_bucket_expression(table.loan_id, prefix)).order_by("loan_id")
    return connection.to_pyarrow(query)["bucket"].to_pylist()


def test_the_engine_computes_the_same_bucket(duckdb):
    ids = pa.array(IDS, pa.int64())
    assert engine_buckets(duckdb, ids, "default:agency_placement:") == [
        arm_bucket(i, "default", "agency_placement") for i in IDS
    ]


def test_the_engine_bucket_of_text_ids(duckdb):
    ids = pa.array([f"L{i:06d}" for i in range(1, 501)])
    assert engine_buckets(duckdb, ids, "default:seg:") == [arm_bucket(i, "default", "seg") for i in ids.to_pylist()]


@pytest.mark.postgres
def test_postgresql_computes_the_same_bucket(postgres_url):
    connection = ibis.connect(postgres_url)
    ids = pa.array(range(1, 2001), pa.int64())
    assert engine_buckets(connection, ids, "default:agency_placement:") == [
        arm_bucket(i, "default", "agency_placement") for i in range(1, 2001)
    ]
