"""Personal data sealed at rest: the search keys, the digests computed over a column being the ones
computed one value at a time, and the vault travelling to worker processes."""

from __future__ import annotations

import pickle
from functools import partial

import pyarrow as pa
import pytest

from arrears.feeds.parallel import map_in_chunks
from arrears.ledger import personal
from arrears.ledger.identity import IdentityVault

VAULT = IdentityVault("a-secret-for-the-personal-data-tests-0123456789", fallbacks=["an-older-secret-0123456789abcdef0"])
VALUES = ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "Wang.Li@Example.CN ", "上海市徐汇区某路1号",
          "", None, "(212) 555-0100", "1234"]


@pytest.mark.parametrize(
    ("value", "key"),
    [("+86 138 1234 5678", "13812345678"), ("0086-138-1234-5678", "13812345678"), (" A@B.cn ", "a@b.cn"),
     ("(212) 555-0100", "2125550100"), ("上海市 Road", "上海市 road"), ("1234", "1234")],
)
def test_a_contact_value_is_searched_by_its_last_11_digits_or_in_lower_case(value, key):
    assert personal.contact_key(value) == key


def test_the_column_digests_are_the_digests_of_each_value():
    column = pa.array(VALUES, pa.string())
    for key in (personal.CONTACT, personal.EXACT):
        assert personal.digest_column(VAULT, column, key).to_pylist() == [
            personal.digest(VAULT, value, key) for value in VALUES
        ]


def test_the_column_digests_are_the_same_when_computed_in_worker_processes(monkeypatch):
    from arrears.feeds import parallel

    column = pa.array(VALUES * 10, pa.string())
    alone = personal.digest_column(VAULT, column, personal.CONTACT).to_pylist()
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    assert personal.digest_column(VAULT, column, personal.CONTACT).to_pylist() == alone


def test_sealed_values_open_to_what_was_sealed_and_a_placeholder_stays_as_it_is():
    tokens = personal.seal_column(VAULT, pa.array(VALUES, pa.string())).to_pylist()
    assert [personal.open_sealed(VAULT, token) for token in tokens] == [value or "" for value in VALUES]
    assert all(personal.is_sealed(token) for token, value in zip(tokens, VALUES) if value)
    assert personal.open_sealed(VAULT, "anonymised:12") == "anonymised:12"


def test_the_vault_reaches_worker_processes_and_seals_there():
    again = pickle.loads(pickle.dumps(VAULT))
    assert again.decrypt(VAULT.encrypt("x")) == "x" and again.digest("y") == VAULT.digest("y")
    texts = [f"1380000{n:04d}" for n in range(60)]
    chunks = map_in_chunks(lambda part: personal.seal_all(VAULT, part), texts, parallel_from=10**9)
    tokens = [token for chunk in chunks for token in chunk]
    assert [VAULT.decrypt(token) for token in tokens] == texts
    # handed to a forked worker with the vault pickled, as the feeds do
    forked = map_in_chunks(partial(personal.seal_all, VAULT), texts, parallel_from=1)
    assert [VAULT.decrypt(token) for chunk in forked for token in chunk] == texts
