"""Every agency page's and model's text exists in zh-Hans; pages default to Chinese and switch to English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

import arrears.agencies
from arrears.agencies.models import Agency

pytestmark = pytest.mark.django_db
APP = Path(arrears.agencies.__file__).parent


def test_every_string_of_the_agencies_app_has_a_chinese_translation():
    # given every string marked for translation in the app's templates and Python modules
    msgids = set()
    for template in (APP / "templates").rglob("*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        msgids.update(ast.literal_eval(lit) for lit in re.findall(r"\bn?gettext\((u?'(?:[^'\\]|\\.)*')", code))
    for module in APP.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        msgids.update(re.findall(r'(?<![\w.])_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', module.read_text(encoding="utf-8")))
    assert len(msgids) > 150
    # then each has a Chinese translation in the compiled catalogues
    with translation.override("zh-hans"):
        untranslated = sorted(m for m in msgids if translation.gettext(m) == m)
    assert untranslated == []


def test_the_whitelist_is_chinese_by_default_and_english_on_request(client):
    Agency.objects.create(name="甲催收", name_en="Jia Collections", credit_code="91310000MA1FL000A1")
    assert "我司合作的催收机构" in client.get("/agencies/whitelist/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/agencies/whitelist/"})
    page = client.get("/agencies/whitelist/").content.decode()
    assert "Collection agencies we use" in page and "Jia Collections" in page
