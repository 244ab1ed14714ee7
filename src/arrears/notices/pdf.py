"""Laying a Document out as a PDF with fpdf2, in a CJK font installed from PyPI.

The font is Noto Sans SC from the justmytype-intl-cjk package, a variable TrueType font whose
default instance is the thinnest weight; instancing it to a regular weight with fontTools takes
about 100 s, so text is drawn filled and stroked with a hairline instead, which reads as a
regular weight and leaves the text extractable. See docs/decisions/0008-notices-pdf.md.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode, XPos, YPos

from arrears.errors import ConfigurationError
from arrears.notices.document import Document

FONT_FAMILY = "NotoSansSC"
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
_STROKE_MM = 0.18
_LINE_MM = 6.2


@lru_cache(maxsize=1)
def font_path() -> Path:
    try:
        path = Path(str(files("justmytype_intl_cjk") / "fonts" / "ofl" / "notosanssc" / "NotoSansSC[wght].ttf"))
    except ModuleNotFoundError:
        path = Path("/nonexistent")
    if not path.is_file():
        raise ConfigurationError(
            "缺少中文字体：请安装 justmytype-intl-cjk（见 pyproject.toml）",
            "The CJK font is missing: install justmytype-intl-cjk (see pyproject.toml)",
        )
    return path


def render(document: Document) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(document.title)
    pdf.set_creator("arrears")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 16, 18)
    pdf.add_font(FONT_FAMILY, fname=str(font_path()))
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.set_line_width(_STROKE_MM)
    pdf.add_page()
    _title(pdf, document)
    for section in document.sections:
        _section(pdf, section)
    if document.footer:
        pdf.ln(4)
        _paragraph(pdf, document.footer, size=8.5)
    return bytes(pdf.output())


def _title(pdf: FPDF, document: Document) -> None:
    pdf.set_font(FONT_FAMILY, size=17)
    pdf.set_line_width(_STROKE_MM * 2)
    pdf.multi_cell(0, 10, document.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(_STROKE_MM)
    if document.subtitle:
        pdf.set_font(FONT_FAMILY, size=9.5)
        pdf.multi_cell(0, 5.5, document.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _section(pdf: FPDF, section) -> None:
    pdf.ln(2)
    if pdf.get_y() + 7.5 + 2 * _LINE_MM > pdf.page_break_trigger:
        pdf.add_page()  # a heading starts the page its section does: never alone at the foot of one
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.set_line_width(_STROKE_MM * 1.8)
    pdf.multi_cell(0, 7.5, section.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(_STROKE_MM)
    for line in section.lines:
        _paragraph(pdf, line)
    if section.table:
        pdf.set_font(FONT_FAMILY, size=10.5)
        label_width = (pdf.w - pdf.l_margin - pdf.r_margin) * 0.62
        for label, value in section.table:
            pdf.cell(label_width, _LINE_MM, label, border="B")
            pdf.cell(0, _LINE_MM, value, border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, text: str, *, size: float = 10.5) -> None:
    """Left-aligned, never justified: justifying a line of Chinese stretches its few spaces into gaps.
    Chinese wraps between any two characters, as it is typeset; a line of English between words."""
    pdf.set_font(FONT_FAMILY, size=size)
    wrap = WrapMode.CHAR if _CJK.search(text) else WrapMode.WORD
    pdf.multi_cell(0, _LINE_MM * size / 10.5, text, align="L", wrapmode=wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
