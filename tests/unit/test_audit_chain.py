"""The hash chain in pure Python: any change, removal or move of an entry breaks it, at that entry."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.audit.chain import GENESIS, Draft, canonical_detail, first_break, instant, link

FIELDS = ("at", "kind", "actor", "subject", "detail", "prev_hash", "hash")


def chain(n: int):
    drafts = [
        Draft(instant(dt.datetime(2026, 5, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i)), f"kind.{i % 4}",
              f"user:{i % 3}", f"loan:{i}", canonical_detail({"n": i, "渠道": "短信"}))
        for i in range(n)
    ]
    return link(drafts, after_seq=0, after_hash=GENESIS)


def head_of(entries):
    return (entries[-1].seq, entries[-1].hash) if entries else (0, GENESIS)


def test_an_untouched_chain_holds_and_continues_from_its_head():
    entries = chain(10)
    assert first_break(entries, head_of(entries)) is None
    more = link([Draft(instant(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)), "k", "a", "s", "{}")],
                after_seq=entries[-1].seq, after_hash=entries[-1].hash)
    assert more[0].seq == 11 and first_break(entries + more, head_of(more)) is None


def test_the_detail_is_canonical_whatever_the_key_order():
    assert canonical_detail({"b": 1, "a": "é"}) == canonical_detail({"a": "é", "b": 1}) == '{"a":"é","b":1}'


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_changing_any_field_of_any_entry_breaks_the_chain_there(n, data):
    entries = chain(n)
    index = data.draw(st.integers(0, n - 1))
    name = data.draw(st.sampled_from(FIELDS))
    before = getattr(entries[index], name)
    after = data.draw(st.text(min_size=1, max_size=70).filter(lambda v: v != before))
    tampered = list(entries)
    tampered[index] = dataclasses.replace(entries[index], **{name: after})
    problem = first_break(tampered, head_of(entries))
    assert problem is not None and problem.seq in (index + 1, index + 2)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_removing_any_entry_breaks_the_chain(n, data):
    entries = chain(n)
    index = data.draw(st.integers(0, n - 1))
    problem = first_break(entries[:index] + entries[index + 1:], head_of(entries))
    assert problem is not None and problem.seq == index + 1


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 30), data=st.data())
def test_moving_any_entry_breaks_the_chain(n, data):
    entries = chain(n)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1).filter(lambda k: k != i))
    moved = list(entries)
    moved[i], moved[j] = moved[j], moved[i]  # rows in another order, numbers and all
    assert first_break(moved, head_of(entries)) is not None
    renumbered = [dataclasses.replace(e, seq=k + 1) for k, e in enumerate(moved)]  # and numbered to fit
    assert first_break(renumbered, head_of(entries)) is not None
