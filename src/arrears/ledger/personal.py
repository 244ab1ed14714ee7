"""Personal data at rest: names, mobiles, emails and addresses sealed (no Django here).

A borrower's name, a contact point's value and its owner's name are stored as Fernet tokens
made by the site's `IdentityVault` (the one that already keeps national IDs), each beside an
HMAC digest of its search key for the exact lookups the product needs (a feed finding the
point it already holds, a STOP reply finding the number it came from):

    token, digest = seal(vault, "13812345678", CONTACT)
    open_sealed(vault, token)                 # '13812345678'
    contact_key(" +86 138-1234-5678 ")        # '13812345678': the digest does not mind the prefix

The search key of a contact value is the same whatever its kind: a value that looks like a
telephone number is its last 11 digits, anything else is trimmed and lower-cased (an email
address, an address). A name is searched as written.

`seal_column` and `digest_column` do the same over an Arrow column for the feeds, with one
vault (one Fernet object) for the whole column; `map_in_chunks` spreads the encryption over
worker processes when the column is long.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from arrears.ledger.identity import IdentityVault

TOKEN_PREFIX = "gAAAAA"
"""How every Fernet token begins (its version byte and the high bytes of its time stamp)."""

EXACT = "exact"
CONTACT = "contact"
_PHONE_SHAPE = re.compile(r"\+?[0-9 ()\-.]{5,}")
_PHONE_REGEX = r"^\+?[0-9 ()\-.]{5,}$"


def contact_key(value: str) -> str:
    """What a contact value is searched by: a telephone number's last 11 digits, else the value
    trimmed and lower-cased."""
    text = value.strip()
    if _PHONE_SHAPE.fullmatch(text):
        return re.sub(r"[^0-9]", "", text)[-11:]
    return text.lower()


def exact_key(value: str) -> str:
    return value


KEYS: dict[str, Callable[[str], str]] = {EXACT: exact_key, CONTACT: contact_key}


def digest(vault: IdentityVault, value: str | None, key: str) -> str:
    """The HMAC digest of the value's search key; "" for an empty value."""
    return vault.digest(KEYS[key](value)) if value else ""


def seal(vault: IdentityVault, value: str | None, key: str) -> tuple[str | None, str]:
    """(token, digest); an empty value stays empty (it says nothing)."""
    if not value:
        return value, ""
    return vault.encrypt(value), digest(vault, value, key)


def is_sealed(text: str | None) -> bool:
    return bool(text) and text.startswith(TOKEN_PREFIX)


def open_sealed(vault: IdentityVault, text: str | None) -> str | None:
    """The clear value of a token; anything that is not a token (an empty value, a placeholder
    written by retention) as it is."""
    return vault.decrypt(text) if is_sealed(text) else text


def digest_column(vault: IdentityVault, values: pa.Array | pa.ChunkedArray, key: str) -> pa.Array:
    """The digests of a string column (nulls and "" give ""), the search keys computed by Arrow."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = pc.fill_null(values.cast(pa.string()), "")
    if key == CONTACT:
        trimmed = pc.utf8_trim_whitespace(values)
        phone = pc.match_substring_regex(trimmed, _PHONE_REGEX)
        digits = pc.utf8_slice_codeunits(pc.replace_substring_regex(trimmed, r"[^0-9]", ""), -11, 2**31 - 1)
        values = pc.if_else(phone, digits, pc.utf8_lower(trimmed))
    from arrears.feeds.parallel import map_in_chunks

    chunks = map_in_chunks(partial(digest_all, vault), values.to_pylist())
    return pa.concat_arrays([pa.array(chunk, pa.string()) for chunk in chunks]) if chunks else pa.array([], pa.string())


def digest_all(vault: IdentityVault, keys: Sequence[str]) -> list[str]:
    """The HMAC digests of search keys already computed ("" stays "")."""
    hmac_of = vault.digest
    return [hmac_of(key) if key else "" for key in keys]


def seal_column(vault: IdentityVault, values: pa.Array | pa.ChunkedArray, progress=None) -> pa.Array:
    """Fernet tokens of a string column, in its order ("" stays ""); in worker processes when long."""
    from arrears.feeds.parallel import map_in_chunks

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    texts = pc.fill_null(values.cast(pa.string()), "").to_pylist()
    chunks = map_in_chunks(partial(seal_all, vault), texts, progress=progress)
    return pa.concat_arrays([pa.array(chunk, pa.string()) for chunk in chunks]) if chunks else pa.array([], pa.string())


def seal_all(vault: IdentityVault, texts: Sequence[str]) -> list[str]:
    encrypt = vault.encrypt
    return [encrypt(text) if text else "" for text in texts]
