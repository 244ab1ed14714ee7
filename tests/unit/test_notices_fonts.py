"""Which copy of the CJK font a letter is set in: the common (GB 2312) copy when it holds every
character of the letter, else the whole font — and the rare character is drawn either way."""

from __future__ import annotations

import io

from fontTools import ttLib
from pypdf import PdfReader

from arrears.notices.document import Document, Section
from arrears.notices.pdf import common_characters, common_font_path, font_for, font_path, render

COMMON = Document(title="催收告知书", subtitle="Notice", sections=(Section(heading="逾期", lines=("张三您好：逾期金额¥2,000.00。",)),))
RARE = Document(title="催收告知书", subtitle="Notice", sections=(Section(heading="逾期", lines=("王喆您好：请于三日内联系我们。",)),))


def test_gb2312_covers_the_common_hanzi_and_punctuation_but_not_every_name():
    chars = common_characters()
    assert {"张", "三", "逾", "期", "￥", "，", "。", "：", "A", "é"} <= chars
    assert "喆" not in chars  # in GBK, not in GB 2312: a name can carry it
    assert 7_400 < len(chars) < 8_000


def test_a_letter_in_common_characters_is_set_in_the_small_copy_and_a_rare_one_in_the_whole_font():
    assert font_for(COMMON) == common_font_path()
    assert font_for(RARE) == font_path()
    small = ttLib.TTFont(str(common_font_path()), lazy=True)
    whole = ttLib.TTFont(str(font_path()), lazy=True)
    assert small["maxp"].numGlyphs < whole["maxp"].numGlyphs // 3
    assert ord("喆") in whole.getBestCmap() and ord("喆") not in small.getBestCmap()


def test_both_letters_read_back_with_every_character():
    for document, name in ((COMMON, "张三"), (RARE, "王喆")):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render(document))).pages)
        assert name in text and "催收告知书" in text
