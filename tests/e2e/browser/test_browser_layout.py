"""The English layout at a laptop's 1366 px: the top bar keeps one line, and the roll-rate matrix
shows its first column whole (issue: the English labels are longer than the Chinese)."""

from __future__ import annotations

import pytest

from tests.e2e.browser.conftest import log_in, make_user
from tests.e2e.conftest import book  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_in_english_the_top_bar_keeps_one_line_and_the_roll_matrix_its_first_column(new_page, book):  # noqa: F811
    # given an administrator, who sees every link of the top bar, reading in English
    make_user("root", is_superuser=True, is_staff=True)
    page = new_page("en-US")
    log_in(page, "root")
    with page.expect_navigation():
        page.locator(".lang-switch button[value=en]").click()
    page.goto("/roll-rates/")
    # then every link of the top bar stands on one line
    tops = page.locator(".topbar nav a").evaluate_all("links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) > 3 and len(set(tops)) == 1, tops
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] < 80, bar
    # and the matrix's first column is inside the page and not cut: its labels fit their cells
    cells = page.locator("#roll-matrix tr > :first-child")
    assert cells.count() > 3
    cut = cells.evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().left < 0)"
        ".map(c => c.textContent.trim())"
    )
    assert cut == []
