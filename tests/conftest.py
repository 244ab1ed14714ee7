"""Shared test set-up: which database the suite runs on, and whether PostgreSQL must answer."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def postgres_answers(url: str = POSTGRES_URL) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL that answers; outside CI the test skips when none does, in CI it fails."""
    if postgres_answers():
        return POSTGRES_URL
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL at 127.0.0.1:5432 does not answer, and CI may not skip PostgreSQL tests")
    pytest.skip("PostgreSQL does not answer (allowed outside CI only)")


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked sqlite_only are left out of a PostgreSQL run, and tests marked postgres_only
    out of a SQLite run (not skipped: they do not apply there).
    On a PostgreSQL run with no server: fail in CI, skip elsewhere."""
    url = os.environ.get("DATABASE_URL", "")
    not_here = "sqlite_only" if url.startswith("postgres") else "postgres_only"
    kept = [item for item in items if item.get_closest_marker(not_here) is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    if not url.startswith("postgres") or postgres_answers(url):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("DATABASE_URL names PostgreSQL but it does not answer; CI may not skip")
    skip = pytest.mark.skip(reason="PostgreSQL does not answer (allowed outside CI only)")
    for item in items:
        item.add_marker(skip)
