"""Laying a Document out as a PDF with fpdf2, in a CJK font installed from PyPI.

The font is Noto Sans SC from the justmytype-intl-cjk package, a variable TrueType font whose
default instance is the thinnest weight; instancing it to a regular weight with fontTools takes
about 100 s, so text is drawn filled and stroked with a hairline instead, which reads as a
regular weight and leaves the text extractable. See docs/decisions/0008-notices-pdf.md.

fpdf2 reads only the default instance, so the font's variation tables (gvar alone is 7 MB) and the
layout and vertical tables it never uses are stripped once into a cached static copy: loading and
subsetting that copy takes about a third of the time the original does, and draws the same glyphs.

Most letters use only the characters of GB 2312 (the 6,763 common hanzi, with ASCII, Latin-1 and the
CJK and full-width punctuation): a second cached copy holds just those, about a fifth of the glyphs,
and a letter whose every character it has is set in it, in under half the time. A letter with any
other character (a rare hanzi in a name or an address) is set in the whole font: the choice is made
per letter, on its own text, so no character is ever lost.
"""

from __future__ import annotations

import os
import re
import tempfile
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


_UNUSED_TABLES = ("fvar", "gvar", "avar", "HVAR", "MVAR", "VVAR", "STAT", "cvar", "GSUB", "GPOS", "BASE", "GDEF", "vhea", "vmtx")


@lru_cache(maxsize=1)
def font_path() -> Path:
    """The static copy of the CJK font that notices are set in, made on first use."""
    source = source_font_path()
    stat = source.stat()
    cached = Path(tempfile.gettempdir()) / f"arrears-fonts-{os.getuid()}" / f"NotoSansSC-static-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if not cached.is_file():
        _write_static_copy(source, cached)
    return cached


@lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    """GB 2312's characters, printable ASCII and Latin-1, general, CJK and full-width punctuation."""
    found = {chr(code) for code in (*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2000, 0x2070),
                                    *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0))}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


@lru_cache(maxsize=1)
def common_font_path() -> Path:
    """The static copy cut down to `common_characters()`, made on first use."""
    static = font_path()
    cached = static.with_name(static.stem + "-gb2312.ttf")
    if not cached.is_file():
        _write_common_copy(static, cached)
    return cached


def font_for(document: Document) -> Path:
    """The common copy when it has every character of the document, else the whole font."""
    used = set(document.text()) - {"\n", "\t"}
    return common_font_path() if used <= common_characters() else font_path()


def _write_common_copy(static: Path, target: Path) -> None:
    from fontTools import subset, ttLib

    font = ttLib.TTFont(str(static), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in common_characters()])
    subsetter.subset(font)
    _save_atomically(font, target)


def _write_static_copy(source: Path, target: Path) -> None:
    from fontTools import ttLib

    font = ttLib.TTFont(str(source), recalcTimestamp=False)
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    _save_atomically(font, target)


def _save_atomically(font, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)  # atomic: a process running beside this one reads a whole file or none


def source_font_path() -> Path:
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
    pdf.add_font(FONT_FAMILY, fname=str(font_for(document)))
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
