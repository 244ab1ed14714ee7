"""The strings an app marks for translation, and those of them without a zh-Hans text."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

from django.utils import translation
from django.utils.translation.template import templatize

_TEMPLATE_MSGID = re.compile(r"\bn?gettext\((u?'(?:[^'\\]|\\.)*')")
_MODULE_MSGID = re.compile(r'(?<![\w.])_\(\s*"((?:[^"\\]|\\.)*)"\s*\)')


def marked_strings(app: ModuleType) -> set[str]:
    """Every msgid in the app's templates ({% translate %}, {% blocktranslate %}) and modules (_("…"))."""
    folder = Path(app.__file__).parent
    msgids: set[str] = set()
    for template in (folder / "templates").rglob("*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        msgids.update(ast.literal_eval(literal) for literal in _TEMPLATE_MSGID.findall(code))
    for module in folder.glob("*.py"):
        msgids.update(_MODULE_MSGID.findall(module.read_text(encoding="utf-8")))
    return msgids


def untranslated(msgids: set[str]) -> list[str]:
    with translation.override("zh-hans"):
        return sorted(m for m in msgids if translation.gettext(m) == m)
