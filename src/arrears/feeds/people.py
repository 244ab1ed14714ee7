"""Borrowers and their contact points, as the loans feed describes them (no Django here).

    borrowers = borrower_records(rows, vault)   # one per borrower_id; the ID digested and masked
    points = contact_points(rows)               # the borrower's own, and the emergency contact's
    flags = verified_flags(rows)                # which of the borrower's own the lender says it verified

The national ID leaves this module only as a digest and a masked form; it is
encrypted later, and only for borrowers that are new or changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.parallel import map_in_chunks
from arrears.feeds.schemas import VERIFIED_COLUMNS
from arrears.ledger import personal
from arrears.ledger.identity import IdentityVault

CONTACT_COLUMNS = ("borrower_id", "kind", "value", "owner", "relation", "owner_name")


def borrower_records(rows: pa.Table, vault: IdentityVault) -> pa.Table:
    """external_id, name_digest, national_id_digest, national_id_masked, time_zone, region: one per
    borrower (the name, like the national ID, is sealed later and only for borrowers that changed).

    Validation has made every row of a borrower agree on these and marked the first
    row of each (`borrower_first`), which speaks for all. `national_id` is the borrower's
    identity number: a resident ID (18 characters) or, for a US borrower, the SSN's 9 digits
    or its last 4 (validation/_us_people.py); each is masked the way its readers know it.
    """
    first_rows = rows.filter(rows.column("borrower_first"))
    numbers = first_rows.column("national_id").combine_chunks()
    masked = mask_identity_numbers(numbers)
    digest = vault.digest
    digests = pa.array([digest(number) for number in numbers.to_pylist()], pa.string())
    return pa.table(
        {
            "external_id": first_rows.column("borrower_id"),
            "name_digest": personal.digest_column(vault, first_rows.column("borrower_name"), personal.EXACT),
            "national_id_digest": digests,
            "national_id_masked": masked,
            "time_zone": first_rows.column("time_zone"),
            "region": first_rows.column("region"),
        }
    )


def mask_identity_numbers(numbers: pa.Array) -> pa.Array:
    """A resident ID as 110105********002X (first 6 and last 4); an SSN or its last 4 as ***-**-6789."""
    resident = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(numbers, 0, 6), "********", pc.utf8_slice_codeunits(numbers, 14, 18), ""
    )
    if len(numbers) == 0 or pc.all(pc.equal(pc.utf8_length(numbers), 18)).as_py():
        return resident
    ssn = pc.binary_join_element_wise("***-**-", pc.utf8_slice_codeunits(numbers, -4, 2**31 - 1), "")
    return pc.if_else(pc.equal(pc.utf8_length(numbers), 18), resident, ssn)


def encrypt_national_ids(rows: pa.Table, borrower_ids: pa.Array, vault: IdentityVault, progress=None) -> pa.Array:
    """Fernet tokens of the national IDs of `borrower_ids`, in that order; in worker processes when many."""
    first_rows = rows.filter(rows.column("borrower_first"))
    at = pc.index_in(borrower_ids, value_set=first_rows.column("borrower_id").combine_chunks())
    numbers = first_rows.column("national_id").combine_chunks().take(at).to_pylist()
    chunks = map_in_chunks(partial(encrypt_all, vault), numbers, progress=progress)
    return pa.concat_arrays([pa.array(chunk, pa.string()) for chunk in chunks]) if chunks else pa.array([], pa.string())


def encrypt_all(vault: IdentityVault, numbers: Sequence[str]) -> list[str]:
    return [vault.encrypt(number) for number in numbers]


def borrower_names(rows: pa.Table, borrower_ids: pa.Array, vault: IdentityVault, progress=None) -> pa.Array:
    """Sealed names of `borrower_ids`, in that order."""
    first_rows = rows.filter(rows.column("borrower_first"))
    at = pc.index_in(borrower_ids, value_set=first_rows.column("borrower_id").combine_chunks())
    return personal.seal_column(vault, first_rows.column("borrower_name").combine_chunks().take(at), progress)


def digested_points(points: pa.Table, vault: IdentityVault) -> pa.Table:
    """The contact points as staged: the value and the owner's name replaced by their digests, and
    `at`, the point's position in `points` (where its clear values are). Two values with one search
    key (138 1234 5678 and 13812345678) are one point: the first is kept."""
    staged = pa.table(
        {
            "borrower_id": points.column("borrower_id"),
            "kind": points.column("kind"),
            "value_digest": personal.digest_column(vault, points.column("value"), personal.CONTACT),
            "owner": points.column("owner"),
            "relation": points.column("relation"),
            "owner_name_digest": personal.digest_column(vault, points.column("owner_name"), personal.EXACT),
            "at": pa.array(np.arange(points.num_rows, dtype=np.int64)),
        }
    )
    return _first_per_key(staged, "value_digest")


def digested_flags(flags: pa.Table, vault: IdentityVault) -> pa.Table:
    """borrower_id, kind, value_digest, verified: the verified flags as staged."""
    staged = pa.table(
        {
            "borrower_id": flags.column("borrower_id"),
            "kind": flags.column("kind"),
            "value_digest": personal.digest_column(vault, flags.column("value"), personal.CONTACT),
            "verified": flags.column("verified"),
        }
    )
    return _first_per_key(staged, "value_digest")


def _first_per_key(table: pa.Table, value_column: str) -> pa.Table:
    table = table.combine_chunks()
    keys = pc.binary_join_element_wise(table.column("borrower_id"), table.column("kind"), table.column(value_column),
                                       "\x1f")
    firsts = col.first_positions(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
    return table.filter(pa.array(firsts == np.arange(table.num_rows)))


def contact_points(rows: pa.Table) -> pa.Table:
    """The distinct contact points to upsert: borrower_id, kind, value, owner, relation, owner_name.

    One per (borrower, kind, value): when rows of one borrower name the same point, the
    borrower's own wins over an emergency contact, then the earlier row.
    """
    given = {
        name: col.present(rows.column(name).combine_chunks())
        for name in ("email", "address", "emergency_contact_mobile")
    }
    every = pa.concat_tables(
        [
            _points(rows, np.ones(rows.num_rows, dtype=bool), "mobile", "mobile"),
            _points(rows, given["email"], "email", "email"),
            _points(rows, given["address"], "address", "address"),
            _points(rows, given["emergency_contact_mobile"], "mobile", "emergency_contact_mobile", third_party=True),
        ]
    )
    # Within one row the points cannot collide (validation refuses an emergency mobile equal to
    # the borrower's own), so only borrowers with several rows need the costlier deduplication.
    shared = every.column("borrower_shared").combine_chunks()
    alone = every.filter(pc.invert(shared))
    several = every.filter(shared).sort_by([("precedence", "ascending"), ("row", "ascending")])
    keys = pc.binary_join_element_wise(several.column("borrower_id"), several.column("kind"), several.column("value"),
                                       "\x1f")
    firsts = col.first_positions(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
    several = several.filter(pa.array(firsts == np.arange(several.num_rows)))
    return pa.concat_tables([alone, several]).select(list(CONTACT_COLUMNS))


def verified_flags(rows: pa.Table) -> pa.Table:
    """borrower_id, kind, value, verified: one per point a row says is verified or not.

    Validation has made the rows that name one point agree (`_verifications_agree`), so the
    first row that says something speaks for all."""
    parts = []
    for flag, kind in VERIFIED_COLUMNS.items():
        said = rows.filter(pc.is_valid(rows.column(flag)))
        parts.append(
            pa.table(
                {
                    "borrower_id": said.column("borrower_id"),
                    "kind": pa.array([kind] * said.num_rows, pa.string()),
                    "value": said.column(kind),
                    "verified": said.column(flag),
                }
            )
        )
    every = pa.concat_tables(parts).combine_chunks()
    keys = pc.binary_join_element_wise(every.column("borrower_id"), every.column("kind"), every.column("value"), "\x1f")
    firsts = col.first_positions(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
    return every.filter(pa.array(firsts == np.arange(every.num_rows)))


def _points(rows: pa.Table, mask: np.ndarray, kind: str, column: str, *, third_party: bool = False) -> pa.Table:
    chosen = rows.filter(pa.array(mask))
    count = chosen.num_rows

    def constant(value: str) -> pa.Array:
        return pa.array([value] * count, pa.string())

    return pa.table(
        {
            "row": chosen.column("row"),
            "borrower_shared": chosen.column("borrower_shared"),
            "precedence": pa.array(np.full(count, 1 if third_party else 0, dtype=np.int8)),
            "borrower_id": chosen.column("borrower_id"),
            "kind": constant(kind),
            "value": chosen.column(column),
            "owner": constant("third_party" if third_party else "borrower"),
            "relation": chosen.column("emergency_contact_relation") if third_party else constant("self"),
            "owner_name": chosen.column("emergency_contact_name") if third_party else constant(""),
        }
    )
