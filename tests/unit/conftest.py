"""Unit-test hooks: print the message lint's precision and recall in the terminal summary.

tests/unit/test_lint.py measures the lint against tests/data/lint_messages.yaml and leaves the
report lines in `config.stash`; the summary hook prints them, so they appear in a plain
`pytest -q` run. Under pytest-xdist the worker that ran the test hands the lines to the controller.
"""

from __future__ import annotations

import pytest

LINT_REPORT = pytest.StashKey[list[str]]()
_WORKER_KEY = "lint_report"


@pytest.fixture
def lint_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines to print under "message lint" at the end of the run; the test appends to it."""
    return request.config.stash.setdefault(LINT_REPORT, [])


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    lines = session.config.stash.get(LINT_REPORT, None)
    if workeroutput is not None and lines:
        workeroutput[_WORKER_KEY] = lines


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    lines = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if lines:
        node.config.stash[LINT_REPORT] = lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(LINT_REPORT, None)
    if not lines:
        return
    terminalreporter.section("message lint: precision and recall")
    for line in lines:
        terminalreporter.write_line(line)
