"""A synthetic loan book for demos, tests and benchmarks (no Django here).

    from arrears.simulate import BookOptions, BookWriter, iter_book

    with BookWriter(Path("var/book")) as writer:
        for chunk in iter_book(BookOptions(loans=20_000, seed=7)):
            writer.write(chunk)

See docs/synthetic-book.md for what the book contains and why.
"""

from arrears.simulate.behaviour import BEHAVIOUR_SHARES, Behaviour, Channel
from arrears.simulate.book import (
    LOANS_SCHEMA,
    PAYMENTS_SCHEMA,
    Book,
    BookChunk,
    BookOptions,
    generate_book,
    iter_book,
)
from arrears.simulate.files import LOANS_FILE, PAYMENTS_FILE, BookWriter

__all__ = [
    "BEHAVIOUR_SHARES",
    "LOANS_FILE",
    "LOANS_SCHEMA",
    "PAYMENTS_FILE",
    "PAYMENTS_SCHEMA",
    "Behaviour",
    "Book",
    "BookChunk",
    "BookOptions",
    "BookWriter",
    "Channel",
    "generate_book",
    "iter_book",
]
