"""The pure parts of messaging: masking, opt-out lines, sandboxed rendering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.compliance.lint import lint
from arrears.messaging.errors import TemplateError
from arrears.messaging.masking import mask_mobile, mask_name, mask_reference
from arrears.messaging.opt_out import ELECTRONIC_CHANNELS, opt_out_line, with_opt_out
from arrears.messaging.rendering import check_syntax, render_text


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_a_masked_mobile_shows_at_most_the_first_three_and_last_four_digits(number):
    masked = mask_mobile(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:-4]) <= {"*"}


def test_a_short_number_is_hidden_whole():
    assert mask_mobile("12345") == "*****"


@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip() and " " not in s.strip()))
def test_a_masked_name_keeps_only_its_first_character(name):
    masked = mask_name(name)
    assert masked[0] == name.strip()[0] and set(masked[1:]) <= {"*"}


def test_masks_read_as_expected():
    assert mask_name("张三丰") == "张**"
    assert mask_name("Jane Smith") == "J*** S****"
    assert mask_reference("L-2026-000123") == "0123"


@pytest.mark.parametrize("profile", ["cn", "us-regf"])
@pytest.mark.parametrize("channel", sorted(ELECTRONIC_CHANNELS))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_electronic_channel_has_an_opt_out_line_the_lint_accepts(profile, channel, language):
    line = opt_out_line(profile, channel, language)
    assert line and lint(line) == ()


def test_the_cn_sms_line_is_the_industry_one_and_us_sms_says_stop():
    assert opt_out_line("cn", "sms", "zh-hans") == "回复TD退订"
    assert "STOP" in opt_out_line("us-regf", "sms", "en")


def test_letters_and_calls_carry_no_opt_out_line_and_a_body_is_not_given_it_twice():
    assert opt_out_line("cn", "letter", "zh-hans") == "" and opt_out_line("cn", "call", "en") == ""
    once = with_opt_out("请还款。", "cn", "sms", "zh-hans")
    assert once == "请还款。回复TD退订" and with_opt_out(once, "cn", "sms", "zh-hans") == once


def test_rendering_fills_variables():
    assert render_text("{{ a }} · {{ b }}", {"a": "甲", "b": "乙"}) == "甲 · 乙"


@pytest.mark.parametrize("source", ["{{ a ", "{% for %}", "{% if a %}no end"])
def test_a_syntax_error_is_a_bilingual_template_error(source):
    with pytest.raises(TemplateError) as raised:
        check_syntax(source)
    assert "模板语法错误" in raised.value.zh and "Template syntax error" in raised.value.en


def test_an_unknown_variable_is_named_with_the_available_ones():
    with pytest.raises(TemplateError) as raised:
        render_text("{{ nme }}", {"name": "x"})
    assert "nme" in raised.value.en and "Available: name" in raised.value.en


def test_a_variable_the_reader_may_not_see_says_why():
    with pytest.raises(TemplateError) as raised:
        render_text("{{ overdue_amount }}", {"callback_number": "1"}, unavailable={"overdue_amount": "never told of the debt"})
    assert "not available here (never told of the debt)" in raised.value.en


@pytest.mark.parametrize("source", [
    "{{ a.__class__.__mro__ }}",
    "{{ ''.__class__.__subclasses__() }}",
    "{{ a.append(1) }}",
])
def test_the_sandbox_refuses_python_internals(source):
    with pytest.raises(TemplateError):
        render_text(source, {"a": []})


def test_the_language_is_the_borrowers_preference_else_zh_hans():
    from types import SimpleNamespace

    from arrears.messaging.variables import preferred_language

    def loan(**fields):
        return SimpleNamespace(borrower=SimpleNamespace(**fields))

    assert preferred_language(loan()) == "zh-hans"
    assert preferred_language(loan(language="en-US")) == "en"
    assert preferred_language(loan(preferred_language="zh_Hans")) == "zh-hans"
    assert preferred_language(loan(language="")) == "zh-hans"


def test_every_string_of_the_template_admin_has_a_chinese_translation():
    # given every string marked for translation in the messaging app's templates and modules
    import ast
    import re
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation.template import templatize

    import arrears.messaging

    app = Path(arrears.messaging.__file__).parent
    msgids = set()
    for template in (app / "templates").rglob("*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        msgids.update(ast.literal_eval(literal) for literal in re.findall(r"\bn?gettext\((u?'(?:[^'\\]|\\.)*')", code))
    for module in app.glob("*.py"):
        msgids.update(re.findall(r'\b_\("([^"\\]+)"\)', module.read_text(encoding="utf-8")))
    assert len(msgids) > 40
    # then each has a zh-Hans translation in the app's compiled catalogue
    with translation.override("zh-hans"):
        untranslated = sorted(msgid for msgid in msgids if translation.gettext(msgid) == msgid)
    assert untranslated == []
