"""The written notice as a borrower sees it: each page rendered to an image (pdfium), its lines
measured. A paragraph's line is left-aligned, has no gap wider than a few characters inside it, and
no list number stands alone on a line; no section heading is left alone at the foot of a page."""

from __future__ import annotations

import io
import re

import numpy as np
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from arrears.notices import written_notice_pdf
from tests.integration.test_notices_pdf import AS_OF, aged_account

pytestmark = pytest.mark.django_db(transaction=True)
SCALE = 2.0  # 144 dots an inch: a 10.5-point character is about 21 dots wide
INK = 128  # darker than this is ink
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\. [A-Z])")


def page_images(pdf: bytes) -> list[np.ndarray]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [np.asarray(document[i].render(scale=SCALE, grayscale=True).to_pil().convert("L")) < INK
                for i in range(len(document))]
    finally:
        document.close()


def text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of each band of rows with ink."""
    rows = ink.any(axis=1)
    bands, start = [], None
    for y, inked in enumerate(rows):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append((start, y))
            start = None
    return bands


def is_rule(ink: np.ndarray, band: tuple[int, int], width: int) -> bool:
    """A table's horizontal rule: a thin band inked across most of the text width."""
    top, bottom = band
    return bottom - top <= 4 and ink[top:bottom].any(axis=0).sum() > 0.8 * width


def measured(ink: np.ndarray):
    """For each line of text that is not a table row: its left edge, its inked width, its widest gap."""
    columns = np.flatnonzero(ink.any(axis=0))
    left, right = columns.min(), columns.max()
    width = right - left
    bands = text_lines(ink)
    lines = []
    for index, (top, bottom) in enumerate(bands):
        if is_rule(ink, (top, bottom), width) or bottom - top < 8:
            continue
        below = bands[index + 1] if index + 1 < len(bands) else None
        if below is not None and is_rule(ink, below, width):
            continue  # a table row: a label on the left and its amount on the right, by design
        inked = np.flatnonzero(ink[top:bottom].any(axis=0))
        if abs((inked.min() - left) - (right - inked.max())) < 0.05 * width and inked.min() - left > 0.05 * width:
            continue  # a centred line: the title and its date
        gaps = np.diff(inked) - 1
        lines.append((inked.min() - left, inked.max() - inked.min(), int(gaps.max()) if gaps.size else 0, width, top))
    return lines


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_notices_paragraphs_read_as_typeset_text(language):
    # given an overdue account's written notice, rendered page by page
    loan, _state = aged_account()
    pdf = written_notice_pdf(loan.external_id, AS_OF, profile="cn", language=language)
    for number, ink in enumerate(page_images(pdf), start=1):
        # when each line of its paragraphs is measured
        for indent, inked_width, widest_gap, width, top in measured(ink):
            where = f"page {number}, line at {top} dots"
            # then no line is pushed to the right or stretched with gaps (justified Chinese did both)
            assert widest_gap < 0.06 * width, f"{where}: a gap of {widest_gap} dots inside the line"
            assert indent < 0.25 * width or inked_width > 0.3 * width, f"{where}: text pushed to the right"
            # and no line holds a list number alone ("1." then the item on the next line)
            assert inked_width > 0.025 * width, f"{where}: a line of {inked_width} dots, a number left alone"


@pytest.mark.parametrize("lines_before", range(30, 40))
def test_no_section_heading_is_left_alone_at_the_foot_of_a_page(lines_before):
    # given a document whose first section ends at each height near the foot of the first page
    from arrears.notices.document import Document, Section
    from arrears.notices.pdf import render

    first = Section("一、前文", tuple(f"第 {n} 行：逾期金额明细与还款方式说明。" for n in range(lines_before)))
    second = Section("二、下一节", ("本节第一行。", "本节第二行。"))
    pdf = render(Document(title="催收通知书", subtitle="测试", sections=(first, second)))
    # when each page's text is read back
    pages = [[line.strip() for line in page.extract_text().splitlines() if line.strip()]
             for page in PdfReader(io.BytesIO(pdf)).pages]
    # then the second heading stands on the page its first line does, never last on a page
    for page in pages[:-1]:
        assert not HEADING.match(page[-1]), f"a page ends with the heading {page[-1]!r}"
